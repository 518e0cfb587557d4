/**
 * The settings of the state replicas share, read from the environment once at start (through the
 * configuration): the Redis connection, and the upstream response cache per vendor.
 *
 * Each cache knob reads `<VENDOR>_<KNOB>` first, then `UPSTREAM_<KNOB>`, like the resilience knobs.
 */
import { parseJsonObject } from '../values.js';

/** How a vendor's answers are cached; a TTL of 0 turns the cache off for it. */
export interface CachePolicy {
  /** How long an answer is served as fresh (`<VENDOR>_CACHE_TTL_MS`, then `UPSTREAM_CACHE_TTL_MS`). */
  ttlMs: number;
  /** How long past its TTL an answer may still be served, flagged stale (`..._CACHE_STALE_MS`). */
  staleMs: number;
  /**
   * TTLs of single operations, by upstream path (`<VENDOR>_CACHE_TTL_BY_PATH`, a JSON object of
   * path pattern → TTL in ms, `*` standing for one path segment); the first match wins.
   */
  byPath: { pattern: string; match: RegExp; ttlMs: number }[];
}

/** Returns the TTL `policy` gives a request to `path`. */
export function ttlFor(policy: CachePolicy, path: string): number {
  return policy.byPath.find((rule) => rule.match.test(path))?.ttlMs ?? policy.ttlMs;
}

/** The shared-state settings, as the configuration holds them. */
export interface SharedSettings {
  /** Redis, when `REDIS_URL` is set: the cache, persisted queries and cross-replica locks live there. */
  redis: { url: string; timeoutMs: number; keyPrefix: string } | undefined;
  /**
   * Whether identical upstream calls in flight are shared between requests (`UPSTREAM_COALESCE`,
   * on by default; off only to measure what it saves).
   */
  coalesce: boolean;
  upstreamCache: {
    /** Bound of the in-process cache, in bytes of stored answers (`UPSTREAM_CACHE_MAX_BYTES`). */
    maxBytes: number;
    /** Answers larger than this are not cached (`UPSTREAM_CACHE_MAX_ENTRY_BYTES`). */
    maxEntryBytes: number;
    /** The policy of each vendor, by vendor id. */
    byVendor: Record<string, CachePolicy>;
  };
}

type Env = Readonly<Record<string, string | undefined>>;
type Fail = (message: string) => never;

/** Reads the shared-state settings for `vendors`; `fail` stops the start naming the variable. */
export function readSharedSettings(
  env: Env,
  vendors: readonly { id: string; configPrefix: string }[],
  fail: Fail,
): SharedSettings {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^-?\d+$/.test(raw)) fail(`${name} must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) fail(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
  const knob = (prefix: string, name: string, max: number): number =>
    env[`${prefix}_${name}`]?.trim()
      ? int(`${prefix}_${name}`, 0, 0, max)
      : int(`UPSTREAM_${name}`, 0, 0, max);
  const byVendor = Object.fromEntries(
    vendors.map((vendor) => [
      vendor.id,
      {
        ttlMs: knob(vendor.configPrefix, 'CACHE_TTL_MS', 86_400_000),
        staleMs: knob(vendor.configPrefix, 'CACHE_STALE_MS', 86_400_000),
        byPath: byPath(env, `${vendor.configPrefix}_CACHE_TTL_BY_PATH`, fail),
      },
    ]),
  );
  const coalesce = env.UPSTREAM_COALESCE?.trim().toLowerCase() || 'true';
  if (!['true', 'false', '1', '0'].includes(coalesce)) {
    fail(`UPSTREAM_COALESCE must be true or false, got "${coalesce}"`);
  }
  return {
    redis: redis(env, int, fail),
    coalesce: coalesce === 'true' || coalesce === '1',
    upstreamCache: {
      maxBytes: int('UPSTREAM_CACHE_MAX_BYTES', 64 * 1024 * 1024, 1024, 2 ** 40),
      maxEntryBytes: int('UPSTREAM_CACHE_MAX_ENTRY_BYTES', 1024 * 1024, 1024, 512 * 1024 * 1024),
      byVendor,
    },
  };
}

function byPath(env: Env, name: string, fail: Fail): CachePolicy['byPath'] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  const shape = `${name} must be a JSON object {"<upstream path, * for one segment>": <TTL in ms>}`;
  const parsed = parseJsonObject(raw) ?? fail(shape);
  return Object.entries(parsed).map(([pattern, ttlMs]) => {
    if (!/^\/[\x21-\x7e]*$/.test(pattern)) fail(`${name}: "${pattern}" must be a path starting with /`);
    if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 0 || ttlMs > 86_400_000) {
      fail(`${name}["${pattern}"] must be an integer TTL from 0 to 86400000 ms`);
    }
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return { pattern, match: new RegExp(`^${source}$`), ttlMs };
  });
}

function redis(
  env: Env,
  int: (name: string, fallback: number, min: number, max: number) => number,
  fail: Fail,
): SharedSettings['redis'] {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail('REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    fail(`REDIS_URL must use redis: or rediss:, got "${url.protocol}"`);
  }
  const keyPrefix = env.REDIS_KEY_PREFIX?.trim() || 'fleetgraph:';
  if (!/^[\x21-\x7e]{1,64}$/.test(keyPrefix)) fail('REDIS_KEY_PREFIX must be 1-64 printable characters');
  return { url: raw, timeoutMs: int('REDIS_TIMEOUT_MS', 100, 1, 60_000), keyPrefix };
}
