/**
 * A push-to-pull bridge: a producer calls `push`/`end`/`fail`, a consumer
 * iterates. `return()` settles a pending `next()` at once (an async
 * generator's `return()` would wait for the generator's current `await`,
 * which for a quiet subscription is the next event: a leak until then) and
 * calls `onReturn` exactly once, however the stream ends.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<{
    resolve: (result: IteratorResult<T>) => void;
    reject: (error: unknown) => void;
  }> = [];
  private finished = false;
  private failure: { error: unknown } | null = null;
  private released = false;

  constructor(
    private readonly options: {
      /** Items held for a consumer that does not keep up; one more fails the stream. */
      maxBuffered: number;
      /** What the stream fails with when the consumer falls that far behind. */
      overflowError: () => unknown;
      /** Called once when the stream ends for any reason (release what feeds it). */
      onEnd: () => void;
    },
  ) {}

  push(item: T): void {
    if (this.finished) return;
    const waiter = this.waiting.shift();
    if (waiter) {
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= this.options.maxBuffered) {
      this.fail(this.options.overflowError());
      return;
    }
    this.items.push(item);
  }

  /** The producer is done: what is buffered is still delivered. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.release();
    for (const waiter of this.waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  /** The producer failed: buffered items are dropped, the next `next()` rejects. */
  fail(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.items.length = 0;
    this.release();
    const waiter = this.waiting.shift();
    if (waiter) waiter.reject(error);
    else this.failure = { error };
    for (const other of this.waiting.splice(0)) other.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failure = null;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.fail(error);
    return this.next();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.options.onEnd();
  }
}
