/**
 * The budgets of one GraphQL request: one AbortSignal that fires at the request deadline
 * (`REQUEST_DEADLINE_MS`) or when the client goes away, whichever comes first, and the deadline
 * itself, so that a retry can tell whether its wait still fits. Every upstream attempt, every retry
 * wait and every wait for a bulkhead slot honours it: no upstream call outlives it.
 *
 * It also counts the distinct upstream requests sent for the request (`MAX_UPSTREAM_CALLS`): the
 * estimate refuses an operation up front, and this count stops one the estimate let through (a
 * page that comes back short and is walked further, a filter that matches more than expected).
 */
import { setMaxListeners } from 'node:events';

/** The abort reason of a request cut at the end of the shutdown grace. */
export class GatewayShutdown extends Error {
  override name = 'GatewayShutdown';
}

/** The time budget shared by every upstream call of one GraphQL request. */
export class RequestBudget {
  /** Aborts at the deadline or when the client disconnects, whichever comes first. */
  readonly signal: AbortSignal;
  /** When the deadline fires, in epoch milliseconds. */
  readonly deadline: number;
  // Node 20 lets an AbortSignal.timeout() be garbage-collected while the AbortSignal.any() built
  // on it is still in use, and the combined signal then never fires: the budget holds it.
  readonly #timeout: AbortSignal;

  /** The most distinct upstream requests this request may send. */
  readonly maxCalls: number;
  /** The request this budget serves, for observability (see the constructor). */
  readonly requestSignal: AbortSignal | undefined;
  /** Distinct upstream requests sent so far for this request. */
  #calls = 0;

  /**
   * Starts the clock: `deadlineMs` from now, or earlier if `clientSignal` aborts; at most
   * `maxCalls` distinct upstream requests may be sent.
   */
  constructor(
    readonly deadlineMs: number,
    clientSignal?: AbortSignal,
    options: {
      /** The most distinct upstream requests this request may send (`MAX_UPSTREAM_CALLS`). */
      maxCalls?: number;
      /**
       * Identifies the request the budget serves (observability finds its trace by it): the
       * client's signal, or, for a call shared by several requests (coalesce.ts), the first caller's.
       */
      requestSignal?: AbortSignal | undefined;
    } = {},
  ) {
    this.maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
    this.requestSignal = 'requestSignal' in options ? options.requestSignal : clientSignal;
    this.#timeout = AbortSignal.timeout(deadlineMs);
    this.deadline = Date.now() + deadlineMs;
    this.signal = clientSignal ? AbortSignal.any([clientSignal, this.#timeout]) : this.#timeout;
    // Each upstream call in flight listens on this one signal and removes its listener when done, so
    // a query that fans out to many calls is not a listener leak.
    setMaxListeners(0, this.signal);
  }

  /** Whether the gateway cut the request at the end of its shutdown grace. */
  get shutdown(): boolean {
    return this.signal.aborted && this.signal.reason instanceof GatewayShutdown;
  }

  /** Whether the deadline has passed (as opposed to the client leaving, or neither). */
  get expired(): boolean {
    return this.#timeout.aborted;
  }

  /**
   * Counts one more upstream request and returns true, or returns false (counting nothing) when
   * it would pass `maxCalls`: that request must not be sent.
   */
  takeCall(): boolean {
    if (this.#calls >= this.maxCalls) return false;
    this.#calls++;
    return true;
  }

  /** Milliseconds left before the deadline (0 once it has passed). */
  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }
}
