/**
 * The Connect protocol's error vocabulary, as Gitpod's API speaks it: the closed set of codes,
 * the HTTP status the specification maps each code to, and the reverse mappings a server and a
 * client need (https://connectrpc.com/docs/protocol#error-codes).
 *
 * A failed unary call answers the mapped HTTP status with `{"code": "...", "message": "..."}`.
 * When the body is not a Connect error (a proxy's 502 page, the empty 405/415 answers of
 * Connect's own negotiation), a client infers the code from the HTTP status instead, with the
 * table the specification gives for that case (`connectCodeFromHttpStatus`).
 */

import { ErrorCode } from '../../errors.js';

/** Every Connect error code, in the order of their gRPC numbers (1..16). */
export const CONNECT_CODES = [
  'canceled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
] as const;

/** One Connect error code. */
export type ConnectCode = (typeof CONNECT_CODES)[number];

/** The body of a failed Connect unary call. */
export interface ConnectErrorBody {
  code: ConnectCode;
  message?: string;
  details?: unknown[];
}

/** The HTTP status a Connect server answers for each code (the specification's table). */
export const CONNECT_CODE_HTTP_STATUS: Readonly<Record<ConnectCode, number>> = {
  canceled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
};

// Several codes share a status (400, 409, 500); a server choosing a code for a bare status takes
// the most general one.
const CODE_FOR_STATUS: ReadonlyMap<number, ConnectCode> = new Map<number, ConnectCode>([
  [400, 'invalid_argument'],
  [401, 'unauthenticated'],
  [403, 'permission_denied'],
  [404, 'not_found'],
  [409, 'aborted'],
  [429, 'resource_exhausted'],
  [499, 'canceled'],
  [500, 'internal'],
  [501, 'unimplemented'],
  [503, 'unavailable'],
  [504, 'deadline_exceeded'],
]);

/**
 * Given an HTTP status a server wants to answer with, returns the Connect code whose mapped
 * status it is (the most general one when several share it), or, for a status no code maps
 * to, the code a Connect client would infer from it.
 */
export function connectCodeForHttpStatus(status: number): ConnectCode {
  return CODE_FOR_STATUS.get(status) ?? connectCodeFromHttpStatus(status);
}

/**
 * Given the HTTP status of an answer whose body is not a Connect error, returns the code a
 * Connect client infers (the specification's HTTP-to-code table, which is deliberately not the
 * inverse of `CONNECT_CODE_HTTP_STATUS`: a bare 400 comes from an intermediary, so `internal`).
 */
export function connectCodeFromHttpStatus(status: number): ConnectCode {
  switch (status) {
    case 400:
      return 'internal';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'unimplemented';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'unknown';
  }
}

/** Returns true when `code` is one of the Connect error codes. */
export function isConnectCode(code: unknown): code is ConnectCode {
  return typeof code === 'string' && (CONNECT_CODES as readonly string[]).includes(code);
}

/** Returns true when a parsed JSON body is a Connect error body (a known `code`, string `message`). */
export function isConnectErrorBody(body: unknown): body is ConnectErrorBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { code, message, details } = body as Record<string, unknown>;
  return (
    isConnectCode(code) &&
    (message === undefined || typeof message === 'string') &&
    (details === undefined || Array.isArray(details))
  );
}

// Connect protocol codes → gateway code.
const GATEWAY_CODES: Record<ConnectCode, ErrorCode> = {
  canceled: ErrorCode.UPSTREAM_ERROR,
  unknown: ErrorCode.UPSTREAM_ERROR,
  invalid_argument: ErrorCode.BAD_USER_INPUT,
  deadline_exceeded: ErrorCode.UPSTREAM_TIMEOUT,
  not_found: ErrorCode.NOT_FOUND,
  already_exists: ErrorCode.UPSTREAM_ERROR,
  permission_denied: ErrorCode.FORBIDDEN,
  resource_exhausted: ErrorCode.RATE_LIMITED,
  failed_precondition: ErrorCode.BAD_USER_INPUT,
  aborted: ErrorCode.UPSTREAM_ERROR,
  out_of_range: ErrorCode.BAD_USER_INPUT,
  unimplemented: ErrorCode.UPSTREAM_ERROR,
  internal: ErrorCode.UPSTREAM_ERROR,
  unavailable: ErrorCode.UPSTREAM_UNAVAILABLE,
  data_loss: ErrorCode.UPSTREAM_ERROR,
  unauthenticated: ErrorCode.UNAUTHENTICATED,
};

/** Given a Gitpod error answer, returns the gateway code its Connect body names, if any. */
export function gitpodErrorCode(_status: number, body: unknown): ErrorCode | undefined {
  const code = (body as { code?: unknown } | null)?.code;
  return isConnectCode(code) ? GATEWAY_CODES[code] : undefined;
}
