import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { DataSource, QueryRunner } from 'typeorm';
import { REQUEST_ID_ATTRIBUTE, requestIdOf } from './tracing';

/** Longer statements are cut: a span attribute is not the place for a whole bulk insert. */
const MAX_STATEMENT_CHARS = 4_000;

function systemOf(dataSource: DataSource): string {
  const type = dataSource.options.type;
  if (type === 'better-sqlite3' || type === 'sqlite') return 'sqlite';
  return type === 'mariadb' ? 'mariadb' : 'mysql';
}

/** The statement's first keyword (SELECT, INSERT, START …), as `db.operation`. */
function operationOf(sql: string): string {
  const match = /^\s*([A-Za-z]+)/.exec(sql);
  return match ? match[1].toUpperCase() : 'QUERY';
}

const traced = new WeakSet<QueryRunner>();

/**
 * One client span per SQL statement that runs inside a traced request (the
 * subgraph's server span active): background work (event feeds, outbox
 * relays, migrations) starts no trace of its own. Every statement reaches
 * the driver through a query runner's `query`, so that is the one seam
 * wrapped. The span holds the statement as written, with its `?`
 * placeholders, never the parameter values; a failure records the driver's
 * error code only, since MySQL's messages quote the values (ER_DUP_ENTRY).
 */
export function traceQueries(dataSource: DataSource, tracer: Tracer): void {
  const system = systemOf(dataSource);
  const driver = dataSource.driver;
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = createQueryRunner(mode);
    if (traced.has(runner)) return runner;
    traced.add(runner);
    const query = runner.query.bind(runner) as (
      sql: string,
      parameters?: unknown[],
      structured?: boolean,
    ) => Promise<unknown>;
    runner.query = ((sql: string, parameters?: unknown[], structured?: boolean) => {
      const parent = context.active();
      if (!trace.getSpan(parent)?.isRecording()) return query(sql, parameters, structured);
      const operation = operationOf(sql);
      const requestId = requestIdOf(parent);
      const statement =
        sql.length > MAX_STATEMENT_CHARS ? `${sql.slice(0, MAX_STATEMENT_CHARS)}…` : sql;
      const span = tracer.startSpan(
        operation,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system': system,
            'db.system.name': system,
            'db.operation': operation,
            'db.operation.name': operation,
            'db.query.text': statement,
            ...(requestId ? { [REQUEST_ID_ATTRIBUTE]: requestId } : {}),
          },
        },
        parent,
      );
      return context
        .with(trace.setSpan(parent, span), () => query(sql, parameters, structured))
        .then(
          (result: unknown) => {
            span.end();
            return result;
          },
          (error: unknown) => {
            const cause = (error as { driverError?: { code?: unknown }; code?: unknown }) ?? {};
            const code = cause.driverError?.code ?? cause.code;
            span.setAttribute('error.type', typeof code === 'string' ? code : 'query_failed');
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
            throw error;
          },
        );
    }) as QueryRunner['query'];
    return runner;
  };
}
