import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ConfigError, type Env } from './config';
import { isPublicErrorCode } from './errors';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** `LOG_LEVEL`: debug, info (default), warn, error or silent. */
export function readLogLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw as LogLevel;
}

/**
 * One JSON object per line (`time`, `level`, `service`, `msg`, then the
 * fields), the shape log collectors read without a parser of their own.
 * Writes synchronously to the given stream (stdout by default) so a line is
 * not lost when the process exits.
 */
export function createLogger(
  service: string,
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
      const line = { time: new Date().toISOString(), level: lineLevel, service, msg, ...fields };
      write(`${JSON.stringify(line)}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Logs every error that clients will only see masked ("Internal server
 * error"), with its real message and stack, under the request's id: the id a
 * client quotes leads to the cause in the process that raised it.
 */
export function maskedErrorLogPlugin<C extends BaseContext & { requestId?: string }>(
  logger: Logger,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (isPublicErrorCode(error.extensions?.code)) continue;
            const cause = error.originalError ?? error;
            logger.error('masked error', {
              requestId: contextValue.requestId,
              operationName: operationName ?? undefined,
              path: error.path,
              error: cause.message,
              stack: cause.stack,
            });
          }
        },
      };
    },
  };
}
