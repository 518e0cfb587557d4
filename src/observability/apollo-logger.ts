/**
 * Apollo Server's own logger, routed through the gateway's pino logger so that every line on
 * stdout is one JSON object of one stream; Apollo's messages are scrubbed of known credentials
 * like every other error text.
 */
import type { Logger } from 'pino';
import { scrub } from '../logging.js';

/** The logger interface Apollo Server takes (`ApolloServerOptions.logger`). */
export interface ApolloLogger {
  debug(message?: unknown): void;
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
}

/** Returns an Apollo `logger` that writes to `logger` (as `component: "apollo"`). */
export function apolloLogger(logger: Logger, secrets: readonly string[]): ApolloLogger {
  const log = logger.child({ component: 'apollo' });
  const text = (message: unknown) =>
    scrub(message instanceof Error ? (message.stack ?? message.message) : String(message), secrets);
  return {
    debug: (message) => log.debug(text(message)),
    info: (message) => log.info(text(message)),
    warn: (message) => log.warn(text(message)),
    error: (message) => log.error(text(message)),
  };
}
