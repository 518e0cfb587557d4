/**
 * A retry budget per upstream (Finagle's and Envoy's idea): over a sliding window, retries may be
 * at most `ratio` × the calls made plus a small fixed allowance, so in an outage retries add at
 * most that share of load instead of multiplying it by the number of attempts, while a few
 * failing calls of a quiet gateway are still retried.
 *
 * Contract: `recordCall` once per call (its first attempt), `tryRetry` before each retry; it
 * returns false, counting nothing, when the budget is spent.
 */

/** How many slices the window is counted in: old calls leave the window a slice at a time. */
const SLICES = 10;

/** The retry budget of one upstream, shared by every request of the process. */
export class RetryBudget {
  private readonly calls = new Array<number>(SLICES).fill(0);
  private readonly retries = new Array<number>(SLICES).fill(0);
  private slice = 0;
  private sliceStartedAt = 0;

  constructor(
    /** Retries allowed per call made in the window (e.g. 0.2: one retry per five calls). */
    private readonly ratio: number,
    /** Retries always allowed within the window, whatever the traffic. */
    private readonly minimum: number,
    private readonly windowMs = 10_000,
  ) {}

  /** Counts one call (its first attempt). */
  recordCall(): void {
    this.calls[this.advance()]! += 1;
  }

  /** Returns whether one more retry fits in the budget, and counts it if so. */
  tryRetry(): boolean {
    const current = this.advance();
    const calls = this.calls.reduce((a, b) => a + b, 0);
    const retries = this.retries.reduce((a, b) => a + b, 0);
    if (retries >= this.ratio * calls + this.minimum) return false;
    this.retries[current]! += 1;
    return true;
  }

  /** Moves the window to now, emptying the slices that have left it; returns the current slice. */
  private advance(): number {
    const now = Date.now();
    const sliceMs = this.windowMs / SLICES;
    const elapsed = Math.floor((now - this.sliceStartedAt) / sliceMs);
    if (elapsed <= 0) return this.slice;
    for (let i = 1; i <= Math.min(elapsed, SLICES); i++) {
      const next = (this.slice + i) % SLICES;
      this.calls[next] = 0;
      this.retries[next] = 0;
    }
    this.slice = (this.slice + elapsed) % SLICES;
    this.sliceStartedAt = elapsed >= SLICES ? now : this.sliceStartedAt + elapsed * sliceMs;
    return this.slice;
  }
}
