import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Partner secret generations: tokens carry the generation of the secret they
 * were issued with, and a rotation may end every older generation at once.
 */
export class PartnerSecretGenerations1764291000000 implements MigrationInterface {
  name = 'PartnerSecretGenerations1764291000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('partner_clients', [
      new TableColumn({ name: 'secretGeneration', type: 'integer', default: 1 }),
      new TableColumn({ name: 'tokensFromGeneration', type: 'integer', default: 1 }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('partner_clients', 'tokensFromGeneration');
    await queryRunner.dropColumn('partner_clients', 'secretGeneration');
  }
}
