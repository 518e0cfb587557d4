/**
 * The Fireworks error vocabulary: google.rpc codes, their HTTP mapping, and the error body the
 * Fireworks REST API (grpc-gateway) sends: `{"code": 3, "message": "...", "details": []}` with the
 * HTTP status of the code. Shared by the simulator (to word errors) and the gateway's Fireworks
 * client (to read them).
 */
import { ErrorCode } from '../../errors.js';
import type { components } from './wire.gen.js';

/** The google.rpc.Status error body (`gatewayRpcStatus`). */
export type RpcStatusBody = components['schemas']['gatewayRpcStatus'];

/** A google.rpc.Code name, as resource `status.code` fields spell it. */
export type RpcCodeName = components['schemas']['gatewayCode'];

/** The numeric value of each google.rpc.Code (google/rpc/code.proto). */
export const RPC_CODE_NUMBERS: Readonly<Record<RpcCodeName, number>> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/**
 * The code an HTTP status stands for, where several codes share a status picking the one a
 * server means by it (400 → INVALID_ARGUMENT, 409 → ABORTED, 500 → INTERNAL). 405 maps to
 * UNIMPLEMENTED as grpc-gateway's routing error handler does; 413 to INVALID_ARGUMENT (the
 * request itself is unacceptable); 502 to UNAVAILABLE (a proxy could not reach the service).
 */
const HTTP_STATUS_CODES: ReadonlyMap<number, RpcCodeName> = new Map<number, RpcCodeName>([
  [400, 'INVALID_ARGUMENT'],
  [401, 'UNAUTHENTICATED'],
  [403, 'PERMISSION_DENIED'],
  [404, 'NOT_FOUND'],
  [405, 'UNIMPLEMENTED'],
  [409, 'ABORTED'],
  [413, 'INVALID_ARGUMENT'],
  [429, 'RESOURCE_EXHAUSTED'],
  [499, 'CANCELLED'],
  [500, 'INTERNAL'],
  [501, 'UNIMPLEMENTED'],
  [502, 'UNAVAILABLE'],
  [503, 'UNAVAILABLE'],
  [504, 'DEADLINE_EXCEEDED'],
]);

/** Given an HTTP status, returns the google.rpc code it stands for (UNKNOWN when none does). */
export function rpcCodeForHttpStatus(status: number): RpcCodeName {
  return HTTP_STATUS_CODES.get(status) ?? 'UNKNOWN';
}

/** Given a numeric google.rpc code, returns its name (undefined for a number outside 0..16). */
export function rpcCodeName(code: number): RpcCodeName | undefined {
  return (Object.keys(RPC_CODE_NUMBERS) as RpcCodeName[]).find((name) => RPC_CODE_NUMBERS[name] === code);
}

/** Builds the error body for a code name and a message. */
export function rpcStatusBody(code: RpcCodeName, message: string): RpcStatusBody {
  return { code: RPC_CODE_NUMBERS[code], message, details: [] };
}

// google.rpc codes (seed 000) → gateway code; the body carries the code's number.
const GATEWAY_CODES: Record<RpcCodeName, ErrorCode | undefined> = {
  OK: undefined,
  CANCELLED: ErrorCode.UPSTREAM_ERROR,
  UNKNOWN: ErrorCode.UPSTREAM_ERROR,
  INVALID_ARGUMENT: ErrorCode.BAD_USER_INPUT,
  DEADLINE_EXCEEDED: ErrorCode.UPSTREAM_TIMEOUT,
  NOT_FOUND: ErrorCode.NOT_FOUND,
  ALREADY_EXISTS: ErrorCode.UPSTREAM_ERROR,
  PERMISSION_DENIED: ErrorCode.FORBIDDEN,
  RESOURCE_EXHAUSTED: ErrorCode.RATE_LIMITED,
  FAILED_PRECONDITION: ErrorCode.BAD_USER_INPUT,
  ABORTED: ErrorCode.UPSTREAM_ERROR,
  OUT_OF_RANGE: ErrorCode.BAD_USER_INPUT,
  UNIMPLEMENTED: ErrorCode.UPSTREAM_ERROR,
  INTERNAL: ErrorCode.UPSTREAM_ERROR,
  UNAVAILABLE: ErrorCode.UPSTREAM_UNAVAILABLE,
  DATA_LOSS: ErrorCode.UPSTREAM_ERROR,
  UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
};

/** Given a Fireworks error answer, returns the gateway code its google.rpc body names, if any. */
export function fireworksErrorCode(_status: number, body: unknown): ErrorCode | undefined {
  const code = (body as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return undefined;
  const name = rpcCodeName(code);
  return name ? GATEWAY_CODES[name] : undefined;
}
