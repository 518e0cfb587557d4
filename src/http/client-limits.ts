/**
 * Per-client limits of the gateway: requests per second (`CLIENT_RATE_LIMIT`, with a burst
 * `CLIENT_RATE_BURST`), vendor calls per second (`CLIENT_CALL_RATE_LIMIT`), and a throttle on
 * repeated authentication failures from one address (`AUTH_FAILURE_LIMIT` per minute). A client
 * is its API key's fingerprint when gateway keys are on, else its address.
 *
 * Contract: every refusal is HTTP 429 with `Retry-After` (seconds) and one error whose code is
 * RATE_LIMITED and whose `extensions` repeat `retryAfter` and the variable of the limit; nothing
 * reaches Apollo or a vendor. The counters live in rate-limiter-flexible limiters made by
 * `LimiterFactory`: in memory by default, per replica; another store (e.g. its RateLimiterRedis)
 * can be passed in to share them between replicas.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { presentedKey } from '../auth.js';
import type { ClientLimitsConfig } from '../config.js';

/** Makes one limiter; swap it for a shared store (Redis) to count across replicas. */
export type LimiterFactory = (options: IRateLimiterOptions) => RateLimiterAbstract;

const inMemory: LimiterFactory = (options) => new RateLimiterMemory(options);

/** Who a request comes from, for the per-client limits and the logs (never the key itself). */
export interface Client {
  /** `key:<sha-256 prefix>` of a valid API key, or `address:<ip>`. */
  id: string;
  address: string;
}

/** Returns the client of a request: its key's fingerprint when keys are on, else its address. */
export function clientOf(req: IncomingMessage, keysOn: boolean): Client {
  const address = req.socket.remoteAddress ?? 'unknown';
  const key = keysOn ? presentedKey(req.headers) : undefined;
  return { id: key ? `key:${keyFingerprint(key)}` : `address:${address}`, address };
}

/** The first 16 hex digits of a key's SHA-256: names a key in logs and limits without revealing it. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The per-client limiters of one gateway process. */
export class ClientLimits {
  private readonly requests: BurstyRateLimiter | undefined;
  private readonly calls: RateLimiterAbstract | undefined;
  private readonly authFailures: RateLimiterAbstract | undefined;

  constructor(
    private readonly config: ClientLimitsConfig,
    private readonly logger: Logger,
    makeLimiter: LimiterFactory = inMemory,
  ) {
    if (config.requestsPerSecond > 0) {
      this.requests = new BurstyRateLimiter(
        makeLimiter({ keyPrefix: 'req', points: config.requestsPerSecond, duration: 1 }),
        makeLimiter({ keyPrefix: 'burst', points: Math.max(1, config.burst), duration: 10 }),
      );
    }
    if (config.callsPerSecond > 0) {
      // Counted over 10 s, so one request that costs many calls is carried into the next seconds.
      this.calls = makeLimiter({ keyPrefix: 'calls', points: config.callsPerSecond * 10, duration: 10 });
    }
    if (config.authFailuresPerMinute > 0) {
      this.authFailures = makeLimiter({
        keyPrefix: 'auth',
        points: config.authFailuresPerMinute,
        duration: 60,
      });
    }
  }

  /**
   * Refuses (429, returns true) an address that failed authentication too often in the last
   * minute; checked before its key, so guessing stops costing even a comparison.
   */
  async refuseThrottledAddress(client: Client, res: ServerResponse, reqId: string): Promise<boolean> {
    if (!this.authFailures) return false;
    const state = await this.authFailures.get(client.address);
    if (!state || state.remainingPoints > 0) return false;
    this.logger.warn(
      { reqId, clientAddress: client.address, retryAfterMs: state.msBeforeNext },
      'authentication throttled: too many failed keys from this address',
    );
    sendRateLimited(
      res,
      state.msBeforeNext,
      `Too many failed authentications from this address; retry after the time in Retry-After.`,
      'AUTH_FAILURE_LIMIT',
    );
    return true;
  }

  /** Counts one failed authentication of the client's address. */
  async recordAuthFailure(client: Client): Promise<void> {
    await this.authFailures?.penalty(client.address, 1);
  }

  /**
   * Refuses (429, returns true) a client over its request rate, or whose vendor calls of the last
   * seconds are over its call rate; otherwise counts the request.
   */
  async refuseOverRate(client: Client, res: ServerResponse, reqId: string): Promise<boolean> {
    if (this.calls) {
      const state = await this.calls.get(client.id);
      if (state && state.remainingPoints <= 0) {
        this.refused(reqId, client, 'CLIENT_CALL_RATE_LIMIT', state.msBeforeNext);
        sendRateLimited(
          res,
          state.msBeforeNext,
          `This client made more than ${this.config.callsPerSecond} vendor calls per second ` +
            '(CLIENT_CALL_RATE_LIMIT); retry after the time in Retry-After, or ask for less per request.',
          'CLIENT_CALL_RATE_LIMIT',
        );
        return true;
      }
    }
    if (!this.requests) return false;
    try {
      await this.requests.consume(client.id);
      return false;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      this.refused(reqId, client, 'CLIENT_RATE_LIMIT', error.msBeforeNext);
      sendRateLimited(
        res,
        error.msBeforeNext,
        `This client sent more than ${this.config.requestsPerSecond} requests per second ` +
          `(CLIENT_RATE_LIMIT, burst CLIENT_RATE_BURST); retry after the time in Retry-After.`,
        'CLIENT_RATE_LIMIT',
      );
      return true;
    }
  }

  /** Charges the vendor calls one request made to its client's call rate. */
  async chargeCalls(client: Client, calls: number): Promise<void> {
    if (this.calls && calls > 0) await this.calls.penalty(client.id, calls);
  }

  private refused(reqId: string, client: Client, limit: string, retryAfterMs: number): void {
    this.logger.info({ reqId, client: client.id, limit, retryAfterMs }, 'request refused: client rate limit');
  }
}

function sendRateLimited(res: ServerResponse, msBeforeNext: number, message: string, limit: string): void {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const text = JSON.stringify({
    errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfter, limit } }],
  });
  res.writeHead(429, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'retry-after': String(retryAfter),
  });
  res.end(text);
}

/**
 * Returns a factory of limiters that count in Redis, shared by every replica: when Redis does not
 * answer, each limiter falls back to an in-memory one (per replica) rather than refusing or
 * letting everything through.
 */
export function redisLimiters(redis: Redis, keyPrefix: string): LimiterFactory {
  return (options) =>
    new RateLimiterRedis({
      ...options,
      storeClient: redis,
      keyPrefix: `${keyPrefix}rl:${options.keyPrefix ?? ''}`,
      // The client does not queue commands while Redis is down: fail over at once.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}
