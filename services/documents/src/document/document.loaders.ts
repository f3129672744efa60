import DataLoader from 'dataloader';
import { groupByKeys, type RequestMeta } from '@portico/kit';
import type {
  Document,
  DocumentAcknowledgement,
  DocumentDownload,
  DocumentVersion,
} from './document.entity';
import type { DocumentReads } from './document-reads';

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
      groupByKeys(await reads.versionsFor(ids), (r) => r.documentId, ids),
    ),
    acknowledgementsByDocument: new DataLoader<string, DocumentAcknowledgement[]>(async (ids) =>
      groupByKeys(await reads.acknowledgementsFor(ids), (r) => r.documentId, ids),
    ),
    downloadsByDocument: new DataLoader<string, DocumentDownload[]>(async (ids) =>
      groupByKeys(await reads.downloadsFor(ids), (r) => r.documentId, ids),
    ),
  };
}
