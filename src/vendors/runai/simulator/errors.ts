/**
 * How the Run:ai simulator words its errors. Every Run:ai operation documents the `Error` body
 * `{code, message, details}` where `code` repeats the HTTP status; the simulator puts the
 * specific explanation (the contract and the value received) in `message` and the HTTP reason
 * phrase in `details`. The one exception is the deprecated `getPods`, whose 404 is the older
 * `Error1` body `{code, message}` (see `legacyNotFound`).
 */
import { STATUS_CODES } from 'node:http';
import type { SimResponse, VendorProtocol } from '../../../simulators/harness.js';
import type { components } from '../wire.gen.js';

type RunaiErrorBody = components['schemas']['Error'];
type RunaiLegacyErrorBody = components['schemas']['Error1'];

/** Thrown by request parsing and lookups; the route wrapper turns it into the vendor's error body. */
export class RunaiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RunaiRequestError';
  }
}

/** Returns the `Error` response `{code, message, details}` for an HTTP status. */
export function runaiError(status: number, message: string): SimResponse {
  const body: RunaiErrorBody = { code: status, message, details: STATUS_CODES[status] ?? 'Error' };
  return { status, body };
}

/** Returns the deprecated endpoint's 404, documented as `Error1` `{code, message}`. */
export function legacyNotFound(message: string): SimResponse {
  const body: RunaiLegacyErrorBody = { code: 404, message };
  return { status: 404, body };
}

/** The harness protocol: authentication failures, faults and unknown routes use the same body. */
export const runaiProtocol: VendorProtocol = { vendor: 'runai', error: runaiError };
