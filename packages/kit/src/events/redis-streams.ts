import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseEnvelope, type EventEnvelope } from './envelope';
import type { EventConsumer } from './consumer';
import type { Outbox } from './outbox';
import { waitUntil } from './http-feed';

/** The stream that carries one producer's events. */
export function eventStreamKey(prefix: string, producer: string): string {
  return `${prefix}events:${producer}`;
}

/** Stream entry ids are the events' positions, so relaying one twice is refused by Redis itself. */
function entryId(position: number): string {
  return `${position}-0`;
}

function positionOf(id: string): number {
  return Number(id.split('-')[0]);
}

function connect(url: string, onError?: (error: unknown) => void): Redis {
  const redis = new Redis(url, {
    // Fail a command quickly while Redis is away; every loop here retries on its own.
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * times, 1_000),
    lazyConnect: false,
  });
  redis.on('error', (error) => onError?.(error));
  return redis;
}

function parseJsonEnvelope(text: string): EventEnvelope | null {
  try {
    return parseEnvelope(JSON.parse(text));
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StreamRelayOptions {
  url: string;
  key: string;
  /** How often to look for events sequenced by another instance (and to re-check the stream). */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The producer's side of the Redis Streams transport: copies sequenced outbox
 * rows into the producer's stream, each under its position as entry id. The
 * stream's own last id is the relay's cursor, so a Redis that restarted
 * without its data (or a new stream) is refilled from what the outbox still
 * keeps; consumers' inboxes absorb the repeats. Consumer groups' progress
 * holds back the outbox's retention, and the stream is trimmed with it.
 */
export class StreamRelay {
  private readonly redis: Redis;
  private stopped = false;
  private kicked = false;
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private readonly detach: Array<() => void> = [];

  constructor(
    private readonly outbox: Outbox,
    private readonly options: StreamRelayOptions,
  ) {
    this.redis = connect(options.url, options.onError);
    this.redis.on('ready', () => this.kick());
    this.detach.push(outbox.onSequenced(() => this.kick()));
    this.detach.push(outbox.onPruned((position) => void this.trim(position)));
    outbox.addProgressSource(() => this.groupPositions());
  }

  start(): void {
    this.running ??= this.run();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.kick();
    for (const d of this.detach) d();
    await this.running;
    this.redis.disconnect();
  }

  private kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  private async lastRelayed(): Promise<number> {
    try {
      const info = (await this.redis.call('XINFO', 'STREAM', this.options.key)) as unknown[];
      const i = info.indexOf('last-generated-id');
      return i >= 0 ? positionOf(String(info[i + 1])) : 0;
    } catch (error) {
      if (/no such key/i.test(String((error as Error).message))) return 0;
      throw error;
    }
  }

  /** Relays until the stream holds every sequenced event; resolves with how many it added. */
  async relayOnce(): Promise<number> {
    let added = 0;
    for (;;) {
      const last = await this.lastRelayed();
      const events = await this.outbox.read(last);
      if (events.length === 0) return added;
      const pipeline = this.redis.pipeline();
      for (const event of events) {
        pipeline.xadd(this.options.key, entryId(event.position), 'event', JSON.stringify(event));
      }
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) {
        // Another relay (a second instance) added it first: the stream has it.
        if (error && !/equal or smaller/i.test(error.message)) throw error;
        if (!error) added += 1;
      }
    }
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1_000;
    let failures = 0;
    while (!this.stopped) {
      this.kicked = false;
      try {
        await this.relayOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.options.onError?.(error);
      }
      if (this.stopped) return;
      if (this.kicked && failures === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, failures ? Math.min(100 * 2 ** failures, 5_000) : pollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }

  /** How far each consumer group has applied: below its oldest pending entry, or all it was given. */
  private async groupPositions(): Promise<number[]> {
    let groups: unknown[];
    try {
      groups = (await this.redis.call('XINFO', 'GROUPS', this.options.key)) as unknown[];
    } catch {
      // Redis away or no stream yet: say nothing rather than guess (nothing is pruned on our account).
      return [Number.NEGATIVE_INFINITY];
    }
    const positions: number[] = [];
    for (const raw of groups) {
      const g = raw as unknown[];
      const field = (name: string) => g[g.indexOf(name) + 1];
      const name = String(field('name'));
      let passed = positionOf(String(field('last-delivered-id')));
      if (Number(field('pending')) > 0) {
        const summary = (await this.redis.xpending(this.options.key, name)) as unknown[];
        passed = Math.min(passed, positionOf(String(summary[1])) - 1);
      }
      positions.push(passed);
    }
    return positions;
  }

  private async trim(position: number): Promise<void> {
    await this.redis
      .call('XTRIM', this.options.key, 'MINID', entryId(position + 1))
      .catch((error: unknown) => this.options.onError?.(error));
  }
}

export interface StreamConsumerOptions {
  url: string;
  key: string;
  producer: string;
  /** Longest one read blocks. */
  blockMs?: number;
  /** An entry pending this long (its consumer died, or it was deferred) is claimed by whoever reads next. */
  claimIdleMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

/**
 * The consumer's side of the Redis Streams transport: one consumer group per
 * consumer name, each process a member under a fresh id. An entry is
 * acknowledged only after its effect committed; entries left pending by a
 * dead member (or deferred for per-aggregate order) are claimed once idle.
 * A group that vanished with a Redis restart is created again from the start
 * of the stream, and the inbox absorbs what comes again.
 */
export class StreamConsumer {
  private readonly reader: Redis;
  private readonly commands: Redis;
  private readonly member = randomUUID();
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly consumer: EventConsumer,
    private readonly options: StreamConsumerOptions,
  ) {
    this.reader = connect(options.url, options.onError);
    this.commands = connect(options.url, options.onError);
  }

  start(): void {
    this.running ??= this.run();
  }

  async close(): Promise<void> {
    this.stopped = true;
    // Ends a blocked read at once.
    this.reader.disconnect();
    await this.running;
    this.commands.disconnect();
  }

  /**
   * Entries of the stream this group has not applied: those not yet handed
   * to it plus those handed but not acknowledged; null while Redis does not answer.
   */
  async lag(): Promise<number | null> {
    try {
      const stream = (await this.commands.call('XINFO', 'STREAM', this.options.key)) as unknown[];
      const head = positionOf(String(stream[stream.indexOf('last-generated-id') + 1]));
      const groups = (await this.commands.call('XINFO', 'GROUPS', this.options.key)) as unknown[][];
      const g = groups.find((x) => x[x.indexOf('name') + 1] === this.consumer.name);
      if (!g) return head;
      const delivered = positionOf(String(g[g.indexOf('last-delivered-id') + 1]));
      const pending = Number(g[g.indexOf('pending') + 1]) || 0;
      return Math.max(0, head - delivered) + pending;
    } catch {
      return null;
    }
  }

  /**
   * Resolves true once the group has been handed every entry up to
   * `position` and none of them is left unacknowledged, false after `timeoutMs`.
   */
  caughtUp(position: number, timeoutMs: number): Promise<boolean> {
    return waitUntil(async () => {
      const groups = (await this.commands
        .call('XINFO', 'GROUPS', this.options.key)
        .catch(() => [])) as unknown[][];
      const g = groups.find((x) => x[x.indexOf('name') + 1] === this.consumer.name);
      if (!g) return false;
      const delivered = positionOf(String(g[g.indexOf('last-delivered-id') + 1]));
      if (delivered < position) return false;
      const waiting = (await this.commands.xpending(
        this.options.key,
        this.consumer.name,
        '-',
        entryId(position),
        1,
      )) as unknown[];
      return waiting.length === 0;
    }, timeoutMs);
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.commands.xgroup('CREATE', this.options.key, this.consumer.name, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test(String((error as Error).message))) throw error;
    }
  }

  private parse(entries: unknown): Array<{ id: string; event: EventEnvelope | null }> {
    if (!Array.isArray(entries)) return [];
    return entries
      .filter((e): e is [string, string[]] => Array.isArray(e) && Array.isArray(e[1]))
      .map(([id, fields]) => {
        const i = fields.indexOf('event');
        const event = i >= 0 ? parseJsonEnvelope(fields[i + 1]) : null;
        return { id, event: event && event.producer === this.options.producer ? event : null };
      });
  }

  private async process(
    entries: Array<{ id: string; event: EventEnvelope | null }>,
  ): Promise<void> {
    for (const { id, event } of entries) {
      if (this.stopped) return;
      if (!event) {
        // Not an event of ours: nothing can ever apply it.
        this.options.onError?.(new Error(`stream entry ${id} is not a valid event; acknowledged`));
        await this.commands.xack(this.options.key, this.consumer.name, id);
        continue;
      }
      const outcome = await this.consumer.apply(event);
      if (outcome !== 'deferred')
        await this.commands.xack(this.options.key, this.consumer.name, id);
    }
  }

  /** One round: claim idle pending entries, then read new ones. */
  async pollOnce(): Promise<void> {
    const { key } = this.options;
    const group = this.consumer.name;
    const batch = this.options.batchSize ?? 100;
    const claimed = (await this.commands.xautoclaim(
      key,
      group,
      this.member,
      this.options.claimIdleMs ?? 15_000,
      '0-0',
      'COUNT',
      batch,
    )) as unknown[];
    await this.process(this.parse(claimed[1]));
    if (this.stopped) return;
    const read = (await this.reader.xreadgroup(
      'GROUP',
      group,
      this.member,
      'COUNT',
      batch,
      'BLOCK',
      this.options.blockMs ?? 5_000,
      'STREAMS',
      key,
      '>',
    )) as Array<[string, unknown]> | null;
    for (const [, entries] of read ?? []) await this.process(this.parse(entries));
  }

  private async run(): Promise<void> {
    let failures = 0;
    let groupReady = false;
    while (!this.stopped) {
      try {
        if (!groupReady) {
          await this.ensureGroup();
          groupReady = true;
        }
        await this.pollOnce();
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        if (/NOGROUP/.test(String((error as Error).message))) groupReady = false;
        failures += 1;
        this.options.onError?.(error);
        await sleep(Math.min(100 * 2 ** failures, 2_000));
      }
    }
  }
}
