import { migrateDatabase, runMigrations } from '@portico/kit';
import { loadDbConfig } from './config';
import { SALES_ENTITIES, SALES_MIGRATIONS } from './db/database';

// `sales migrate`: applies the database migrations and exits, without serving.
// Reads only the database settings (DB_URL, or DB_SQLITE_PATH), as the service does.
runMigrations('sales', () =>
  migrateDatabase(loadDbConfig(process.env), {
    entities: SALES_ENTITIES,
    migrations: SALES_MIGRATIONS,
  }),
);
