import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

/**
 * A label whose values come from clients (operation names) or from errors
 * (codes) is bounded: values outside `pattern` become `fallback`, long ones
 * are cut, and past `max` distinct values every new one is `fallback` too.
 * Prometheus keeps one series per label combination, so an unbounded label
 * is a memory leak an anonymous client can drive.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly options: {
      max: number;
      maxLength: number;
      pattern: RegExp;
      fallback: string;
    },
  ) {}

  of(value: string): string {
    const { max, maxLength, pattern, fallback } = this.options;
    if (!pattern.test(value)) return fallback;
    const cut = value.slice(0, maxLength);
    if (this.seen.has(cut)) return cut;
    if (this.seen.size >= max) return fallback;
    this.seen.add(cut);
    return cut;
  }
}

/** How many distinct operation names get series of their own; later ones are `other`. */
export const MAX_OPERATION_LABELS = 100;
export const MAX_OPERATION_LABEL_LENGTH = 64;

/** What a request's operation is called on a metric: only names of documents that parsed. */
export type OperationOfRequest =
  { parsed: false } | { parsed: true; name: string | null | undefined };

export type RequestOutcome = 'ok' | 'error' | 'refused' | 'aborted';

/** One Prometheus registry per server (a test process may run several). */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly operations = new BoundedLabel({
    max: MAX_OPERATION_LABELS,
    maxLength: MAX_OPERATION_LABEL_LENGTH,
    // GraphQL's own name syntax: a name that parsed always matches.
    pattern: /^[_A-Za-z][_0-9A-Za-z]*$/,
    fallback: 'other',
  });
  private readonly codes = new BoundedLabel({
    max: 50,
    maxLength: 40,
    pattern: /^[A-Z][A-Z0-9_]*$/,
    fallback: 'OTHER',
  });
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly requestSeconds: Histogram<'operation' | 'outcome'>;
  private readonly errors: Counter<'code'>;
  private readonly refusals: Counter<'route'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    countEventLoopActiveTime(this.registry);
    this.requests = new Counter({
      name: 'portico_graphql_requests_total',
      help: 'GraphQL requests answered, by operation name and outcome (ok, error, refused before execution, aborted by the client).',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    this.requestSeconds = new Histogram({
      name: 'portico_graphql_request_duration_seconds',
      help: 'Time from a GraphQL request arriving to its answer, by operation name and outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'portico_graphql_errors_total',
      help: 'Errors answered to GraphQL requests, by extensions.code.',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.refusals = new Counter({
      name: 'portico_rate_limit_refusals_total',
      help: 'Requests refused by a rate limit, by route (graphql, websocket, files).',
      labelNames: ['route'],
      registers: [this.registry],
    });
  }

  /** The operation label: `unparsed` for documents that did not parse, `anonymous` for unnamed ones. */
  operationLabel(operation: OperationOfRequest): string {
    if (!operation.parsed) return 'unparsed';
    return operation.name ? this.operations.of(operation.name) : 'anonymous';
  }

  recordRequest(
    operation: OperationOfRequest,
    outcome: RequestOutcome,
    seconds: number,
    errorCodes: readonly string[],
  ): void {
    const labels = { operation: this.operationLabel(operation), outcome };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
    for (const code of errorCodes) this.errors.inc({ code: this.codes.of(code) });
  }

  rateLimitRefused(route: 'graphql' | 'websocket' | 'files'): void {
    this.refusals.inc({ route });
  }

  /** A histogram on this registry. */
  histogram<L extends string>(config: {
    name: string;
    help: string;
    labelNames: readonly L[];
    buckets?: number[];
  }): Histogram<L> {
    return new Histogram<L>({ ...config, registers: [this.registry] });
  }

  /** A counter on this registry, counted by the caller with `inc`. */
  counter<L extends string>(config: {
    name: string;
    help: string;
    labelNames: readonly L[];
  }): Counter<L> {
    return new Counter<L>({ ...config, registers: [this.registry] });
  }

  /**
   * A gauge read when scraped: `read` gives each labelled value (an empty
   * label set for a gauge without labels).
   */
  gauge<L extends string>(config: {
    name: string;
    help: string;
    labelNames?: readonly L[];
    read: () =>
      | Array<{ labels: Partial<Record<L, string>>; value: number }>
      | Promise<Array<{ labels: Partial<Record<L, string>>; value: number }>>;
  }): void {
    const { read, ...rest } = config;
    new Gauge<L>({
      ...rest,
      labelNames: rest.labelNames ?? [],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await read()) this.set(labels, value);
      },
    });
  }

  /**
   * Answers a scrape. With `token`, only a request bearing it is answered;
   * anything else gets 401 and no series.
   */
  async serve(req: IncomingMessage, res: ServerResponse, token?: string): Promise<void> {
    req.resume();
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
      res.end('metrics need a bearer token\n');
      return;
    }
    const text = await this.registry.metrics();
    res.writeHead(200, { 'content-type': this.registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
}

/**
 * The event loop's busy time since the process started, as a counter: the
 * difference of two scrapes over the time between them is the event-loop
 * utilisation of that window (1 = the process never waited), without any
 * scraper's window disturbing another's. It says which process of a
 * deployment is the one holding throughput back, which CPU time alone does
 * not (time spent waiting on a lock or the network counts neither).
 */
function countEventLoopActiveTime(registry: Registry): void {
  new Counter({
    name: 'portico_event_loop_active_seconds_total',
    help: "Time the process's event loop spent running callbacks rather than waiting, since start (rate() of it is the event-loop utilisation).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(performance.eventLoopUtilization().active / 1000);
    },
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
