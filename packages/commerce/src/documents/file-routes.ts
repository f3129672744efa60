import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { ErrorCode, sendJson, type RouteHandler } from '@portico/kit';
import type { DocumentGrant, DocumentKind, DocumentSigner } from './signed-url';

/** A generated file as a download, never cached by shared caches. */
export function sendFile(
  res: ServerResponse,
  body: Buffer | string,
  type: string,
  filename: string,
): void {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(200, {
    'content-type': type,
    'content-length': data.length,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(data);
}

/** One answer for forged, expired and foreign links: no oracle. */
function refuse(res: ServerResponse): void {
  sendJson(res, 404, { error: 'This link is not valid or has expired' });
}

function inputRefusal(error: unknown): { error: string; code: string; field?: unknown } | null {
  if (!(error instanceof GraphQLError) || error.extensions.code !== ErrorCode.BadUserInput)
    return null;
  return { error: error.message, code: ErrorCode.BadUserInput, field: error.extensions.field };
}

/**
 * A public download route behind signed links: the link is checked
 * (signature, expiry, kind), then `serve` must find the document still
 * belonging to the customer named in it (false: refused like a forged link).
 */
export function signedFileRoute(
  signer: DocumentSigner,
  kind: DocumentKind,
  serve: (grant: DocumentGrant, res: ServerResponse, req: IncomingMessage) => Promise<boolean>,
): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const grant = signer.verify(kind, url.searchParams.get('t'), url.searchParams.get('s'));
    if (!grant) return refuse(res);
    let served: boolean;
    try {
      served = await serve(grant, res, req);
    } catch (error) {
      // A signed link names what the API accepted when it was minted; if
      // the same check refuses it now, say why as the API would, not 500.
      const coded = inputRefusal(error);
      if (!coded) throw error;
      return sendJson(res, 400, coded);
    }
    if (!served) refuse(res);
  };
}
