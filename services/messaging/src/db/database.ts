import {
  EVENT_ENTITIES,
  openDatabase,
  type DataSourceParts,
  type Database,
  type DbConfig,
} from '@portico/kit';
import { DirectoryCustomer, DirectoryOrganisation } from '@portico/commerce';
import { CommentRevisionRow, CommentRow } from '../comment/comment.entity';
import { ReadStateRow } from '../read-state/read-state.entity';
import { SubjectRow } from '../subjects/subject.entity';
import { ThreadRow } from '../thread/thread.entity';
import { CreateMessaging1764400000000 } from './migrations/1764400000000-create-messaging';

export const MESSAGING_ENTITIES = [
  DirectoryCustomer,
  DirectoryOrganisation,
  ...EVENT_ENTITIES,
  ThreadRow,
  CommentRow,
  CommentRevisionRow,
  ReadStateRow,
  SubjectRow,
];
export const MESSAGING_MIGRATIONS = [CreateMessaging1764400000000];

export function openMessagingDatabase(
  config: DbConfig,
  options: Pick<DataSourceParts, 'onQuery' | 'tracing'> = {},
): Promise<Database> {
  return openDatabase(config, {
    entities: MESSAGING_ENTITIES,
    migrations: MESSAGING_MIGRATIONS,
    ...options,
  });
}
