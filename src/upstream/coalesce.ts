/**
 * Coalescing across GraphQL requests: identical upstream requests in flight at the same moment
 * (same vendor, method, URL, body and credential identity) are sent once and the answer shared.
 *
 * Each caller keeps its own deadline and its own client: a caller whose budget aborts leaves with
 * its own UPSTREAM_TIMEOUT or cancellation at once, and the shared call goes on for the others. It
 * is cancelled only when no caller waits for it any more. The shared call runs on a budget of its
 * own that ends just after the first caller's deadline (a caller that joins later cannot extend it).
 */
import { RequestBudget } from './budget.js';

/** How long past the first caller's deadline the shared call's own budget runs. */
const BACKSTOP_MS = 50;

/** One shared call and the callers waiting for it. */
interface Flight {
  promise: Promise<unknown>;
  waiters: number;
  controller: AbortController;
}

/** What a caller gets: the value, and whether it joined a call another caller started. */
export interface Coalesced<T> {
  value: T;
  joined: boolean;
}

/** The calls in flight of one process, by key. */
export class Coalescer {
  private readonly inflight = new Map<string, Flight>();

  /** How many shared calls are in flight (tests and the bench read it). */
  get size(): number {
    return this.inflight.size;
  }

  /**
   * Runs `start` under `key` unless a call with that key is in flight, in which case it waits for
   * that one. Rejects with `leave()`'s error as soon as `budget` aborts, without cancelling the
   * shared call while another caller still waits for it.
   */
  run<T>(
    key: string,
    budget: RequestBudget,
    start: (shared: RequestBudget) => Promise<T>,
    leave: () => unknown,
  ): Promise<Coalesced<T>> {
    if (budget.signal.aborted) return Promise.reject(leave());
    let flight = this.inflight.get(key);
    // A flight whose every caller left is being cancelled: a new caller starts afresh.
    const joined = flight !== undefined && !flight.controller.signal.aborted;
    if (!flight || !joined) {
      const controller = new AbortController();
      // Callers leave at their own deadlines (with their own errors), and the last to leave cancels
      // the call; the shared clock, a little later, is only a backstop.
      // The shared call's spans and log lines belong to the first caller's request.
      const shared = new RequestBudget(budget.remainingMs() + BACKSTOP_MS, controller.signal, {
        requestSignal: budget.requestSignal,
      });
      const started: Flight = { promise: Promise.resolve(), waiters: 0, controller };
      started.promise = start(shared).finally(() => {
        if (this.inflight.get(key) === started) this.inflight.delete(key);
      });
      // Settled callers have handled it; one that left must not surface as an unhandled rejection.
      started.promise.catch(() => undefined);
      this.inflight.set(key, started);
      flight = started;
    }
    const current = flight;
    current.waiters += 1;
    return new Promise<Coalesced<T>>((resolve, reject) => {
      let settled = false;
      const done = (): boolean => {
        if (settled) return false;
        settled = true;
        budget.signal.removeEventListener('abort', onAbort);
        current.waiters -= 1;
        return true;
      };
      const onAbort = () => {
        if (!done()) return;
        if (current.waiters === 0) current.controller.abort();
        reject(leave());
      };
      budget.signal.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          if (done()) resolve({ value: value as T, joined });
        },
        (error: unknown) => {
          if (done()) reject(error);
        },
      );
    });
  }
}
