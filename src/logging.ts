/**
 * Structured JSON logs (pino), one line per GraphQL request with its request id, and credentials
 * redacted wherever they could appear (request headers, error text). On a terminal (or with
 * LOG_FORMAT=pretty) the same records are printed for a person by pino-pretty.
 */
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';
import { VENDORS } from './vendors/registry.js';

/** Header paths that may carry a credential; pino replaces their values with "[redacted]". */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  ...VENDORS.flatMap((vendor) => [
    `req.headers["${vendor.credentialHeader}"]`,
    `headers["${vendor.credentialHeader}"]`,
  ]),
  'req.headers["x-fleetgraph-subgraph-secret"]',
  'headers["x-fleetgraph-subgraph-secret"]',
];

/** Returns the process logger; `destination` (default stdout) lets tests capture every line. */
export function createLogger(
  config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'logFormat'>>,
  destination?: NodeJS.WritableStream,
): Logger {
  const out = destination ?? process.stdout;
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  const format = config.logFormat ?? 'auto';
  const options = {
    level: config.logLevel,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: 'fleetgraph' },
  };
  if (format === 'pretty' || (format === 'auto' && tty)) {
    // pino-pretty as a plain stream in this thread, not a transport: a transport would start a
    // worker thread per logger, and the records are already redacted when they reach it.
    return pino(
      options,
      pretty({
        destination: out,
        colorize: tty,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,service',
      }),
    );
  }
  return pino(options, destination as never);
}

/** Returns the caller's request id when it is a sane token, otherwise a new UUID. */
export function requestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : randomUUID();
}

/**
 * Removes every known credential from a text before it is logged: a last line of defence for
 * error messages that might quote something the gateway was sent.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(/Bearer\s+[\x21-\x7e]+/gi, 'Bearer [redacted]');
}
