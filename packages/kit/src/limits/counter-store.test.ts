import { randomUUID } from 'node:crypto';
import { redisUrlForTests } from '../testing/databases';
import { MemoryCounterStore, RedisCounterStore, type CounterStore } from './counter-store';

const redisUrl = redisUrlForTests(process.env);
const stores: Array<[string, () => Promise<CounterStore>]> = [
  ['memory', async () => new MemoryCounterStore()],
];
if (redisUrl) {
  stores.push([
    'redis',
    async () => {
      const store = new RedisCounterStore(redisUrl, `portico-test:${randomUUID()}:`);
      expect(await store.ready(5_000)).toBe(true);
      return store;
    },
  ]);
}

describe.each(stores)('%s counter store', (_name, create) => {
  let store: CounterStore;
  beforeAll(async () => {
    store = await create();
  });
  afterAll(async () => {
    await store.close();
  });

  it('counts hits within a window and says when it ends', async () => {
    const before = Date.now();
    const first = await store.hit('a', 10_000);
    const second = await store.hit('a', 10_000);
    expect([first.count, second.count]).toEqual([1, 2]);
    expect(second.resetAt).toBeGreaterThanOrEqual(before + 9_000);
    expect(second.resetAt).toBeLessThanOrEqual(Date.now() + 10_000);
    expect((await store.peek('a')).count).toBe(2);
  });

  it('starts a new window once the old one has passed', async () => {
    await store.hit('b', 50);
    await store.hit('b', 50);
    await new Promise((r) => setTimeout(r, 80));
    expect((await store.hit('b', 50)).count).toBe(1);
  });

  it('counts concurrent hits exactly', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => store.hit('c', 10_000)));
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('forgets a key on reset', async () => {
    await store.hit('d', 10_000);
    await store.reset('d');
    expect((await store.peek('d')).count).toBe(0);
  });
});
