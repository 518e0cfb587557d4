/**
 * The HTTP layer under every vendor client: one pooled keep-alive undici dispatcher per upstream,
 * guarded by its resilience policies (made once per process), and a per-request session that adds
 * the caller's credential, holds the request's time budget and makes each distinct upstream
 * request once per GraphQL request.
 *
 * Contract: `UpstreamSession.json` resolves with the parsed JSON object of a 2xx answer, or rejects
 * with an `UpstreamError` whose code comes from the error module (never a raw undici error),
 * within the request's deadline. Retries, the circuit breaker and the concurrency cap are in
 * `resilience.ts`.
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { ResilienceConfig } from '../config.js';
import type { GraphQLError } from 'graphql';
import { ErrorCode, badUserInput, upstreamErrorFromAnswer, upstreamFailure, type Vendor } from '../errors.js';
import type { RequestBudget } from './budget.js';
import {
  UpstreamAttemptError,
  UpstreamGuard,
  cutShort,
  type BreakerState,
  type GuardLogger,
} from './resilience.js';

/** One upstream request, relative to the vendor's base URL. */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, already percent-encoded where it holds identifiers. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The vendor operation (as the simulators' /_sim/stats name it): each has its own breaker. */
  operation?: string;
}

export interface UpstreamPoolOptions {
  resilience: ResilienceConfig;
  devMode: boolean;
  /** Where breaker transitions (warn/info) and retries (debug) are logged. */
  logger?: GuardLogger;
}

/** The process-wide connection pool of one vendor, with its retry, breaker and bulkhead. */
export class UpstreamPool {
  readonly pool: Pool;
  private readonly basePath: string;
  private readonly guard: UpstreamGuard;

  constructor(
    readonly vendor: Vendor,
    baseUrl: string,
    private readonly options: UpstreamPoolOptions,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.resilience.maxConcurrent,
      connect: { timeout: options.resilience.timeouts.connectMs },
      headersTimeout: options.resilience.timeouts.headersMs,
      bodyTimeout: options.resilience.timeouts.bodyMs,
      keepAliveTimeout: 10_000,
    });
    this.guard = new UpstreamGuard(vendor, options.resilience, options.logger);
  }

  /**
   * Sends one read with `credential` as its bearer token, retried and guarded per the vendor's
   * resilience configuration, within `budget`; see the file contract.
   */
  json(request: UpstreamRequest, credential: string, budget: RequestBudget): Promise<unknown> {
    return this.guard.run(() => this.attempt(request, credential, budget), budget, request.operation);
  }

  /** The state of this upstream's circuit breakers, taken together (for /readyz). */
  breakerState(): BreakerState {
    return this.guard.breakerState();
  }

  /** The operations of this upstream whose breaker is not closed (for /readyz). */
  operationStates(): Record<string, BreakerState> {
    return this.guard.operationStates();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One HTTP exchange; rejects with an UpstreamAttemptError saying why it failed. */
  private async attempt(
    request: UpstreamRequest,
    credential: string,
    budget: RequestBudget,
  ): Promise<unknown> {
    // A retry or a queued call that reaches here after the deadline is dropped unsent.
    if (budget.signal.aborted) throw cutShort(this.vendor, budget);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const qs = search.toString();
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${credential}`,
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    let status: number;
    let text: string;
    let retryAfterHeader: string | string[] | undefined;
    try {
      const response = await this.pool.request({
        method: request.method,
        path: `${this.basePath}${request.path}${qs ? `?${qs}` : ''}`,
        headers,
        body,
        signal: budget.signal,
      });
      status = response.statusCode;
      retryAfterHeader = response.headers['retry-after'];
      // A body cut off by a reset or a stall rejects here, as a failed connection or a timeout.
      const read = await readLimited(response.body, this.options.resilience.maxBodyBytes);
      if (read === undefined) throw this.tooLarge();
      text = read;
    } catch (error) {
      if (error instanceof UpstreamAttemptError) throw error;
      throw this.failure(error, budget);
    }
    if (status < 200 || status >= 300) {
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const answer = upstreamErrorFromAnswer(this.vendor, status, parsed, {
        devMode: this.options.devMode,
        retryAfterSeconds: retryAfter(retryAfterHeader),
      });
      throw new UpstreamAttemptError(answer, 'status');
    }
    // Every operation the gateway calls answers a JSON object; anything else (an empty body, a
    // truncated one, `null`, an array) is a malformed answer, reported as such rather than
    // handed to a client that would trip over it.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.malformed(
        text === '' ? 'answered an empty body.' : 'answered a body that is not valid JSON.',
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw this.malformed('answered JSON that is not an object.');
    }
    return parsed;
  }

  private tooLarge(): UpstreamAttemptError {
    const max = this.options.resilience.maxBodyBytes;
    return this.malformed(
      `answered a body over ${max} bytes (${VENDOR_PREFIX[this.vendor]}_MAX_BODY_BYTES or UPSTREAM_MAX_BODY_BYTES); ` +
        'ask for smaller pages or fewer samples.',
    );
  }

  private malformed(what: string): UpstreamAttemptError {
    return new UpstreamAttemptError(
      upstreamFailure(this.vendor, ErrorCode.UPSTREAM_ERROR, what),
      'malformed',
    );
  }

  private failure(error: unknown, budget: RequestBudget): UpstreamAttemptError {
    // undici rejects an aborted request with the signal's reason or its own abort error: either
    // way the budget says whether the deadline or the client cut it.
    if (budget.signal.aborted) return cutShort(this.vendor, budget);
    if (error instanceof undiciErrors.ConnectTimeoutError) {
      return new UpstreamAttemptError(
        upstreamFailure(
          this.vendor,
          ErrorCode.UPSTREAM_TIMEOUT,
          'could not be reached within the connect timeout.',
        ),
        'connect-timeout',
      );
    }
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return new UpstreamAttemptError(
        upstreamFailure(this.vendor, ErrorCode.UPSTREAM_TIMEOUT, 'did not answer within the time budget.'),
        'timeout',
      );
    }
    return new UpstreamAttemptError(
      upstreamFailure(
        this.vendor,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'could not be reached (connection failed).',
      ),
      'connection',
    );
  }
}

const VENDOR_PREFIX: Record<Vendor, string> = { fireworks: 'FIREWORKS', runai: 'RUNAI', gitpod: 'GITPOD' };

/**
 * Reads a body as UTF-8 text, or returns undefined (and stops reading, dropping the connection)
 * once it passes `maxBytes`, so one huge answer cannot fill the gateway's memory.
 */
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * The upstream access of one GraphQL request for one vendor: the credential in force for this
 * request, the request's time budget, and a memo so that identical requests (same method, path,
 * query and body) are sent once.
 */
export class UpstreamSession {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Every request sent, in order (tests and the cost report read it). */
  readonly sent: UpstreamRequest[] = [];

  constructor(
    private readonly upstream: UpstreamPool,
    private readonly credential: string,
    /** The GraphQL request's time budget, shared by the sessions of every vendor. */
    private readonly budget: RequestBudget,
  ) {}

  /** Returns the parsed body of `request`, sending it at most once per session. */
  json<T>(request: UpstreamRequest): Promise<T> {
    const key = JSON.stringify([request.method, request.path, request.query ?? {}, request.body ?? null]);
    let pending = this.memo.get(key);
    if (!pending) {
      // The request that would pass MAX_UPSTREAM_CALLS is not sent: its field fails alone.
      if (!this.budget.takeCall()) return Promise.reject(callLimitReached(this.upstream.vendor, this.budget));
      this.sent.push(request);
      pending = this.upstream.json(request, this.credential, this.budget);
      this.memo.set(key, pending);
    }
    return pending as Promise<T>;
  }
}

/** Returns the error of a field whose upstream request would pass the request's call limit. */
function callLimitReached(vendor: Vendor, budget: RequestBudget): GraphQLError {
  return badUserInput(
    `This request reached its limit of ${budget.maxCalls} upstream calls (MAX_UPSTREAM_CALLS), so this ` +
      'field was not fetched. Ask for smaller pages, nest fewer connections, or split the query.',
    { limit: 'MAX_UPSTREAM_CALLS', maximum: budget.maxCalls, upstream: vendor },
  );
}

/** What /readyz answers: 200 while every breaker lets calls through, 503 listing the open ones. */
export interface Readiness {
  status: 200 | 503;
  body: {
    status: 'ok' | 'degraded';
    upstreams: Record<Vendor, BreakerState>;
    open?: Vendor[];
    /** The operations whose breaker is not closed, per vendor (present only when there are some). */
    operations?: Partial<Record<Vendor, Record<string, BreakerState>>>;
  };
}

/**
 * Given the pools, returns the gateway's readiness: `degraded` (503) while a breaker is open, with
 * the vendors it fails fast for. A breaker past its cooldown reports `half-open` and counts as
 * ready, so a replica taken out of rotation gets traffic again and the trial call can close it.
 */
export function readiness(pools: Record<Vendor, UpstreamPool>): Readiness {
  const upstreams = {
    fireworks: pools.fireworks.breakerState(),
    runai: pools.runai.breakerState(),
    gitpod: pools.gitpod.breakerState(),
  };
  const open = (Object.keys(upstreams) as Vendor[]).filter((vendor) => upstreams[vendor] === 'open');
  const operations: Partial<Record<Vendor, Record<string, BreakerState>>> = {};
  for (const vendor of Object.keys(upstreams) as Vendor[]) {
    const states = pools[vendor].operationStates();
    if (Object.keys(states).length > 0) operations[vendor] = states;
  }
  const detail = Object.keys(operations).length > 0 ? { operations } : {};
  // Still ready while a breaker is open: every replica shares the same vendors, so a 503 here
  // would take the whole fleet out of the load balancer for one vendor's outage, while the other
  // vendors' fields still answer. Not ready (503) is reserved for a replica that is draining.
  return open.length === 0
    ? { status: 200, body: { status: 'ok', upstreams, ...detail } }
    : { status: 200, body: { status: 'degraded', upstreams, open, ...detail } };
}
