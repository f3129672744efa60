import { loadConfig } from './config';

const BASE = { AUTH_CLAIMS_SECRET: 'a-test-claims-secret-of-at-least-32-characters' };

describe('gateway configuration', () => {
  it('reads HTTP_CORS_ORIGINS as exact origins', () => {
    const config = loadConfig({
      ...BASE,
      HTTP_CORS_ORIGINS: 'https://portal.example.com, http://localhost:5173/',
    });
    expect([...config.http.corsOrigins]).toEqual([
      'https://portal.example.com',
      'http://localhost:5173',
    ]);
    expect(loadConfig(BASE).http.corsOrigins.size).toBe(0);
  });

  it.each(['*', 'portal.example.com', 'https://portal.example.com/app', 'ftp://files.example.com'])(
    'refuses %j as a CORS origin, saying what an origin is',
    (origin) => {
      expect(() => loadConfig({ ...BASE, HTTP_CORS_ORIGINS: origin })).toThrow(
        /^HTTP_CORS_ORIGINS: .* is not an origin/,
      );
    },
  );

  it('reads SUBGRAPH_<NAME>_URL as one instance or a comma-separated list of them', () => {
    const config = loadConfig({
      ...BASE,
      SUBGRAPH_ACCOUNTS_URL: 'http://accounts:4001/graphql',
      SUBGRAPH_BILLING_URL: 'http://10.0.0.5:4002/graphql, https://billing-2.internal/graphql',
    });
    expect(config.subgraphUrls).toEqual({
      accounts: ['http://accounts:4001/graphql'],
      billing: ['http://10.0.0.5:4002/graphql', 'https://billing-2.internal/graphql'],
    });
  });

  it.each([
    'billing:4002/graphql',
    'http://a:4002/graphql,',
    'http://a:4002/graphql,,http://b:4002/graphql',
    'http://a:4002/graphql, ftp://b/graphql',
    'http://',
  ])('refuses %j as SUBGRAPH_BILLING_URL, saying which value is wrong', (value) => {
    expect(() => loadConfig({ ...BASE, SUBGRAPH_BILLING_URL: value })).toThrow(
      /^SUBGRAPH_BILLING_URL must be an http\(s\) URL or a comma-separated list of them \(got ".*"\)$/,
    );
  });

  it('refuses one instance listed twice', () => {
    expect(() =>
      loadConfig({
        ...BASE,
        SUBGRAPH_BILLING_URL: 'http://a:4002/graphql,http://a:4002/graphql',
      }),
    ).toThrow('SUBGRAPH_BILLING_URL names one instance twice');
  });

  it('serves the IDE outside production unless told otherwise', () => {
    expect(loadConfig(BASE).ide).toBe(true);
    expect(loadConfig({ ...BASE, NODE_ENV: 'production' }).ide).toBe(false);
    expect(loadConfig({ ...BASE, NODE_ENV: 'production', GATEWAY_IDE: 'true' }).ide).toBe(true);
    expect(loadConfig({ ...BASE, GATEWAY_IDE: 'false' }).ide).toBe(false);
  });

  it('reads LOG_LEVEL and refuses an unknown one', () => {
    expect(loadConfig(BASE).logLevel).toBe('info');
    expect(loadConfig({ ...BASE, LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(() => loadConfig({ ...BASE, LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be one of debug, info, warn, error, silent, got "verbose"',
    );
  });

  it('gives callers without a token the strictest document limits', () => {
    const { limits } = loadConfig(BASE);
    for (const key of ['depth', 'aliases', 'directives', 'tokens', 'cost'] as const) {
      expect(limits.anonymous[key]).toBeLessThanOrEqual(limits.partner[key]);
      expect(limits.anonymous[key]).toBeLessThanOrEqual(limits.firstParty[key]);
    }
    expect(limits.anonymous.tokens).toBe(1_000);
    expect(loadConfig({ ...BASE, LIMITS_ANONYMOUS_TOKENS: '2000' }).limits.anonymous.tokens).toBe(
      2_000,
    );
  });

  it('cuts idle request bodies after HTTP_BODY_IDLE_TIMEOUT_MS, a minute unless told', () => {
    expect(loadConfig(BASE).http.bodyIdleTimeoutMs).toBe(60_000);
    expect(
      loadConfig({ ...BASE, HTTP_BODY_IDLE_TIMEOUT_MS: '120000' }).http.bodyIdleTimeoutMs,
    ).toBe(120_000);
    expect(() => loadConfig({ ...BASE, HTTP_BODY_IDLE_TIMEOUT_MS: '0' })).toThrow(
      'HTTP_BODY_IDLE_TIMEOUT_MS must be at least 1000, got 0',
    );
  });

  it('reads the subscription limits, with their defaults', () => {
    expect(loadConfig(BASE).subscriptions).toEqual({
      maxSubscriptionsPerSocket: 25,
      maxSocketsPerPrincipal: 20,
      maxMessageBytes: 65_536,
      initTimeoutMs: 10_000,
      keepAliveMs: 25_000,
      statusCheckMs: 5_000,
      multipartHeartbeatMs: 5_000,
    });
    const set = loadConfig({
      ...BASE,
      GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '3',
      GATEWAY_WS_MAX_SOCKETS_PER_PRINCIPAL: '4',
      GATEWAY_WS_MAX_MESSAGE_BYTES: '2048',
      GATEWAY_WS_INIT_TIMEOUT_MS: '500',
      GATEWAY_WS_KEEPALIVE_MS: '1000',
      GATEWAY_WS_STATUS_CHECK_MS: '250',
      GATEWAY_MULTIPART_HEARTBEAT_MS: '300',
    }).subscriptions;
    expect(set).toEqual({
      maxSubscriptionsPerSocket: 3,
      maxSocketsPerPrincipal: 4,
      maxMessageBytes: 2048,
      initTimeoutMs: 500,
      keepAliveMs: 1000,
      statusCheckMs: 250,
      multipartHeartbeatMs: 300,
    });
    expect(() => loadConfig({ ...BASE, GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '0' })).toThrow(
      'GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET must be at least 1, got 0',
    );
  });
});
