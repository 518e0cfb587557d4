/**
 * The state the gateway's replicas share, made once per process: the store (in process, or Redis
 * when `REDIS_URL` is set), the shared upstream access of every vendor over it (coalescing and the
 * response cache), and the persisted-query cache Apollo is given when Redis is there.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { Coalescer } from '../upstream/coalesce.js';
import type { UpstreamPool } from '../upstream/http.js';
import { SharedUpstream, type SharedLogger } from '../upstream/shared.js';
import { MemoryStore } from './memory.js';
import { RedisStore, StoreKeyValueCache, connectRedis, type StoreLogger } from './redis.js';
import type { SharedStore } from './store.js';

/** What `createSharedState` makes. */
export interface SharedState<Id extends string> {
  store: SharedStore;
  /** The ioredis client when `REDIS_URL` is set (for other replica state, e.g. rate limiters). */
  redis: Redis | undefined;
  /** The shared upstream access of each vendor, by vendor id. */
  upstreams: Record<Id, SharedUpstream>;
  /** Apollo's persisted-query cache over Redis; undefined keeps Apollo's in-process default. */
  apolloCache: StoreKeyValueCache | undefined;
  /** What /readyz says of Redis: absent without `REDIS_URL`. */
  readiness(): { redis?: 'ok' | 'unavailable' };
  close(): Promise<void>;
}

/** Given the configuration and each vendor's pool, connects the shared state (see the file comment). */
export async function createSharedState<Id extends string>(
  config: Config,
  pools: Record<Id, UpstreamPool>,
  logger: StoreLogger & SharedLogger,
): Promise<SharedState<Id>> {
  const redis = config.redis ? await connectRedis(config.redis, logger) : undefined;
  const store: SharedStore =
    redis && config.redis
      ? new RedisStore(redis, config.redis, logger)
      : new MemoryStore(config.upstreamCache.maxBytes);
  const coalescer = new Coalescer();
  const upstreams = Object.fromEntries(
    (Object.entries(pools) as [Id, UpstreamPool][]).map(([id, pool]) => [
      id,
      new SharedUpstream(pool, {
        policy: config.upstreamCache.byVendor[id] ?? { ttlMs: 0, staleMs: 0, byPath: [] },
        store,
        maxEntryBytes: config.upstreamCache.maxEntryBytes,
        coalescer,
        coalesce: config.coalesce,
        refreshDeadlineMs: config.requestDeadlineMs,
        logger,
      }),
    ]),
  ) as Record<Id, SharedUpstream>;
  return {
    store,
    redis,
    upstreams,
    apolloCache: redis ? new StoreKeyValueCache(store) : undefined,
    readiness: () => (redis ? { redis: store.state() } : {}),
    close: () => store.close(),
  };
}
