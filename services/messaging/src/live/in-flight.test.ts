import { InFlight } from './in-flight';

describe('InFlight', () => {
  it('shares one load among callers with the same key while it runs, and keeps nothing after', async () => {
    const shared = new InFlight<number>();
    let loads = 0;
    let release: (value: number) => void = () => undefined;
    const load = () => {
      loads += 1;
      return new Promise<number>((r) => {
        release = r;
      });
    };
    const a = shared.run('k', load);
    const b = shared.run('k', load);
    const other = shared.run('other', () => Promise.resolve(7));
    expect(loads).toBe(1);
    release(42);
    await expect(Promise.all([a, b, other])).resolves.toEqual([42, 42, 7]);
    expect(shared.size).toBe(0);
    // Settled: the next caller reads again.
    const c = shared.run('k', load);
    expect(loads).toBe(2);
    release(43);
    await expect(c).resolves.toBe(43);
  });

  it('gives every sharer the failure, and the next caller a fresh try', async () => {
    const shared = new InFlight<number>();
    const failing = shared.run('k', () => Promise.reject(new Error('down')));
    const joined = shared.run('k', () => Promise.resolve(1));
    await expect(failing).rejects.toThrow('down');
    await expect(joined).rejects.toThrow('down');
    await expect(shared.run('k', () => Promise.resolve(2))).resolves.toBe(2);
  });
});
