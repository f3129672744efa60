import { EventQueue } from './event-queue';

function queue(maxBuffered = 3) {
  const ended: string[] = [];
  const q = new EventQueue<number>({
    maxBuffered,
    overflowError: () => new Error('too slow'),
    onEnd: () => ended.push('ended'),
  });
  return { q, ended };
}

describe('EventQueue', () => {
  it('delivers pushed items in order, to waiting and later readers alike', async () => {
    const { q } = queue();
    const waiting = q.next();
    q.push(1);
    q.push(2);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('settles a pending next() at once on return(), releasing its source once', async () => {
    const { q, ended } = queue();
    const waiting = q.next();
    await q.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    await q.return();
    q.end();
    expect(ended).toEqual(['ended']);
    q.push(5);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('delivers what was buffered before end(), then is done', async () => {
    const { q, ended } = queue();
    q.push(1);
    q.end();
    expect(ended).toEqual(['ended']);
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('fails a reader that falls too far behind, dropping what it had not read', async () => {
    const { q, ended } = queue(2);
    q.push(1);
    q.push(2);
    q.push(3);
    expect(ended).toEqual(['ended']);
    await expect(q.next()).rejects.toThrow('too slow');
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects the waiting reader when the source fails', async () => {
    const { q } = queue();
    const waiting = q.next();
    q.fail(new Error('lost'));
    await expect(waiting).rejects.toThrow('lost');
  });
});
