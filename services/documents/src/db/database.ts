import {
  EVENT_ENTITIES,
  openDatabase,
  type DataSourceParts,
  type Database,
  type DbConfig,
} from '@portico/kit';
import { DirectoryCustomer, DirectoryOrganisation } from '@portico/commerce';
import { DOCUMENT_ENTITIES } from '../document/document.entity';
import { LinkedRecord } from '../links/linked-record.entity';
import { CreateDocuments1764390000000 } from './migrations/1764390000000-create-documents';

export const DOCUMENTS_ENTITIES = [
  DirectoryCustomer,
  DirectoryOrganisation,
  ...EVENT_ENTITIES,
  ...DOCUMENT_ENTITIES,
  LinkedRecord,
];
export const DOCUMENTS_MIGRATIONS = [CreateDocuments1764390000000];

export function openDocumentsDatabase(
  config: DbConfig,
  options: Pick<DataSourceParts, 'onQuery' | 'tracing'> = {},
): Promise<Database> {
  return openDatabase(config, {
    entities: DOCUMENTS_ENTITIES,
    migrations: DOCUMENTS_MIGRATIONS,
    ...options,
  });
}
