/**
 * The one error module: the closed set of codes a client can see in `extensions.code`, the
 * mapping from an upstream's answer (HTTP status, refined by the vendor's own error-body table that
 * each vendor folder hands over through its contract) to one of them, and the formatter that masks
 * anything unexpected before it leaves the gateway.
 *
 * Contract: every error in a response has `extensions.code` from `ErrorCode`; errors caused by an
 * upstream also carry `extensions.upstream` (the vendor). No credential and, outside development
 * mode, no upstream error text ever appears in a message.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

/** The closed set of error codes. */
export const ErrorCode = {
  /** The request's arguments are invalid; fix the query. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The object asked for does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The upstream rejected the credential (configured or passed per request). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The upstream refused access with a valid credential. */
  FORBIDDEN: 'FORBIDDEN',
  /** The upstream rate-limited the call; retry later (`extensions.retryAfter` when known). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The upstream could not be reached or said it is unavailable. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The upstream did not answer within the time budget. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** The upstream failed or answered something the gateway could not understand. */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  /** A filter the gateway applies itself would read more than its stated scan budget; narrow it. */
  SCAN_BUDGET_EXCEEDED: 'SCAN_BUDGET_EXCEEDED',
  /** The upstream answered a partial success without this metric series; the other series came back. */
  METRIC_UNAVAILABLE: 'METRIC_UNAVAILABLE',
  /** A bug in the gateway; details are logged, never sent. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** Apollo Server: the query is not valid GraphQL syntax. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** Apollo Server: the query does not match the schema. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** Apollo Server: the operation name matches no operation. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** Apollo Server: the HTTP request itself is malformed (e.g. CSRF prevention, bad JSON). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Apollo Server: an automatic persisted query is unknown. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** Apollo Server: automatic persisted queries are off. */
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An upstream as errors name it: its id (in `extensions.upstream`), its name in messages, and,
 * when its error bodies carry a code of their own, the table from that body to a gateway code.
 */
export interface Upstream {
  readonly id: string;
  readonly label: string;
  /** Prefix of its variables (`FIREWORKS`), where a message names one. */
  readonly configPrefix?: string;
  /** Given a non-2xx answer's status and parsed body, returns the code its body names, if any. */
  readonly errorCode?: (status: number, body: unknown) => ErrorCode | undefined;
}

/** Returns a BAD_USER_INPUT error with an actionable message. */
export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT } });
}

/**
 * The error of an upstream list that kept giving a next page past the pages its items can fill
 * (a vendor listing empty pages with a next token): the walk stops instead of looping.
 */
export function endlessList(vendorLabel: string, maxPages: number): GraphQLError {
  return new GraphQLError(
    `${vendorLabel} kept listing past ${maxPages} pages, more than a subscription's watched objects ` +
      'can fill; the poll stopped. This is an upstream fault: retry later.',
    { extensions: { code: ErrorCode.UPSTREAM_ERROR } },
  );
}

/** Returns a NOT_FOUND error for a missing object. */
export function notFound(message: string, upstream?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.NOT_FOUND, ...(upstream ? { upstream } : {}) },
  });
}

/** What an UpstreamError says. */
export interface UpstreamErrorDetails {
  /** The upstream's id (`extensions.upstream`). */
  vendor: string;
  code: ErrorCode;
  message: string;
  /** The HTTP status the upstream answered, when it answered (`extensions.upstreamStatus`). */
  status?: number | undefined;
  /** Seconds after which a retry may succeed (`extensions.retryAfter`). */
  retryAfterSeconds?: number | undefined;
}

/** An error an upstream answered with, or that happened on the way to it. */
export class UpstreamError extends GraphQLError {
  readonly vendor: string;
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor({ vendor, code, message, status, retryAfterSeconds }: UpstreamErrorDetails) {
    super(message, {
      extensions: {
        code,
        upstream: vendor,
        ...(status !== undefined ? { upstreamStatus: status } : {}),
        ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}),
      },
    });
    this.vendor = vendor;
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Given an HTTP status alone, returns the gateway code (the fallback for every vendor). */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return ErrorCode.BAD_USER_INPUT;
  if (status === 401) return ErrorCode.UNAUTHENTICATED;
  if (status === 403) return ErrorCode.FORBIDDEN;
  if (status === 404) return ErrorCode.NOT_FOUND;
  if (status === 408 || status === 504) return ErrorCode.UPSTREAM_TIMEOUT;
  if (status === 429) return ErrorCode.RATE_LIMITED;
  if (status === 502 || status === 503) return ErrorCode.UPSTREAM_UNAVAILABLE;
  return ErrorCode.UPSTREAM_ERROR;
}

/**
 * Given a vendor's non-2xx answer, returns the gateway code: from the error body's own code when
 * the vendor's table knows it (google.rpc for Fireworks, Connect for Gitpod), otherwise from the
 * HTTP status (Run:ai's body repeats the status).
 */
export function codeForUpstreamAnswer(upstream: Upstream, status: number, body: unknown): ErrorCode {
  return upstream.errorCode?.(status, body) ?? codeForStatus(status);
}

/** Given a vendor's non-2xx answer, returns the GraphQL error for the field that needed it. */
export function upstreamErrorFromAnswer(
  upstream: Upstream,
  status: number,
  body: unknown,
  options: { devMode: boolean; retryAfterSeconds?: number | undefined },
): UpstreamError {
  const code = codeForUpstreamAnswer(upstream, status, body);
  const upstreamMessage = (body as { message?: unknown } | null)?.message;
  const detail =
    options.devMode && typeof upstreamMessage === 'string' ? `: ${truncate(upstreamMessage, 300)}` : '.';
  return new UpstreamError({
    vendor: upstream.id,
    code,
    message: `${upstream.label} answered HTTP ${status} (${code})${detail}`,
    status,
    retryAfterSeconds: options.retryAfterSeconds,
  });
}

/** Returns the error for a call that never got an answer (timeout, refused, reset, bad body). */
export function upstreamFailure(upstream: Upstream, code: ErrorCode, what: string): UpstreamError {
  return new UpstreamError({ vendor: upstream.id, code, message: `${upstream.label} ${what}` });
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Apollo's `formatError`: keeps errors that carry a known code (dropping any stack trace outside
 * development), and masks everything else as INTERNAL_SERVER_ERROR, so a bug never leaks details.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { devMode: boolean; log?: (error: unknown) => void },
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  // graphql-js's own request errors (an operation type the schema lacks, e.g. a mutation) carry no
  // code and wrap nothing: they are the caller's to fix, not bugs to mask.
  const uncoded =
    formatted.extensions?.code === undefined || formatted.extensions.code === ErrorCode.INTERNAL_SERVER_ERROR;
  if (uncoded && original instanceof GraphQLError && !original.originalError && !original.extensions.code) {
    formatted = { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT } };
  }
  // graphql-js reports a scalar's refusal of an inline literal as a validation error; the scalar's
  // own code is kept, so a literal and a variable holding the same bad value answer alike.
  if (
    formatted.extensions?.code === ErrorCode.GRAPHQL_VALIDATION_FAILED &&
    original instanceof GraphQLError &&
    original.originalError instanceof GraphQLError &&
    original.originalError.extensions.code === ErrorCode.BAD_USER_INPUT
  ) {
    formatted = { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT } };
  }
  if (formatted.message.startsWith('GraphQL introspection is not allowed')) {
    formatted = {
      ...formatted,
      message:
        'Introspection is off on this gateway (production default); set INTROSPECTION=true to enable it.',
    };
  }
  const code = formatted.extensions?.code;
  const known =
    typeof code === 'string' &&
    KNOWN_CODES.has(code) &&
    (code !== ErrorCode.INTERNAL_SERVER_ERROR || original instanceof GraphQLError);
  if (known) {
    if (options.devMode) return formatted;
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  options.log?.(original);
  return {
    message: 'Unexpected error. It has been logged; the rest of the response is unaffected.',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
