/**
 * How calls to one upstream are bounded, retried and shed, with cockatiel policies composed as
 *
 *   retry (per call, within the upstream's retry budget) → circuit breaker (per upstream
 *   operation) → bulkhead (per upstream) → one attempt
 *
 * - The retry is outermost, so the breaker sees every attempt, and an attempt holds a bulkhead
 *   slot only while it is on the wire, never while it waits to be retried.
 * - The breaker opens on a failure rate over a sliding window (cockatiel's SamplingBreaker), once
 *   the operation has made a minimum number of attempts in it, and only for that operation: one
 *   failing endpoint (a partial outage) leaves the vendor's other operations untouched, and an
 *   operation failing half the time, which retries mostly absorb, does not open it.
 * - Retries draw on a retry budget per upstream (`retry-budget.ts`), so an outage that the
 *   breaker has not yet cut cannot multiply the load by the number of attempts.
 * - The breaker is outside the bulkhead, so an open circuit fails fast instead of queueing.
 * - Everything honours the request's budget: the whole call is raced against its signal, an attempt
 *   never starts once it has aborted, and a retry whose wait would end past the deadline is not made.
 *
 * Contract: `UpstreamGuard.run` resolves with the attempt's value or rejects with an
 * `UpstreamError` (an attempt's own, or UPSTREAM_UNAVAILABLE for an open circuit or a full
 * bulkhead, or UPSTREAM_TIMEOUT at the request deadline).
 *
 * Only reads are retried, and every upstream call the gateway makes is a read: GETs, and Gitpod's
 * ListWarmPools, a POST only because the Connect protocol sends unary RPCs as POSTs. It is a List
 * method, which Connect marks `idempotency_level = NO_SIDE_EFFECTS` (and would serve as a GET), so
 * repeating it changes nothing upstream. A write added later must not go through `run` unchanged.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ExponentialBackoff,
  SamplingBreaker,
  circuitBreaker,
  bulkhead,
  fullJitterGenerator,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  retry,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { ResilienceConfig } from '../config.js';
import { ErrorCode, UpstreamError, upstreamFailure, type Upstream } from '../errors.js';
import type { UpstreamTelemetry } from '../observability/upstream.js';
import type { RequestBudget } from './budget.js';
import { RetryBudget } from './retry-budget.js';

/** Why one attempt failed. */
export type AttemptFailure =
  /** The upstream answered a non-2xx status. */
  | 'status'
  /** The upstream answered 2xx with a body that is not the JSON object expected. */
  | 'malformed'
  /** No connection within the connect timeout (nothing was sent). */
  | 'connect-timeout'
  /** No response headers, or a stalled body, within the per-attempt timeouts. */
  | 'timeout'
  /** Refused, reset, or closed before the whole answer arrived. */
  | 'connection'
  /** Cut at the request deadline. */
  | 'deadline'
  /** Cut because the client disconnected. */
  | 'cancelled';

/** The error of one failed attempt: an UpstreamError that also says why, for the policies. */
export class UpstreamAttemptError extends UpstreamError {
  constructor(
    error: UpstreamError,
    readonly failure: AttemptFailure,
  ) {
    super(error);
  }
}

/** Statuses worth repeating a read for: rate limited, or a gateway/server that is briefly unavailable. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Given a failed attempt, returns whether repeating it may succeed: 429, 502, 503, 504 and failed
 * connections. Not a 500 (the upstream broke on this request), another 4xx (it will answer the
 * same), a malformed body (ditto), or a timeout (a slow upstream is not helped by more load).
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof UpstreamAttemptError)) return false;
  switch (error.failure) {
    case 'status':
      return error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
    case 'connection':
    case 'connect-timeout':
      return true;
    case 'malformed':
    case 'timeout':
    case 'deadline':
    case 'cancelled':
      return false;
  }
}

/**
 * Given a failed attempt, returns whether it counts against the upstream's circuit breaker: a 5xx,
 * a timeout or a failed connection. A 429 does not (the upstream is up and asks this caller, whose
 * credential may be its own, to slow down; opening the circuit would fail every caller and lose
 * the Retry-After), nor another 4xx or a malformed body (answers), nor a call cut by the request's
 * own deadline or by its client leaving (neither says anything about the upstream).
 */
export function isUpstreamFault(error: unknown): boolean {
  if (!(error instanceof UpstreamAttemptError)) return false;
  switch (error.failure) {
    case 'status':
      return error.status !== undefined && error.status >= 500;
    case 'connection':
    case 'connect-timeout':
    case 'timeout':
      return true;
    case 'malformed':
    case 'deadline':
    case 'cancelled':
      return false;
  }
}

/** Given a failed attempt, returns whether the upstream did answer (the breaker counts it a success). */
function isAnswer(error: unknown): error is UpstreamAttemptError {
  return (
    error instanceof UpstreamAttemptError &&
    (error.failure === 'malformed' || (error.failure === 'status' && !isUpstreamFault(error)))
  );
}

/** Given a budget that has aborted, returns the error of a call it cut short. */
export function cutShort(vendor: Upstream, budget: RequestBudget): UpstreamAttemptError {
  if (budget.shutdown) {
    return new UpstreamAttemptError(
      upstreamFailure(
        vendor,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'call was cut: the gateway is shutting down and its grace period ended. Retry on another replica.',
      ),
      'cancelled',
    );
  }
  return budget.expired
    ? new UpstreamAttemptError(
        upstreamFailure(
          vendor,
          ErrorCode.UPSTREAM_TIMEOUT,
          `did not answer before the request deadline (${budget.deadlineMs} ms).`,
        ),
        'deadline',
      )
    : new UpstreamAttemptError(
        upstreamFailure(vendor, ErrorCode.UPSTREAM_ERROR, 'call was cancelled: the client disconnected.'),
        'cancelled',
      );
}

/** A circuit breaker's state as /readyz reports it. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Where the guard reports breaker transitions and retries (the gateway's logger). */
export interface GuardLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** The process-wide resilience policies of one upstream (created once, with its UpstreamPool). */
export class UpstreamGuard {
  /** One breaker per operation, made on its first call. */
  private readonly breakers = new Map<string, OperationBreaker>();
  private readonly bulkhead: BulkheadPolicy;
  private readonly backoff: IBackoffFactory<unknown>;
  private readonly retryBudget: RetryBudget;

  constructor(
    readonly vendor: Upstream,
    private readonly resilience: ResilienceConfig,
    private readonly logger?: GuardLogger,
    private readonly telemetry?: UpstreamTelemetry,
  ) {
    this.bulkhead = bulkhead(resilience.maxConcurrent, resilience.maxQueue);
    this.backoff = new ExponentialBackoff({
      generator: fullJitterGenerator,
      initialDelay: resilience.retryBaseDelayMs,
      maxDelay: resilience.retryMaxDelayMs,
    });
    this.retryBudget = new RetryBudget(resilience.retryBudgetRatio, resilience.retryBudgetMin);
  }

  /**
   * Runs `attempt` (one upstream request that rejects with an UpstreamAttemptError) under the
   * policies of `operation` and within `budget`; see the file contract.
   */
  async run<T>(attempt: () => Promise<T>, budget: RequestBudget, operation = 'unnamed'): Promise<T> {
    if (budget.signal.aborted) throw cutShort(this.vendor, budget);
    const breaker = this.breakerOf(operation);
    this.retryBudget.recordCall();
    const schedule = new RetrySchedule(
      this.backoff,
      this.resilience.retryMaxDelayMs,
      budget,
      this.retryBudget,
    );
    // cockatiel's maxAttempts counts the retries after the first attempt.
    const policy = retry(
      handleWhen((error) => schedule.shouldRetry(error)),
      { maxAttempts: this.resilience.maxAttempts - 1, backoff: schedule },
    );
    if (this.logger) {
      policy.onRetry(({ delay, attempt: n }) =>
        this.logger?.debug(
          {
            upstream: this.vendor.id,
            operation,
            attempt: n,
            delayMs: delay,
            ...this.telemetry?.logFields(budget),
          },
          'retrying an upstream read',
        ),
      );
    }
    try {
      return await untilAborted(
        policy.execute(() => breaker.once(attempt, this.bulkhead), budget.signal),
        budget.signal,
      );
    } catch (error) {
      throw this.toUpstreamError(error, budget, breaker);
    }
  }

  /**
   * The upstream's breaker state for /readyz: `open` while any operation's breaker fails fast,
   * else `half-open` while any waits for or runs its trial, else `closed`.
   */
  breakerState(): BreakerState {
    const states = [...this.breakers.values()].map((b) => b.state());
    return states.includes('open') ? 'open' : states.includes('half-open') ? 'half-open' : 'closed';
  }

  /** The operations whose breaker is not closed, with their state (for /readyz). */
  operationStates(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [operation, breaker] of this.breakers) {
      const state = breaker.state();
      if (state !== 'closed') out[operation] = state;
    }
    return out;
  }

  /** Calls on the wire and calls waiting for a bulkhead slot (for the metrics). */
  bulkheadUsage(): { inFlight: number; queued: number } {
    return {
      inFlight: this.resilience.maxConcurrent - this.bulkhead.executionSlots,
      queued: this.resilience.maxQueue - this.bulkhead.queueSlots,
    };
  }

  private breakerOf(operation: string): OperationBreaker {
    let breaker = this.breakers.get(operation);
    if (!breaker) {
      breaker = new OperationBreaker(this.vendor, operation, this.resilience, this.logger, this.telemetry);
      this.breakers.set(operation, breaker);
    }
    return breaker;
  }

  private toUpstreamError(error: unknown, budget: RequestBudget, breaker: OperationBreaker): unknown {
    if (error instanceof UpstreamError) return error;
    if (isBrokenCircuitError(error)) {
      this.telemetry?.refused(this.vendor.id, 'circuit_open');
      return breaker.circuitOpen();
    }
    if (isBulkheadRejectedError(error)) {
      this.telemetry?.refused(this.vendor.id, 'bulkhead_full');
      return upstreamFailure(
        this.vendor,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `call refused: too many concurrent calls to this upstream (${this.resilience.maxConcurrent} in ` +
          `flight, ${this.resilience.maxQueue} waiting). Retry shortly.`,
      );
    }
    if (budget.signal.aborted) return cutShort(this.vendor, budget);
    return error;
  }
}

/** The circuit breaker of one upstream operation. */
class OperationBreaker {
  private readonly breaker: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(
    private readonly vendor: Upstream,
    private readonly operation: string,
    private readonly resilience: ResilienceConfig,
    logger?: GuardLogger,
    telemetry?: UpstreamTelemetry,
  ) {
    this.breaker = circuitBreaker(handleWhen(isUpstreamFault), {
      halfOpenAfter: resilience.breakerCooldownMs,
      breaker: new SamplingBreaker({
        threshold: resilience.breakerFailureRate,
        duration: resilience.breakerWindowMs,
        // cockatiel asks for a rate: the minimum number of attempts over the window.
        minimumRps: resilience.breakerMinCalls / (resilience.breakerWindowMs / 1000),
      }),
    });
    const fields = { upstream: vendor.id, operation };
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
      telemetry?.breakerOpened(vendor.id);
      logger?.warn(
        { ...fields, cooldownMs: resilience.breakerCooldownMs },
        'circuit breaker opened: calls fail fast until a trial call',
      );
    });
    this.breaker.onHalfOpen(() => logger?.info(fields, 'circuit breaker half-open: trial call'));
    this.breaker.onReset(() => logger?.info(fields, 'circuit breaker closed'));
  }

  /**
   * `open` while it fails fast, `half-open` once its cooldown is over (the next call is a trial)
   * or while that trial is in flight, `closed` otherwise.
   */
  state(): BreakerState {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      case CircuitState.Open:
      case CircuitState.Isolated:
        // cockatiel only leaves Open on the next call; past the cooldown that call is a trial, so
        // report half-open, or a replica taken out of rotation for an open breaker would never
        // get the call that closes it.
        return this.cooldownLeftMs() > 0 ? 'open' : 'half-open';
    }
  }

  /** One attempt through this breaker and the upstream's bulkhead. */
  async once<T>(attempt: () => Promise<T>, slots: BulkheadPolicy): Promise<T> {
    // cockatiel queues calls behind a half-open trial; fail them fast instead, so a hanging
    // upstream cannot pile calls up behind its trial.
    if (this.breaker.state === CircuitState.HalfOpen) throw new BrokenCircuitError();
    const outcome = await this.breaker.execute(async () => {
      try {
        // The bulkhead gets no signal on purpose: cockatiel's queue stops draining when it drops a
        // cancelled entry, so a cut entry runs instead, and the attempt returns at once unsent.
        return { value: await slots.execute(attempt) };
      } catch (error) {
        // An answer (4xx, 429, malformed) shows the upstream is up: a success for the breaker.
        if (isAnswer(error)) return { error };
        throw error;
      }
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** The error of a call this breaker refused. */
  circuitOpen(): UpstreamError {
    const leftMs = this.cooldownLeftMs();
    const who = `(${this.operation}) is failing: its circuit breaker`;
    if (this.breaker.state === CircuitState.HalfOpen || leftMs <= 0) {
      return upstreamFailure(
        this.vendor,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `${who} is half-open and a trial call is in flight; calls fail fast until it succeeds.`,
      );
    }
    const at = new Date(Date.now() + leftMs).toISOString();
    const failure = upstreamFailure(
      this.vendor,
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `${who} is open, so calls fail fast until a trial call at ${at} (in ${leftMs} ms).`,
    );
    return new UpstreamError({
      vendor: failure.vendor,
      code: failure.code,
      message: failure.message,
      retryAfterSeconds: Math.ceil(leftMs / 1000),
    });
  }

  private cooldownLeftMs(): number {
    return Math.max(0, this.openedAt + this.resilience.breakerCooldownMs - Date.now());
  }
}

/**
 * The waits between the attempts of one call: exponential backoff with full jitter (cockatiel's
 * `fullJitterGenerator`: uniform in [0, min(cap, base·2ⁿ))), or the upstream's Retry-After when it
 * sends one, while the upstream's retry budget allows. `shouldRetry` decides and plans the wait before cockatiel asks for it, because only
 * then can it refuse a wait that would end past the deadline, or a Retry-After above the cap (the
 * caller then gets RATE_LIMITED with `retryAfter` at once).
 */
class RetrySchedule implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  private exponential: IBackoff<unknown> | undefined;
  private plannedMs = 0;

  constructor(
    private readonly backoff: IBackoffFactory<unknown>,
    private readonly capMs: number,
    private readonly budget: RequestBudget,
    private readonly retryBudget: RetryBudget,
  ) {}

  /** Given a failed attempt, returns whether to retry it, having planned the wait if so. */
  shouldRetry(error: unknown): boolean {
    if (!isRetryable(error)) return false;
    const retryAfter = (error as UpstreamAttemptError).retryAfterSeconds;
    let waitMs: number;
    if (retryAfter !== undefined) {
      waitMs = retryAfter * 1000;
      if (waitMs > this.capMs) return false;
    } else {
      this.exponential = this.exponential ? this.exponential.next(undefined) : this.backoff.next(undefined);
      waitMs = this.exponential.duration;
    }
    if (waitMs >= this.budget.remainingMs()) return false;
    // Last, so only a retry that will be made spends the upstream's retry budget.
    if (!this.retryBudget.tryRetry()) return false;
    this.plannedMs = waitMs;
    return true;
  }

  next(): IBackoff<IRetryBackoffContext<unknown>> {
    return { duration: this.plannedMs, next: () => this.next() };
  }
}

/**
 * Given a promise and a signal, settles with the promise, or rejects with the signal's reason as
 * soon as it aborts (the promise is left to settle on its own: every step under it gives up on
 * the same signal).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
