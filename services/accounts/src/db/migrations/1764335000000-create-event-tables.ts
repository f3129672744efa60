import { createEventTables, dropEventTables } from '@portico/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The events kit's outbox (and inbox) tables: accounts publishes customer and organisation changes. */
export class CreateEventTables1764335000000 implements MigrationInterface {
  name = 'CreateEventTables1764335000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropEventTables(queryRunner);
  }
}
