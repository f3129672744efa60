import type { Database } from '../db/data-source';
import type { EventTransport } from '../events/transport';
import type { ServiceMetrics } from './service-metrics';

/** The parts of a mysql2 pool read for metrics (its own fields; mysql2 has no public counters). */
interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

/**
 * The database's connections. MySQL/MariaDB: the mysql2 pool's connections
 * in use and idle, its limit and the callers waiting for one. SQLite has one
 * connection and no pool: only the transactions queued for it.
 */
export function watchDatabase(metrics: ServiceMetrics, db: Database): void {
  metrics.gauge({
    name: 'portico_db_transactions_waiting',
    help: "Transactions waiting their turn on SQLite's one connection (0 on MySQL/MariaDB).",
    read: () => [{ labels: {}, value: db.waitingTransactions }],
  });
  const pool = (): Mysql2Pool | undefined =>
    db.dataSource.options.type === 'mysql' || db.dataSource.options.type === 'mariadb'
      ? ((db.dataSource.driver as unknown as { pool?: Mysql2Pool }).pool ?? undefined)
      : undefined;
  metrics.gauge<'state'>({
    name: 'portico_db_pool_connections',
    help: 'Connections of the MySQL/MariaDB pool by state (in_use, idle); absent on SQLite, which has no pool.',
    labelNames: ['state'],
    read: () => {
      const p = pool();
      if (!p?._allConnections || !p._freeConnections) return [];
      const idle = p._freeConnections.length;
      return [
        { labels: { state: 'in_use' }, value: p._allConnections.length - idle },
        { labels: { state: 'idle' }, value: idle },
      ];
    },
  });
  metrics.gauge({
    name: 'portico_db_pool_waiting',
    help: 'Queries waiting for a free MySQL/MariaDB pool connection.',
    read: () => {
      const waiting = pool()?._connectionQueue?.length;
      return waiting === undefined ? [] : [{ labels: {}, value: waiting }];
    },
  });
  metrics.gauge({
    name: 'portico_db_pool_max',
    help: 'The MySQL/MariaDB pool size limit.',
    read: () => {
      const max = pool()?.config?.connectionLimit;
      return max === undefined ? [] : [{ labels: {}, value: max }];
    },
  });
}

/** How many events each consumer of this service has yet to apply, per producer. */
export function watchEvents(metrics: ServiceMetrics, transport: EventTransport): void {
  metrics.gauge<'consumer' | 'producer'>({
    name: 'portico_event_consumer_lag_events',
    help: "Events a consumer has not applied yet: the producer's head less the consumer's position (unknown until the producer has answered once).",
    labelNames: ['consumer', 'producer'],
    read: async () => {
      const rows = await Promise.all(
        transport.follows().map(async ({ consumer, producer, follow }) => ({
          labels: { consumer, producer },
          value: await follow.lag().catch(() => null),
        })),
      );
      return rows.filter((r): r is { labels: typeof r.labels; value: number } => r.value !== null);
    },
  });
}
