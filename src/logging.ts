/**
 * Structured JSON logs (pino), one line per GraphQL request with its request id, and credentials
 * redacted wherever they could appear (request headers, error text).
 */
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/** Header paths that may carry a credential; pino replaces their values with "[redacted]". */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-fireworks-api-key"]',
  'req.headers["x-runai-token"]',
  'req.headers["x-gitpod-api-key"]',
  'headers.authorization',
  'headers["x-fireworks-api-key"]',
  'headers["x-runai-token"]',
  'headers["x-gitpod-api-key"]',
];

/** Returns the process logger; `destination` lets tests capture every line. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { service: 'fleetgraph' },
    },
    destination as never,
  );
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
