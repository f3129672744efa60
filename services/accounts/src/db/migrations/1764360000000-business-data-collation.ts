import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  useDefaultCollation,
  useExactTokenCollation,
  type StringColumnDefinition,
} from '@portico/kit';

/**
 * The business-data columns that hold exact tokens (ids, kinds, codes,
 * hashes, tax ids, the audit's JSON) compare byte for byte on MySQL/MariaDB
 * too, as every other token column does; the support email is stored
 * normalized and compared the same way. Names and address text keep the
 * database's collation.
 */
const COLUMNS: Record<string, StringColumnDefinition[]> = {
  customers: [{ name: 'taxId', type: 'varchar(50)', nullable: true }],
  staff_users: [
    { name: 'passwordHash', type: 'varchar(255)', nullable: true },
    { name: 'invitedBy', type: 'varchar(36)', nullable: true },
  ],
  organisation_profile: [
    { name: 'id', type: 'varchar(16)', nullable: false },
    { name: 'addressCountry', type: 'varchar(2)', nullable: false },
    { name: 'taxId', type: 'varchar(50)', nullable: true },
    { name: 'supportEmail', type: 'varchar(320)', nullable: false },
    { name: 'defaultCurrency', type: 'varchar(3)', nullable: false },
    { name: 'defaultLocale', type: 'varchar(16)', nullable: false },
    { name: 'portalUrl', type: 'varchar(500)', nullable: false },
    { name: 'logoType', type: 'varchar(20)', nullable: true },
    { name: 'logoSha256', type: 'varchar(64)', nullable: true },
    { name: 'updatedByKind', type: 'varchar(16)', nullable: false },
    { name: 'updatedById', type: 'varchar(36)', nullable: true },
  ],
  audit_entries: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'actorKind', type: 'varchar(16)', nullable: false },
    { name: 'actorId', type: 'varchar(36)', nullable: true },
    { name: 'action', type: 'varchar(64)', nullable: false },
    { name: 'entityType', type: 'varchar(32)', nullable: false },
    { name: 'entityId', type: 'varchar(36)', nullable: false },
    { name: 'changes', type: 'text', nullable: false },
  ],
};

export class BusinessDataCollation1764360000000 implements MigrationInterface {
  name = 'BusinessDataCollation1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await useExactTokenCollation(queryRunner, table, columns);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await useDefaultCollation(queryRunner, table, columns);
    }
  }
}
