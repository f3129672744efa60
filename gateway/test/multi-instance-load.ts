import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The clients of the multi-instance test: each talks to the gateway through
 * the load balancer only, and retries a mutation the way a careful client
 * does, with the same key, on a transport error or SERVICE_UNAVAILABLE.
 */

/**
 * An answer the client may retry: nothing says whether the work was done. An
 * internal error is among them: every mutation here carries its key (or is a
 * decision the product refuses twice), so a retry cannot do the work twice,
 * and the test prints what the processes logged for it (see `onInternalError`).
 */
export const RETRYABLE_CODES = new Set([
  'SERVICE_UNAVAILABLE',
  'SUBGRAPH_TIMEOUT',
  'INTERNAL_SERVER_ERROR',
]);

/** Called with each internal error's request id before it is retried. */
export const internalErrors: { onInternalError: (requestId: string) => void } = {
  onInternalError: () => undefined,
};

export interface Answer {
  /** HTTP status, or 0 when the request failed in transport. */
  status: number;
  data: Record<string, unknown> | null;
  errors: Array<{ message: string; extensions?: { code?: string; reason?: string } }>;
  /** The transport failure or the unreadable body, when there is one. */
  failure?: string;
}

export async function ask(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    try {
      const body = JSON.parse(text) as { data?: Answer['data']; errors?: Answer['errors'] };
      return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
    } catch {
      return { status: response.status, data: null, errors: [], failure: text.slice(0, 120) };
    }
  } catch (error) {
    return { status: 0, data: null, errors: [], failure: (error as Error).message };
  }
}

/** Why an answer may be retried, or null when it is final (success or a refusal). */
export function retryReason(answer: Answer): string | null {
  if (answer.status === 0) return 'transport';
  if (answer.failure !== undefined) return `http-${answer.status}`;
  const code = answer.errors.find((e) => RETRYABLE_CODES.has(e.extensions?.code ?? ''))?.extensions
    ?.code;
  if (code === 'INTERNAL_SERVER_ERROR') {
    for (const error of answer.errors) {
      const requestId = (error.extensions as { requestId?: string } | undefined)?.requestId;
      if (requestId) internalErrors.onInternalError(requestId);
    }
  }
  if (code) return code;
  if (answer.status >= 500 && answer.errors.length === 0) return `http-${answer.status}`;
  return null;
}

export interface Attempts {
  /** The final answer. */
  answer: Answer;
  /** Why each earlier attempt was retried. */
  retries: string[];
}

/** Sends until the answer is final, waiting a little between attempts; gives up after `deadlineMs`. */
export async function untilFinal(
  send: () => Promise<Answer>,
  deadlineMs = 60_000,
): Promise<Attempts> {
  const retries: string[] = [];
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const answer = await send();
    const reason = retryReason(answer);
    if (reason === null || Date.now() > deadline) return { answer, retries };
    retries.push(reason);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** When the load ran into trouble, by kill window; figures are counted per window. */
export interface Windows {
  /** The window a moment falls in (its label), or null outside every window. */
  at(time: number): string | null;
}

/** Success and failure counts of one kind of request, per kill window ('-' is outside every window). */
export class Tally {
  readonly counts = new Map<string, { ok: number; failed: number; reasons: string[] }>();

  add(window: string | null, ok: boolean, reason?: string): void {
    const key = window ?? '-';
    const entry = this.counts.get(key) ?? { ok: 0, failed: 0, reasons: [] };
    if (ok) entry.ok += 1;
    else {
      entry.failed += 1;
      if (reason && entry.reasons.length < 5) entry.reasons.push(reason);
    }
    this.counts.set(key, entry);
  }

  get(window: string): { ok: number; failed: number; reasons: string[] } {
    return this.counts.get(window) ?? { ok: 0, failed: 0, reasons: [] };
  }

  total(): { ok: number; failed: number } {
    let ok = 0;
    let failed = 0;
    for (const entry of this.counts.values()) {
      ok += entry.ok;
      failed += entry.failed;
    }
    return { ok, failed };
  }
}

export interface LiveItem {
  cursor: string;
  commentId: string;
  body: string;
}

/**
 * A subscriber that stays subscribed across kills: when its subscription
 * ends (an error, a completion, a closed socket), it connects again through
 * the load balancer and resumes with `after` = the last cursor it received.
 */
export class ResumingSubscriber {
  readonly items: LiveItem[] = [];
  /** Why each subscription before the current one ended. */
  readonly ends: string[] = [];
  readonly errors: unknown[] = [];
  private client: Client | undefined;
  private stopped = false;
  private generation = 0;

  constructor(
    private readonly options: {
      url: string;
      token: string;
      query: string;
      variables: Record<string, unknown>;
      /** The comment an event carries, or null for an event about something else. */
      pick(data: Record<string, unknown>): { cursor: string; comment: LiveItem | null } | null;
    },
  ) {}

  get lastCursor(): string | undefined {
    return this.cursor;
  }

  private cursor: string | undefined;

  start(): void {
    if (this.stopped) return;
    const generation = (this.generation += 1);
    const client = createClient({
      url: this.options.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.options.token}` },
      retryAttempts: 0,
      lazy: true,
      onNonLazyError: () => undefined,
    });
    this.client = client;
    let ended = false;
    const end = (why: string) => {
      if (ended || generation !== this.generation) return;
      ended = true;
      this.ends.push(why);
      void client.dispose();
      if (!this.stopped) setTimeout(() => this.start(), 300);
    };
    client.on('closed', (event) => end(`closed ${(event as { code?: number }).code ?? ''}`));
    client.subscribe(
      {
        query: this.options.query,
        variables: { ...this.options.variables, ...(this.cursor ? { after: this.cursor } : {}) },
      },
      {
        next: (result) => {
          if (generation !== this.generation) return;
          if (result.errors?.length) {
            const code = (result.errors[0]!.extensions as { code?: string } | undefined)?.code;
            end(`error ${code ?? result.errors[0]!.message}`);
            return;
          }
          const picked = result.data ? this.options.pick(result.data) : null;
          if (!picked) return;
          this.cursor = picked.cursor;
          if (picked.comment) this.items.push(picked.comment);
        },
        error: (error) => {
          const first = Array.isArray(error)
            ? (error[0] as { extensions?: { code?: string } })
            : null;
          end(`error ${first?.extensions?.code ?? (error as { code?: number })?.code ?? 'socket'}`);
        },
        complete: () => end('complete'),
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.dispose();
  }
}
