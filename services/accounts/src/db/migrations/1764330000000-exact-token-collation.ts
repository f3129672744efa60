import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  useDefaultCollation,
  useExactTokenCollation,
  type StringColumnDefinition,
} from '@portico/kit';

/**
 * Exact tokens compare byte for byte on MySQL/MariaDB too, as on SQLite: ids,
 * keys, hashes, provider ids, numbers, codes and states get the binary
 * collation, and emails, now stored normalized (trimmed, lower case), compare
 * the same way. Human text (names, addresses) keeps the database's collation.
 */
const COLUMNS: Record<string, StringColumnDefinition[]> = {
  customers: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'email', type: 'varchar(320)', nullable: false },
    { name: 'currency', type: 'varchar(3)', nullable: false },
    { name: 'locale', type: 'varchar(16)', nullable: false },
    { name: 'billingCountry', type: 'varchar(2)', nullable: false },
  ],
  contacts: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'customerId', type: 'varchar(36)', nullable: false },
    { name: 'email', type: 'varchar(320)', nullable: false },
    { name: 'passwordHash', type: 'varchar(255)', nullable: true },
  ],
  staff_users: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'email', type: 'varchar(320)', nullable: false },
    { name: 'passwordHash', type: 'varchar(255)', nullable: false },
    { name: 'roleList', type: 'varchar(200)', nullable: false },
  ],
  sessions: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'subjectKind', type: 'varchar(16)', nullable: false },
    { name: 'subjectId', type: 'varchar(36)', nullable: false },
    { name: 'revokedReason', type: 'varchar(40)', nullable: true },
    { name: 'clientAddress', type: 'varchar(64)', nullable: true },
  ],
  refresh_tokens: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'sessionId', type: 'varchar(36)', nullable: false },
    { name: 'tokenHash', type: 'varchar(64)', nullable: false },
  ],
  action_tokens: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'purpose', type: 'varchar(20)', nullable: false },
    { name: 'subjectKind', type: 'varchar(16)', nullable: false },
    { name: 'subjectId', type: 'varchar(36)', nullable: false },
    { name: 'tokenHash', type: 'varchar(64)', nullable: false },
    { name: 'createdBy', type: 'varchar(36)', nullable: true },
  ],
  revocations: [{ name: 'subject', type: 'varchar(80)', nullable: false }],
  partner_clients: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'secretHash', type: 'varchar(64)', nullable: false },
    { name: 'scopeList', type: 'varchar(1000)', nullable: false },
    { name: 'customerIdList', type: 'text', nullable: true },
    { name: 'createdBy', type: 'varchar(36)', nullable: false },
  ],
};

const EMAIL_TABLES = ['contacts', 'customers', 'staff_users'];

export class ExactTokenCollation1764330000000 implements MigrationInterface {
  name = 'ExactTokenCollation1764330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await useExactTokenCollation(queryRunner, table, columns);
    }
    // After the collation change, so that the comparison sees the case.
    for (const table of EMAIL_TABLES) {
      await queryRunner.query(
        `UPDATE ${table} SET email = LOWER(TRIM(email)) WHERE email <> LOWER(TRIM(email))`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await useDefaultCollation(queryRunner, table, columns);
    }
  }
}
