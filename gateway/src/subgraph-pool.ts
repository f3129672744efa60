import type { Logger } from '@portico/kit';

/** One instance of a subgraph, as the pool tracks it. */
export interface SubgraphInstance {
  readonly url: string;
  /** Calls sent and not yet answered. */
  inFlight: number;
  /** Calls this instance was picked for, since start (tests and logs read it). */
  picked: number;
  /** Out of rotation since a connection to it failed, until a probe answers. */
  down: boolean;
}

/** First wait before probing an instance that refused a connection; doubled up to the maximum. */
const FIRST_PROBE_MS = 500;
const MAX_PROBE_MS = 10_000;
const PROBE_TIMEOUT_MS = 2_000;

/** The `/readyz` next to an instance's `/graphql`. */
export function readinessUrlOf(graphqlUrl: string): string {
  return graphqlUrl.replace(/\/graphql$/, '/readyz');
}

/**
 * The instances of one subgraph behind the gateway. Calls go to the live
 * instance with the fewest calls in flight (ties taken in turn, so a quiet
 * gateway still alternates). An instance that refused a connection is out
 * until its `/readyz` answers 200, probed with a doubling back-off; while
 * every instance is out, calls still go to one of them in turn, so a
 * restarted instance is found by the first call that reaches it.
 */
export class SubgraphPool {
  readonly instances: readonly SubgraphInstance[];
  private turn = 0;
  private readonly probes = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly name: string,
    urls: readonly string[],
    private readonly options: { logger?: Logger; firstProbeMs?: number; maxProbeMs?: number } = {},
  ) {
    if (urls.length === 0) throw new Error(`subgraph ${name} has no instance URL`);
    this.instances = urls.map((url) => ({ url, inFlight: 0, picked: 0, down: false }));
  }

  /** The URL of the first instance (a stable one to name the subgraph by). */
  get primaryUrl(): string {
    return (this.instances[0] as SubgraphInstance).url;
  }

  /** Instances in rotation now. */
  live(): SubgraphInstance[] {
    return this.instances.filter((i) => !i.down);
  }

  /**
   * The instance for the next call, other than `except` when there is
   * another; undefined only when `except` is the pool's one instance.
   */
  pick(except?: SubgraphInstance): SubgraphInstance | undefined {
    const count = this.instances.length;
    const start = this.turn++ % count;
    let best: SubgraphInstance | undefined;
    let fallback: SubgraphInstance | undefined;
    for (let step = 0; step < count; step++) {
      const instance = this.instances[(start + step) % count] as SubgraphInstance;
      if (instance === except) continue;
      if (instance.down) {
        fallback ??= instance;
        continue;
      }
      if (!best || instance.inFlight < best.inFlight) best = instance;
    }
    const chosen = best ?? fallback;
    if (chosen) chosen.picked += 1;
    return chosen;
  }

  /** Takes the instance out of rotation and probes it until it is ready again. */
  markDown(instance: SubgraphInstance): void {
    if (instance.down || this.closed) return;
    instance.down = true;
    this.options.logger?.warn('subgraph instance out of rotation', {
      subgraph: this.name,
      instance: this.instances.indexOf(instance),
    });
    this.probeLater(instance, this.options.firstProbeMs ?? FIRST_PROBE_MS);
  }

  /** A call was answered: an instance that was out is evidently back. */
  answered(instance: SubgraphInstance): void {
    if (instance.down) instance.down = false;
  }

  /** Stops the probes (the gateway is shutting down). */
  close(): void {
    this.closed = true;
    for (const timer of this.probes) clearTimeout(timer);
    this.probes.clear();
  }

  private probeLater(instance: SubgraphInstance, waitMs: number): void {
    const timer = setTimeout(() => {
      this.probes.delete(timer);
      void this.probe(instance).then((ready) => {
        if (this.closed) return;
        if (ready) {
          instance.down = false;
          this.options.logger?.info('subgraph instance back in rotation', {
            subgraph: this.name,
            instance: this.instances.indexOf(instance),
          });
          return;
        }
        this.probeLater(instance, Math.min(waitMs * 2, this.options.maxProbeMs ?? MAX_PROBE_MS));
      });
    }, waitMs);
    timer.unref();
    this.probes.add(timer);
  }

  private async probe(instance: SubgraphInstance): Promise<boolean> {
    try {
      const response = await fetch(readinessUrlOf(instance.url), {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }
}
