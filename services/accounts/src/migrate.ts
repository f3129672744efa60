import { migrateDatabase, runMigrations } from '@portico/kit';
import { loadDbConfig } from './config';
import { ACCOUNTS_ENTITIES, ACCOUNTS_MIGRATIONS } from './db/database';

// `accounts migrate`: applies the database migrations and exits, without serving.
// Reads only the database settings (DB_URL, or DB_SQLITE_PATH), as the service does.
runMigrations('accounts', () =>
  migrateDatabase(loadDbConfig(process.env), {
    entities: ACCOUNTS_ENTITIES,
    migrations: ACCOUNTS_MIGRATIONS,
  }),
);
