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
import {
  ErrorCode,
  badUserInput,
  upstreamErrorFromAnswer,
  upstreamFailure,
  type Upstream,
} from '../errors.js';
import type { AttemptProbe, UpstreamTelemetry } from '../observability/upstream.js';
import type { RequestBudget } from './budget.js';
import type { SharedUpstream } from './shared.js';
import {
  UpstreamAttemptError,
  UpstreamGuard,
  cutShort,
  type BreakerState,
  type GuardLogger,
} from './resilience.js';

/** One upstream request, relative to the vendor's base URL. */
export interface UpstreamRequest {
  /** The vendor's name for the operation, as the simulators' `/_sim/stats` count it (metrics, spans). */
  operation: string;
  method: 'GET' | 'POST';
  /** Path below the base URL, already percent-encoded where it holds identifiers. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The operation answers a JSON array (Run:ai's deprecated getPods) instead of an object. */
  answersArray?: boolean;
  /**
   * The 2xx status matters (Run:ai's 207 partial success): the answer is `{ status, body }`
   * instead of the body alone.
   */
  withStatus?: boolean;
}

export interface UpstreamPoolOptions {
  resilience: ResilienceConfig;
  devMode: boolean;
  /** Where breaker transitions (warn/info) and retries (debug) are logged. */
  logger?: GuardLogger;
  /** Metrics and spans of every attempt (none when observability is off). */
  telemetry?: UpstreamTelemetry | undefined;
}

/** The process-wide connection pool of one vendor, with its retry, breaker and bulkhead. */
export class UpstreamPool {
  readonly pool: Pool;
  private readonly basePath: string;
  private readonly guard: UpstreamGuard;
  private readonly target: { origin: URL; basePath: string };

  constructor(
    readonly vendor: Upstream,
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
    this.guard = new UpstreamGuard(vendor, options.resilience, options.logger, options.telemetry);
    this.target = { origin: new URL(url.origin), basePath: this.basePath };
    options.telemetry?.watch(vendor.id, this.guard);
  }

  /**
   * Sends one read with `credential` as its bearer token, retried and guarded per the vendor's
   * resilience configuration, within `budget`; see the file contract.
   */
  json(request: UpstreamRequest, credential: string, budget: RequestBudget): Promise<unknown> {
    let retry = 0;
    return this.guard.run(
      () => this.attempt(request, credential, budget, retry++),
      budget,
      request.operation,
    );
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

  /** One attempt (`retry` 0 for the first), observed by the telemetry unless dropped unsent. */
  private async attempt(
    request: UpstreamRequest,
    credential: string,
    budget: RequestBudget,
    retry: number,
  ): Promise<unknown> {
    // A retry or a queued call that reaches here after the deadline is dropped unsent.
    if (budget.signal.aborted) throw cutShort(this.vendor, budget);
    const probe = this.options.telemetry?.attempt(this.vendor.id, request, retry, this.target, budget);
    try {
      const value = await this.exchange(request, credential, budget, probe);
      probe?.end();
      return value;
    } catch (error) {
      probe?.end(error);
      throw error;
    }
  }

  /** One HTTP exchange; rejects with an UpstreamAttemptError saying why it failed. */
  private async exchange(
    request: UpstreamRequest,
    credential: string,
    budget: RequestBudget,
    probe: AttemptProbe | undefined,
  ): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const qs = search.toString();
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${credential}`,
      ...request.headers,
      ...probe?.headers,
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
      probe?.responded(status);
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
    if (request.answersArray) {
      if (!Array.isArray(parsed)) throw this.malformed('answered JSON that is not an array.');
    } else if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw this.malformed('answered JSON that is not an object.');
    }
    return request.withStatus ? { status, body: parsed } : parsed;
  }

  private tooLarge(): UpstreamAttemptError {
    const max = this.options.resilience.maxBodyBytes;
    return this.malformed(
      `answered a body over ${max} bytes (${this.vendor.configPrefix ?? 'UPSTREAM'}_MAX_BODY_BYTES or UPSTREAM_MAX_BODY_BYTES); ` +
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

/** An upstream answer served from the cache past its TTL (`extensions.stale`). */
export interface StaleAnswer {
  /** Method and path of the upstream request, e.g. `GET /v1/accounts/demo/clusters`. */
  request: string;
  /** How old the answer was when served. */
  ageMs: number;
}

/**
 * The upstream access of one GraphQL request for one vendor: the credential in force for this
 * request, the request's time budget, and a memo so that identical requests (same method, path,
 * query and body) are made once. Below it, `SharedUpstream` coalesces and caches across requests.
 */
export class UpstreamSession {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Every distinct request made, in order, however it was answered (tests read it). */
  readonly sent: UpstreamRequest[] = [];
  /**
   * How the distinct requests were answered: sent to the vendor for this request, shared with an
   * identical call in flight for another request, or from the cache (fresh or stale).
   */
  readonly served = { vendor: 0, shared: 0, cache: 0, stale: 0 };
  /**
   * Distinct requests that failed after they may have reached the vendor (an error answer, a
   * malformed or oversized body, a timeout or a broken connection); with `served.vendor`, the
   * calls this request sent. Refusals that send nothing (an open breaker, a full bulkhead, a
   * connect timeout, a cut before sending) are not counted.
   */
  failed = 0;
  /** The answers served stale, in order. */
  readonly stale: StaleAnswer[] = [];

  constructor(
    private readonly upstream: SharedUpstream,
    private readonly credential: string,
    /** The GraphQL request's time budget, shared by the sessions of every vendor. */
    private readonly budget: RequestBudget,
  ) {}

  /** Returns the parsed body of `request`, making it at most once per session. */
  json<T>(request: UpstreamRequest): Promise<T> {
    const key = JSON.stringify([request.method, request.path, request.query ?? {}, request.body ?? null]);
    let pending = this.memo.get(key);
    if (!pending) {
      // The request that would pass MAX_UPSTREAM_CALLS is not sent: its field fails alone.
      if (!this.budget.takeCall())
        return Promise.reject(callLimitReached(this.upstream.pool.vendor, this.budget));
      this.sent.push(request);
      pending = this.upstream.fetch(request, this.credential, this.budget).then((answer) => {
        this.served[answer.origin] += 1;
        if (answer.origin === 'stale') {
          this.stale.push({ request: `${request.method} ${request.path}`, ageMs: answer.ageMs });
        }
        return answer.body;
      }, this.countFailure);
      this.memo.set(key, pending);
    }
    return pending as Promise<T>;
  }

  private readonly countFailure = (error: unknown): never => {
    if (mayHaveBeenSent(error)) this.failed += 1;
    throw error;
  };
}

/** Whether a failed call may have reached the vendor (so it counts as a call made). */
function mayHaveBeenSent(error: unknown): boolean {
  // Not an attempt error: refused before any attempt (open breaker, full bulkhead).
  if (!(error instanceof UpstreamAttemptError)) return false;
  return error.failure !== 'connect-timeout' && error.failure !== 'cancelled';
}

/** Returns the error of a field whose upstream request would pass the request's call limit. */
function callLimitReached(vendor: Upstream, budget: RequestBudget): GraphQLError {
  return badUserInput(
    `This request reached its limit of ${budget.maxCalls} upstream calls (MAX_UPSTREAM_CALLS), so this ` +
      'field was not fetched. Ask for smaller pages, nest fewer connections, or split the query.',
    { limit: 'MAX_UPSTREAM_CALLS', maximum: budget.maxCalls, upstream: vendor.id },
  );
}

/** What /readyz answers: the breaker state of every upstream, and the ones open. */
export interface Readiness {
  status: 200 | 503;
  body: {
    status: 'ok' | 'degraded';
    upstreams: Record<string, BreakerState>;
    open?: string[];
    /** Whether the shared Redis answers (only with `REDIS_URL`; the gateway serves without it). */
    redis?: 'ok' | 'unavailable';
    /** The operations whose breaker is not closed, per vendor (present only when there are some). */
    operations?: Record<string, Record<string, BreakerState>>;
  };
}

/**
 * Given the pools (keyed by vendor id), returns the gateway's readiness: `degraded` while a
 * breaker is open, with the vendors it fails fast for. A breaker past its cooldown reports
 * `half-open`.
 */
export function readiness(pools: Readonly<Record<string, UpstreamPool>>): Readiness {
  const upstreams = Object.fromEntries(
    Object.entries(pools).map(([vendor, pool]) => [vendor, pool.breakerState()]),
  );
  const open = Object.keys(upstreams).filter((vendor) => upstreams[vendor] === 'open');
  const operations: Record<string, Record<string, BreakerState>> = {};
  for (const [vendor, pool] of Object.entries(pools)) {
    const states = pool.operationStates();
    if (Object.keys(states).length > 0) operations[vendor] = states;
  }
  const detail = Object.keys(operations).length > 0 ? { operations } : {};
  // Still ready (200) while a breaker is open: every replica shares the same vendors, so failing
  // readiness would take the whole fleet out of the load balancer for one vendor's outage, while
  // the other vendors' fields still answer. The handler answers 503 only while draining.
  return open.length === 0
    ? { status: 200, body: { status: 'ok', upstreams, ...detail } }
    : { status: 200, body: { status: 'degraded', upstreams, open, ...detail } };
}
