/**
 * The cache and Redis settings, and the in-process cache they configure: the `<VENDOR>_<KNOB>` then
 * `UPSTREAM_<KNOB>` pattern, per-path TTLs, the entry size bound, and refusals that name the
 * variable without echoing a Redis password.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { MemoryStore } from '../../src/store/memory.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PODS = '{ pods(first: 2) { nodes { podId name } } }';
const CLUSTERS = '{ clusters(first: 2) { nodes { name } } }';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

describe('cache settings', () => {
  it('are off by default, and read <VENDOR>_ before UPSTREAM_', () => {
    const off = loadConfig({});
    expect(off.redis).toBeUndefined();
    expect(off.coalesce).toBe(true);
    expect(loadConfig({ UPSTREAM_COALESCE: 'false' }).coalesce).toBe(false);
    expect(off.upstreamCache.byVendor.runai).toEqual({ ttlMs: 0, staleMs: 0, byPath: [] });
    const on = loadConfig({
      UPSTREAM_CACHE_TTL_MS: '5000',
      UPSTREAM_CACHE_STALE_MS: '1000',
      RUNAI_CACHE_TTL_MS: '2000',
      GITPOD_CACHE_STALE_MS: '0',
      REDIS_URL: 'redis://:secret-password@127.0.0.1:4790/0',
    });
    expect(on.upstreamCache.byVendor.fireworks).toEqual({ ttlMs: 5000, staleMs: 1000, byPath: [] });
    expect(on.upstreamCache.byVendor.runai).toEqual({ ttlMs: 2000, staleMs: 1000, byPath: [] });
    expect(on.upstreamCache.byVendor.gitpod).toEqual({ ttlMs: 5000, staleMs: 0, byPath: [] });
    expect(on.redis).toEqual({
      url: 'redis://:secret-password@127.0.0.1:4790/0',
      timeoutMs: 100,
      keyPrefix: 'fleetgraph:',
    });
  });

  it.each([
    [{ UPSTREAM_CACHE_TTL_MS: '-1' }, 'UPSTREAM_CACHE_TTL_MS must be between 0 and 86400000, got -1'],
    [{ UPSTREAM_COALESCE: 'sometimes' }, 'UPSTREAM_COALESCE must be true or false, got "sometimes"'],
    [{ RUNAI_CACHE_STALE_MS: 'soon' }, 'RUNAI_CACHE_STALE_MS must be an integer, got "soon"'],
    [{ REDIS_URL: 'http://:hunter2@cache:6379' }, 'REDIS_URL must use redis: or rediss:, got "http:"'],
    [{ REDIS_URL: ':hunter2@nowhere' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [
      { REDIS_URL: 'redis://x', REDIS_TIMEOUT_MS: '0' },
      'REDIS_TIMEOUT_MS must be between 1 and 60000, got 0',
    ],
    [
      { RUNAI_CACHE_TTL_BY_PATH: '[1]' },
      'RUNAI_CACHE_TTL_BY_PATH must be a JSON object {"<upstream path, * for one segment>": <TTL in ms>}',
    ],
    [
      { RUNAI_CACHE_TTL_BY_PATH: '{"/api/v1/workloads/pods": "1s"}' },
      'RUNAI_CACHE_TTL_BY_PATH["/api/v1/workloads/pods"] must be an integer TTL from 0 to 86400000 ms',
    ],
    [
      { FIREWORKS_CACHE_TTL_BY_PATH: '{"clusters": 10}' },
      'FIREWORKS_CACHE_TTL_BY_PATH: "clusters" must be a path starting with /',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });
});

describe('the in-process cache', () => {
  it('answers repeats within the TTL without a vendor call, per path where a TTL says so', async () => {
    gw = await startTestGateway({
      UPSTREAM_CACHE_TTL_MS: '60000',
      RUNAI_CACHE_TTL_BY_PATH: JSON.stringify({ '/api/v1/workloads/pods': 0 }),
    });
    const clusters = await gw.query(CLUSTERS);
    const pods = await gw.query(PODS);
    gw.reset();
    expect(await gw.query(CLUSTERS)).toEqual(clusters);
    expect(await gw.query(PODS)).toEqual(pods);
    // Clusters came from the cache; pods' path has a TTL of 0, so they went to Run:ai again.
    expect(gw.calls()).toEqual({ fireworks: {}, runai: { list_pods: 1 }, gitpod: {} });
  });

  it('does not cache an answer larger than UPSTREAM_CACHE_MAX_ENTRY_BYTES', async () => {
    gw = await startTestGateway({ UPSTREAM_CACHE_TTL_MS: '60000', UPSTREAM_CACHE_MAX_ENTRY_BYTES: '1024' });
    const big = '{ pods(first: 50) { nodes { podId name } } }';
    await gw.query(big);
    await gw.query(CLUSTERS);
    gw.reset();
    await gw.query(big);
    await gw.query(CLUSTERS);
    expect(gw.calls()).toEqual({ fireworks: {}, runai: { list_pods: 1 }, gitpod: {} });
  });

  it('holds no more than its byte bound, evicting the least recently used', async () => {
    const store = new MemoryStore(4096);
    await store.set('a', 'x'.repeat(900), 60_000);
    await store.set('b', 'y'.repeat(900), 60_000);
    await store.get('a');
    await store.set('c', 'z'.repeat(900), 60_000);
    expect(await store.get('a')).toBe('x'.repeat(900));
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('c')).toBe('z'.repeat(900));
  });
});
