/**
 * The key-value store behind the upstream cache and the state replicas share: in process by
 * default, Redis when `REDIS_URL` is set.
 *
 * Contract: no method rejects. A store that cannot answer (Redis down or slower than
 * `REDIS_TIMEOUT_MS`) reads as a miss and drops writes, so the gateway serves straight from the
 * vendors; the store logs that it happened.
 */

/** A string store with per-entry TTLs. */
export interface SharedStore {
  /** `memory` (this process only) or `redis` (shared by every replica on the same Redis). */
  readonly kind: 'memory' | 'redis';
  /** The value under `key`, or undefined when absent, expired or the store is unavailable. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Takes the lock `key` for `ttlMs` if nobody holds it; resolves true when taken (or when the
   * store is unavailable: then every replica goes its own way). In process it is always true,
   * since one process coalesces its own calls.
   */
  lock(key: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock `key` (taken or not). */
  unlock(key: string): Promise<void>;
  /** `ok`, or `unavailable` while Redis cannot be reached (for /readyz). */
  state(): 'ok' | 'unavailable';
  close(): Promise<void>;
}
