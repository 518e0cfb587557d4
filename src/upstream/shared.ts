/**
 * What replicas and requests share of one vendor's upstream: the layer between every request's
 * `UpstreamSession` and the vendor's pool. A read is answered, in order of preference:
 *
 * 1. from the cache while its answer is fresh (`CACHE_TTL_MS`, or the TTL of its path in
 *    `CACHE_TTL_BY_PATH`; off by default);
 * 2. from the cache, flagged stale, while its answer is within `CACHE_STALE_MS` past the TTL, and
 *    a refresh is sent in the background (stale-while-revalidate). A refresh that fails with 429,
 *    5xx, a timeout or an open breaker leaves the answer in place, so it keeps being served until
 *    its bound (stale-if-error); one that fails with another answer (401, 403, 404) deletes it;
 * 3. by joining an identical call in flight in this process (coalescing, always on);
 * 4. with Redis, by waiting for the replica that holds the key's lock to store its answer;
 * 5. from the vendor, storing the answer when the cache is on.
 */
import { ttlFor, type CachePolicy } from '../store/settings.js';
import type { SharedStore } from '../store/store.js';
import { UpstreamError } from '../errors.js';
import { RequestBudget } from './budget.js';
import { decodeEntry, encodeEntry, upstreamKey } from './cache.js';
import type { Coalescer } from './coalesce.js';
import type { UpstreamPool, UpstreamRequest } from './http.js';
import { cutShort } from './resilience.js';

/** How one read was answered. */
export type Served =
  | { body: unknown; origin: 'vendor' | 'shared' | 'cache' }
  | { body: unknown; origin: 'stale'; ageMs: number };

/** Where a failed background refresh is logged. */
export interface SharedLogger {
  warn(fields: object, message: string): void;
}

export interface SharedUpstreamOptions {
  policy: CachePolicy;
  store: SharedStore;
  /** Answers whose stored form is larger are not cached. */
  maxEntryBytes: number;
  /** The process's calls in flight (one coalescer for every vendor: keys name the vendor). */
  coalescer: Coalescer;
  /** False: every request sends its own calls (`UPSTREAM_COALESCE=false`, for measurements). */
  coalesce: boolean;
  /** The budget of a background refresh (the request deadline). */
  refreshDeadlineMs: number;
  logger?: SharedLogger;
}

/** How often a replica waiting for another's answer looks for it in Redis. */
const LOCK_POLL_MS = 10;

/** One vendor's shared upstream access (one per process and vendor). */
export class SharedUpstream {
  constructor(
    readonly pool: UpstreamPool,
    private readonly options: SharedUpstreamOptions,
  ) {}

  /** Answers `request` made with `credential` within `budget`; see the file comment for how. */
  async fetch(request: UpstreamRequest, credential: string, budget: RequestBudget): Promise<Served> {
    const vendor = this.pool.vendor;
    const key = upstreamKey(vendor.id, request, credential);
    const ttlMs = ttlFor(this.options.policy, request.path);
    if (ttlMs > 0) {
      const entry = decodeEntry(await this.options.store.get(key));
      if (entry) {
        const { staleMs } = this.options.policy;
        const ageMs = Math.max(0, Date.now() - entry.storedAt);
        if (ageMs <= ttlMs) return { body: entry.body, origin: 'cache' };
        if (ageMs <= ttlMs + staleMs) {
          this.refresh(key, request, credential, ttlMs);
          return { body: entry.body, origin: 'stale', ageMs };
        }
      }
    }
    if (!this.options.coalesce) {
      const own = await this.load(key, request, credential, ttlMs, budget);
      if (!own) throw cutShort(vendor, budget);
      return own;
    }
    const { value, joined } = await this.options.coalescer.run(
      key,
      budget,
      (shared) => this.load(key, request, credential, ttlMs, shared),
      () => cutShort(vendor, budget),
    );
    if (!value) throw cutShort(vendor, budget);
    // A joiner gets its own copy: resolvers of different requests never share a mutable object.
    return joined ? { body: structuredClone(value.body), origin: 'shared' } : value;
  }

  /**
   * Sends `request` (or, with Redis, waits for the replica that is sending it) and stores the
   * answer. `refreshing`: a background refresh, which gives way to a replica already sending.
   */
  private async load(
    key: string,
    request: UpstreamRequest,
    credential: string,
    ttlMs: number,
    budget: RequestBudget,
    refreshing = false,
  ): Promise<{ body: unknown; origin: 'vendor' | 'cache' } | undefined> {
    if (ttlMs <= 0) return { body: await this.pool.json(request, credential, budget), origin: 'vendor' };
    const { store, policy } = this.options;
    const lockMs = Math.max(1, budget.remainingMs());
    if (!(await store.lock(key, lockMs))) {
      if (refreshing) return undefined;
      const found = await this.awaitOtherReplica(key, ttlMs, budget, lockMs);
      if (found) return found;
    }
    try {
      // Another replica may have stored the answer and released the lock since this one looked.
      if (!refreshing) {
        const entry = decodeEntry(await store.get(key));
        if (entry && Date.now() - entry.storedAt <= ttlMs) return { body: entry.body, origin: 'cache' };
      }
      const body = await this.pool.json(request, credential, budget);
      const stored = encodeEntry(Date.now(), body);
      if (stored.length <= this.options.maxEntryBytes) {
        await store.set(key, stored, ttlMs + policy.staleMs);
      }
      return { body, origin: 'vendor' };
    } finally {
      await store.unlock(key);
    }
  }

  /**
   * Waits for the replica holding `key`'s lock to store a fresh answer; resolves with it, or with
   * undefined once the lock is this replica's (the other gave up or died) and it must send itself.
   */
  private async awaitOtherReplica(
    key: string,
    ttlMs: number,
    budget: RequestBudget,
    lockMs: number,
  ): Promise<{ body: unknown; origin: 'cache' } | undefined> {
    const { store } = this.options;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      if (budget.signal.aborted) throw cutShort(this.pool.vendor, budget);
      const entry = decodeEntry(await store.get(key));
      if (entry && Date.now() - entry.storedAt <= ttlMs) return { body: entry.body, origin: 'cache' };
      if (await store.lock(key, lockMs)) return undefined;
    }
  }

  /** Refreshes a stale answer in the background; see the file comment for what a failure does. */
  private refresh(key: string, request: UpstreamRequest, credential: string, ttlMs: number): void {
    const vendor = this.pool.vendor;
    const budget = new RequestBudget(this.options.refreshDeadlineMs);
    this.options.coalescer
      .run(
        `${key}:refresh`,
        budget,
        (shared) => this.load(key, request, credential, ttlMs, shared, true),
        () => cutShort(vendor, budget),
      )
      .catch(async (error: unknown) => {
        const status = error instanceof UpstreamError ? error.status : undefined;
        // The vendor answered that this request is now wrong (gone, forbidden): stop serving it.
        const answered =
          status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408;
        if (answered) await this.options.store.delete(key);
        this.options.logger?.warn(
          {
            upstream: vendor.id,
            code: error instanceof UpstreamError ? error.code : undefined,
            upstreamStatus: status,
          },
          answered
            ? 'refreshing a stale answer was refused: the answer is dropped from the cache'
            : 'refreshing a stale answer failed: it is served until its stale bound',
        );
      });
  }
}
