import { randomUUID } from 'node:crypto';

/**
 * One domain event as every consumer sees it, whichever transport carried it.
 * `position` orders a producer's events (gap-free, in commit order);
 * `previousPosition` is the position of the previous event of the same
 * aggregate, so a consumer can keep per-aggregate order even when several
 * of its instances share the work.
 */
export interface EventEnvelope<P = unknown> {
  id: string;
  /** The service whose outbox holds it (e.g. `accounts`). */
  producer: string;
  type: string;
  schemaVersion: number;
  aggregateType: string;
  aggregateId: string;
  /** The customer the event concerns, when it concerns one. */
  customerId: string | null;
  /** ISO 8601, milliseconds. */
  occurredAt: string;
  payload: P;
  position: number;
  previousPosition: number | null;
}

/** What a producer hands to its outbox; the rest of the envelope is filled in. */
export interface NewEvent<P = unknown> {
  type: string;
  schemaVersion: number;
  aggregateType: string;
  aggregateId: string;
  customerId: string | null;
  payload: P;
  /** Defaults to now. */
  occurredAt?: Date;
  /** Defaults to a random UUID. */
  id?: string;
}

export interface EventDefinition {
  schemaVersion: number;
  aggregateType: string;
}

/**
 * A producer's catalog: every event type it publishes, with its schema
 * version and aggregate type, declared in one place. The payload type rides
 * along in the definition's phantom parameter so `create` is typed per event.
 */
export interface EventCatalog<D extends Record<string, EventDefinition & { payload?: unknown }>> {
  producer: string;
  definitions: D;
  create<T extends keyof D & string>(
    type: T,
    event: {
      aggregateId: string;
      customerId: string | null;
      payload: NonNullable<D[T]['payload']>;
      occurredAt?: Date;
    },
  ): NewEvent<NonNullable<D[T]['payload']>>;
}

/** Declares one event type of a catalog; `P` is its payload. */
export function eventType<P>(definition: EventDefinition): EventDefinition & { payload?: P } {
  return definition;
}

export function defineEventCatalog<
  D extends Record<string, EventDefinition & { payload?: unknown }>,
>(producer: string, definitions: D): EventCatalog<D> {
  return {
    producer,
    definitions,
    create(type, event) {
      const definition = definitions[type];
      return {
        id: randomUUID(),
        type,
        schemaVersion: definition.schemaVersion,
        aggregateType: definition.aggregateType,
        aggregateId: event.aggregateId,
        customerId: event.customerId,
        payload: event.payload,
        ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
      };
    },
  };
}

/** Checks an envelope that came over a wire; null when its shape is wrong. */
export function parseEnvelope(value: unknown): EventEnvelope | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
  const pos = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0;
  if (
    !str(v.id) ||
    !str(v.producer) ||
    !str(v.type) ||
    !Number.isSafeInteger(v.schemaVersion) ||
    !str(v.aggregateType) ||
    !str(v.aggregateId) ||
    !(v.customerId === null || str(v.customerId)) ||
    !str(v.occurredAt) ||
    !pos(v.position) ||
    !(v.previousPosition === null || pos(v.previousPosition)) ||
    !('payload' in v)
  ) {
    return null;
  }
  return v as unknown as EventEnvelope;
}
