import { throttledLog } from './transport';

describe('throttledLog', () => {
  it('writes the first failure, then counts the rest instead of repeating them', () => {
    const lines: string[] = [];
    const report = throttledLog('billing: events', { quietMs: 0, write: (l) => lines.push(l) });
    report(new Error('fetch failed'));
    report(new Error('fetch failed'));
    report('still down');
    expect(lines).toEqual(['billing: events: fetch failed\n']);
  });

  it('stays quiet while a producer started alongside is coming up', () => {
    const lines: string[] = [];
    const report = throttledLog('billing: events', {
      quietMs: 60_000,
      write: (l) => lines.push(l),
    });
    report(new Error('connect ECONNREFUSED'));
    expect(lines).toEqual([]);
  });
});
