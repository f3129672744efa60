/**
 * Loads asked for at the same moment share one read: the first caller's
 * runs, later callers with the same key get its promise until it settles,
 * and nothing is kept afterwards. So each answer is as fresh as a read of
 * its own would be; it only spares the database the hundreds of identical
 * reads that one event starts when it reaches every subscriber of a thread.
 * A key must name everything the load depends on.
 */
export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  run(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.pending.get(key);
    if (running) return running;
    const started = load().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }

  /** Reads under way (for tests). */
  get size(): number {
    return this.pending.size;
  }
}
