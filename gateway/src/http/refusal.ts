import type { IncomingMessage, ServerResponse } from 'node:http';

/** The GraphQL over HTTP media type; clients that accept it read non-2xx bodies as GraphQL. */
export const GRAPHQL_RESPONSE_MEDIA_TYPE = 'application/graphql-response+json';

export interface RefusalError {
  message: string;
  extensions: Record<string, unknown>;
}

/**
 * A request refused before execution, as a GraphQL response body
 * (`errors[0].extensions.code`), served as `application/graphql-response+json`
 * when the client accepts it: GraphQL clients then read the refusal's code
 * instead of a bare "Received status code 401".
 */
export function sendRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: RefusalError | RefusalError[],
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify({ errors: Array.isArray(error) ? error : [error] });
  const accept = req.headers.accept ?? '';
  const mediaType = accept.includes(GRAPHQL_RESPONSE_MEDIA_TYPE)
    ? GRAPHQL_RESPONSE_MEDIA_TYPE
    : 'application/json';
  res.writeHead(status, {
    'content-type': `${mediaType}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
