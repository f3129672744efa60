import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { extractTraceContext, REQUEST_ID_ATTRIBUTE, withRequestId, type Tracing } from './tracing';

/**
 * Runs one HTTP request's work under a server span that ends when the
 * response closes (answered or abandoned). The span's parent is the
 * caller's `traceparent` only where the caller is trusted (`parentFromHeaders`):
 * the public gateway starts every trace itself. `onEnd` records what is
 * known only once the response is over.
 */
export function runInServerSpan<T>(
  tracing: Tracing,
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    name: string;
    requestId: string;
    parentFromHeaders: boolean;
    attributes?: Attributes;
    onEnd?: (span: Span) => void;
  },
  run: () => Promise<T>,
): Promise<T> {
  if (!tracing.enabled) return run();
  const parent = withRequestId(
    options.parentFromHeaders ? extractTraceContext(req.headers) : ROOT_CONTEXT,
    options.requestId,
  );
  const span = tracing.tracer.startSpan(
    options.name,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [REQUEST_ID_ATTRIBUTE]: options.requestId,
        'http.request.method': req.method ?? 'GET',
        'url.path': (req.url ?? '/').split('?')[0],
        ...options.attributes,
      },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    options.onEnd?.(span);
    span.end();
  });
  return context.with(trace.setSpan(parent, span), run);
}
