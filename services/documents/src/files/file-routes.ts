import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type RouteHandler } from '@portico/kit';
import { signedFileRoute } from '@portico/commerce';
import type { DocumentsConfig } from '../config';
import type { DocumentsServices } from '../context';
import { UploadRefused } from '../document/document.files';
import { receiveUpload, sendUploadRefusal } from './receive-upload';
import { sendStoredFile } from './send-stored-file';

/** One answer for forged, expired, used and foreign links: no oracle. */
function notValid(req: IncomingMessage, res: ServerResponse): void {
  sendUploadRefusal(req, res, {
    status: 404,
    error: 'This link is not valid or has expired',
    code: 'NOT_FOUND',
    reason: 'NOT_FOUND',
  });
}

function clientAddressOf(req: IncomingMessage): string | null {
  // The gateway passes the client's address on; straight callers are recorded as they connect.
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || req.socket.remoteAddress || null;
}

/**
 * Documents' public file routes, behind signed links: `PUT /files/upload`
 * takes an upload's body into storage and makes it the document's next
 * version; `GET|HEAD /files/download` serves a version (ranges too) and
 * records each answered download.
 */
export function fileRoutes(
  services: DocumentsServices,
  config: DocumentsConfig['files'],
): { uploads: Record<string, RouteHandler>; downloads: Record<string, RouteHandler> } {
  const upload: RouteHandler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const grant = services.signers.upload.verify(
      'upload',
      url.searchParams.get('t'),
      url.searchParams.get('s'),
    );
    const uploadId = grant?.params.uploadId;
    if (!grant || !uploadId) return notValid(req, res);
    let claimed;
    try {
      claimed = await services.files.claim(uploadId, grant.customerId);
    } catch (error) {
      if (error instanceof UploadRefused) return sendUploadRefusal(req, res, error.refusal);
      throw error;
    }
    let outcome;
    try {
      outcome = await receiveUpload(req, services.files.storage, claimed.storageKey, {
        declaredType: claimed.upload.contentType,
        maxBytes: claimed.maxBytes,
        remainingQuota: claimed.remainingQuota,
        idleTimeoutMs: config.uploadIdleTimeoutMs,
      });
    } catch (error) {
      await services.files.release(uploadId);
      throw error;
    }
    if (!outcome.ok) {
      await services.files.release(uploadId);
      return sendUploadRefusal(req, res, outcome.refusal);
    }
    try {
      const version = await services.files.complete(claimed, outcome);
      sendJson(res, 201, {
        documentId: version.documentId,
        version: version.version,
        size: version.sizeBytes,
        sha256: version.sha256,
      });
    } catch (error) {
      if (error instanceof UploadRefused) return sendUploadRefusal(req, res, error.refusal);
      throw error;
    }
  };

  const download = signedFileRoute(
    services.signers.download,
    'download',
    async (grant, res, req) => {
      const found = await services.files.servable(grant);
      if (!found) return false;
      const { document, version } = found;
      const range = req.headers.range;
      if (req.method === 'GET') {
        await services.files.recordDownload(
          document,
          version,
          grant.params.principal ?? 'unknown',
          typeof range === 'string' ? range : null,
          clientAddressOf(req),
        );
      }
      return sendStoredFile(req, res, services.files.storage, {
        key: version.storageKey,
        size: version.sizeBytes,
        sha256: version.sha256,
        contentType: version.contentType,
        fileName: version.fileName,
      });
    },
  );

  return { uploads: { '/files/upload': upload }, downloads: { '/files/download': download } };
}
