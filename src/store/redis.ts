/**
 * Redis, when `REDIS_URL` is set: one ioredis client per process, the store replicas share
 * (`RedisStore`), and the adapter that gives Apollo's persisted-query cache the same Redis.
 *
 * Redis is an optimisation, never a dependency: commands are not queued while it is unreachable
 * and are cut after `REDIS_TIMEOUT_MS`, every failure reads as a miss, and the client reconnects
 * in the background. The log says when Redis goes and comes back (once per transition, and at most
 * one failed-command line per 10 s), never its URL, which may hold a password.
 */
import { Redis } from 'ioredis';
import type { SharedSettings } from './settings.js';
import type { SharedStore } from './store.js';

/** Where the store reports Redis going and coming back (the gateway's logger). */
export interface StoreLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** The Redis settings of the configuration. */
export type RedisSettings = NonNullable<SharedSettings['redis']>;

/**
 * Returns a connected ioredis client for `settings` (resolves once it is ready, or after the
 * connect timeout with the client still reconnecting in the background). Other replica state
 * (the per-client rate limiters: rate-limiter-flexible's `RateLimiterRedis` with
 * `storeClient: client` and a `RateLimiterMemory` insurance limiter) takes this same client.
 */
export async function connectRedis(settings: RedisSettings, logger: StoreLogger): Promise<Redis> {
  const client = new Redis(settings.url, {
    commandTimeout: settings.timeoutMs,
    connectTimeout: Math.max(1000, settings.timeoutMs),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnect forever, backing off to once a second: Redis coming back is picked up on its own.
    retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    lazyConnect: true,
  });
  const where = redisAddress(settings.url);
  let up = false;
  client.on('ready', () => {
    up = true;
    logger.info({ redis: where }, 'redis connected: cache and persisted queries are shared by replicas');
  });
  client.on('error', () => {
    // ioredis emits an error per failed reconnect; one line per outage is enough.
    if (!up) return;
    up = false;
    logger.warn({ redis: where }, 'redis unavailable: serving straight from the vendors until it is back');
  });
  client.on('close', () => {
    if (!up) return;
    up = false;
    logger.warn({ redis: where }, 'redis unavailable: serving straight from the vendors until it is back');
  });
  try {
    await client.connect();
  } catch {
    logger.warn(
      { redis: where },
      'redis not reachable at start: serving straight from the vendors until it is',
    );
  }
  return client;
}

/** The store every replica on one Redis shares; see the file contract. */
export class RedisStore implements SharedStore {
  readonly kind = 'redis';
  private lastFailureLog = 0;

  constructor(
    private readonly client: Redis,
    private readonly settings: RedisSettings,
    private readonly logger: StoreLogger,
  ) {}

  async get(key: string): Promise<string | undefined> {
    if (!this.ready()) return undefined;
    try {
      return (await this.client.get(this.settings.keyPrefix + key)) ?? undefined;
    } catch (error) {
      this.failed('get', error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (!this.ready()) return;
    try {
      await this.client.set(this.settings.keyPrefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    } catch (error) {
      this.failed('set', error);
    }
  }

  async delete(key: string): Promise<void> {
    if (!this.ready()) return;
    try {
      await this.client.del(this.settings.keyPrefix + key);
    } catch (error) {
      this.failed('delete', error);
    }
  }

  async lock(key: string, ttlMs: number): Promise<boolean> {
    if (!this.ready()) return true;
    try {
      const taken = await this.client.set(
        `${this.settings.keyPrefix}lock:${key}`,
        '1',
        'PX',
        Math.max(1, Math.ceil(ttlMs)),
        'NX',
      );
      return taken === 'OK';
    } catch (error) {
      this.failed('lock', error);
      return true;
    }
  }

  async unlock(key: string): Promise<void> {
    await this.delete(`lock:${key}`);
  }

  state(): 'ok' | 'unavailable' {
    return this.ready() ? 'ok' : 'unavailable';
  }

  async close(): Promise<void> {
    // A shutdown is not an outage: no "redis unavailable" line for it.
    this.client.removeAllListeners('close');
    this.client.removeAllListeners('error');
    this.client.on('error', () => undefined);
    this.client.disconnect();
    return Promise.resolve();
  }

  private ready(): boolean {
    return this.client.status === 'ready';
  }

  private failed(command: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = now;
    this.logger.warn(
      {
        redis: redisAddress(this.settings.url),
        command,
        reason: error instanceof Error ? error.message : String(error),
      },
      'redis command failed or timed out: answered from the vendors instead',
    );
  }
}

/**
 * Apollo's `KeyValueCache` over a store, for the automatic persisted queries: with Redis, a query
 * registered on one replica is known to all. A failure reads as a miss, so the client resends the
 * full query (Apollo's PERSISTED_QUERY_NOT_FOUND), never an error. Structurally Apollo's
 * `KeyValueCache<string>`, so no import of Apollo's utility package is needed.
 */
export class StoreKeyValueCache {
  constructor(
    private readonly store: SharedStore,
    /** TTL when Apollo gives none. */
    private readonly defaultTtlMs = 24 * 3_600_000,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.store.get(`apq:${key}`);
  }

  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const ttlMs = options?.ttl ? options.ttl * 1000 : this.defaultTtlMs;
    return this.store.set(`apq:${key}`, value, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    await this.store.delete(`apq:${key}`);
    return true;
  }
}

/** host:port of a Redis URL, without its user name or password (for logs). */
function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'redis';
  }
}
