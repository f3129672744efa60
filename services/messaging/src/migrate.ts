import { migrateDatabase, runMigrations } from '@portico/kit';
import { loadDbConfig } from './config';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from './db/database';

// `messaging migrate`: applies the database migrations and exits, without serving.
// Reads only the database settings (DB_URL, or DB_SQLITE_PATH), as the service does.
runMigrations('messaging', () =>
  migrateDatabase(loadDbConfig(process.env), {
    entities: MESSAGING_ENTITIES,
    migrations: MESSAGING_MIGRATIONS,
  }),
);
