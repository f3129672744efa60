import DataLoader from 'dataloader';
import type { RequestMeta } from '@portico/kit';
import type {
  Document,
  DocumentAcknowledgement,
  DocumentDownload,
  DocumentVersion,
} from './document.entity';
import type { DocumentReads } from './document-reads';

function groupBy<T>(rows: T[], key: (row: T) => string, ids: readonly string[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return ids.map((id) => groups.get(id) ?? []);
}

/**
 * Documents load through the principal's row-level scope; versions,
 * acknowledgements and downloads hang off documents already in scope. One
 * SQL statement per batch, whatever the list's length.
 */
export function createDocumentLoaders(reads: DocumentReads, meta: RequestMeta) {
  return {
    document: new DataLoader<string, Document | null>(async (ids) => {
      const rows = await reads.findVisible(meta.principal, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    versionsByDocument: new DataLoader<string, DocumentVersion[]>(async (ids) =>
      groupBy(await reads.versionsFor(ids), (r) => r.documentId, ids),
    ),
    acknowledgementsByDocument: new DataLoader<string, DocumentAcknowledgement[]>(async (ids) =>
      groupBy(await reads.acknowledgementsFor(ids), (r) => r.documentId, ids),
    ),
    downloadsByDocument: new DataLoader<string, DocumentDownload[]>(async (ids) =>
      groupBy(await reads.downloadsFor(ids), (r) => r.documentId, ids),
    ),
  };
}
