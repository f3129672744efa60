import { migrateDatabase, runMigrations } from '@portico/kit';
import { loadDbConfig } from './config';
import { DOCUMENTS_ENTITIES, DOCUMENTS_MIGRATIONS } from './db/database';

// `documents migrate`: applies the database migrations and exits, without serving.
// Reads only the database settings (DB_URL, or DB_SQLITE_PATH), as the service does.
runMigrations('documents', () =>
  migrateDatabase(loadDbConfig(process.env), {
    entities: DOCUMENTS_ENTITIES,
    migrations: DOCUMENTS_MIGRATIONS,
  }),
);
