import { migrateDatabase, runMigrations } from '@portico/kit';
import { loadDbConfig } from './config';
import { BILLING_ENTITIES, BILLING_MIGRATIONS } from './db/database';

// `billing migrate`: applies the database migrations and exits, without serving.
// Reads only the database settings (DB_URL, or DB_SQLITE_PATH), as the service does.
runMigrations('billing', () =>
  migrateDatabase(loadDbConfig(process.env), {
    entities: BILLING_ENTITIES,
    migrations: BILLING_MIGRATIONS,
  }),
);
