/**
 * Two gateway replicas sharing one real Redis (redis-server on a free loopback port) over one set
 * of simulators: the upstream cache and persisted queries are shared, tenants are not, stale
 * answers are served within their bound and flagged, and a Redis that dies costs vendor calls,
 * never answers.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dashboard } from '../../bench/queries.js';
import { DEMO_CREDENTIALS } from '../helpers/demo.js';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startReplica, type Replica } from '../helpers/replica.js';

let redis: TestRedis;
let a: TestGateway | undefined;
let b: Replica | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  await client.flushall();
  client.disconnect();
});
afterEach(async () => {
  await b?.stop();
  await a?.stop();
  a = undefined;
  b = undefined;
});

/**
 * Starts replica A (with the simulators) and replica B over them, both with `env` and the Redis.
 * The Redis timeout is long: on a loaded test machine the default 100 ms would let a slow command
 * read as a miss (correct, but another vendor call the exact counts below would see).
 */
async function replicas(env: Record<string, string>): Promise<[TestGateway, Replica]> {
  const shared = { REDIS_URL: redis.url, REDIS_TIMEOUT_MS: '2000', ...env };
  a = await startTestGateway(shared);
  b = await startReplica(a, shared);
  return [a, b];
}

type Cost = { actualUpstreamCalls: number; sharedUpstreamCalls?: number; cachedUpstreamCalls?: number };
const costOf = (r: GraphQLResponse) => r.extensions?.cost as Cost;
const total = (calls: Record<string, Record<string, number>>) =>
  Object.values(calls).reduce((n, ops) => n + Object.values(ops).reduce((x, y) => x + y, 0), 0);
const NO_CALLS = { fireworks: {}, runai: {}, gitpod: {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PODS = '{ pods(first: 2) { nodes { podId name } } }';

describe('the shared upstream cache', () => {
  it('answers a dashboard on replica B from what replica A fetched within the TTL', async () => {
    const [gwA, gwB] = await replicas({ UPSTREAM_CACHE_TTL_MS: '60000' });
    const first = await gwA.post({ query: dashboard.query });
    expect(first.errors).toBeUndefined();
    const calls = total(gwA.calls());
    expect(costOf(first).actualUpstreamCalls).toBe(calls);
    gwA.reset();
    const second = await gwB.post({ query: dashboard.query });
    expect(gwA.calls()).toEqual(NO_CALLS);
    expect(second.data).toEqual(first.data);
    expect(costOf(second).actualUpstreamCalls).toBe(0);
    expect(costOf(second).cachedUpstreamCalls).toBe(calls);
    expect(second.extensions?.stale).toBeUndefined();
    // Keys and values hold a hash of each credential's identity, never a credential.
    const client = new Redis(redis.url);
    const keys = await client.keys('*');
    const stored = [...keys, ...((await client.mget(...keys)) as string[])].join('\n');
    client.disconnect();
    expect(keys.length).toBeGreaterThan(0);
    for (const secret of Object.values(DEMO_CREDENTIALS)) expect(stored).not.toContain(secret);
  });

  it('sends one set of vendor calls for 20 identical dashboards at once across both replicas', async () => {
    const [gwA, gwB] = await replicas({ UPSTREAM_CACHE_TTL_MS: '60000' });
    await gwA.post({ query: dashboard.query });
    const oneSet = gwA.calls();
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
    gwA.reset();
    const slow = { latencyMs: 1000 };
    gwA.faults('fireworks', { ListClusters: slow, ListNodePools: slow, ListBatchJobs: slow });
    gwA.faults('runai', { list_pods: slow, count_pods: slow });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? gwB.post({ query: dashboard.query }) : gwA.post({ query: dashboard.query }),
      ),
    );
    expect(gwA.calls()).toEqual(oneSet);
    for (const answer of answers) expect(answer.data).toEqual(answers[0]?.data);
    expect(answers.reduce((n, r) => n + costOf(r).actualUpstreamCalls, 0)).toBe(total(oneSet));
  });

  it('never serves one credential what another fetched', async () => {
    const [gwA, gwB] = await replicas({ UPSTREAM_CACHE_TTL_MS: '60000' });
    const own = await gwA.query<{ pods: { nodes: unknown[] } }>(PODS);
    expect(own.data?.pods.nodes).toHaveLength(2);
    gwA.reset();
    const other = await gwB.post({ query: PODS }, { 'x-runai-token': 'another-tenant-token-0002' });
    expect(other.data).toEqual({ pods: null });
    expect(other.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      upstream: 'runai',
      upstreamStatus: 401,
    });
    expect(gwA.calls().runai).toEqual({ list_pods: 1 });
    expect(gwA.requests('runai')[0]?.credential).toBe('****0002');
  });

  it('keeps paging exact: a cached page and its cursor agree', async () => {
    const [gwA, gwB] = await replicas({ UPSTREAM_CACHE_TTL_MS: '60000' });
    const whole = await gwA.query<{ pods: { nodes: unknown[] } }>(
      '{ pods(first: 9) { nodes { podId name } } }',
    );
    const walk = async (post: (body: unknown) => Promise<GraphQLResponse>) => {
      const pages: unknown[] = [];
      let after: string | null = null;
      for (let i = 0; i < 3; i += 1) {
        const page = (await post({
          query:
            'query($after: String) { pods(first: 3, after: $after) { nodes { podId name } pageInfo { endCursor } } }',
          variables: { after },
        })) as GraphQLResponse<{ pods: { nodes: unknown[]; pageInfo: { endCursor: string } } }>;
        pages.push(...(page.data?.pods.nodes ?? []));
        after = page.data?.pods.pageInfo.endCursor ?? null;
      }
      return pages;
    };
    const fromA = await walk((body) => gwA.post(body));
    gwA.reset();
    const fromB = await walk((body) => gwB.post(body));
    expect(gwA.calls()).toEqual(NO_CALLS);
    expect(fromA).toEqual(whole.data?.pods.nodes);
    expect(fromB).toEqual(fromA);
  });
});

describe('stale answers', () => {
  const env = { UPSTREAM_CACHE_TTL_MS: '300', UPSTREAM_CACHE_STALE_MS: '1500', UPSTREAM_MAX_ATTEMPTS: '1' };

  it('serves a stale answer at once, flagged, and refreshes it in the background', async () => {
    const [gwA, gwB] = await replicas(env);
    const fresh = await gwA.query(PODS);
    const path = gwA.requests('runai')[0]?.path;
    gwA.reset();
    await sleep(400);
    const stale = await gwB.post({ query: PODS });
    expect(stale.data).toEqual(fresh.data);
    expect(stale.extensions?.stale).toEqual([
      { upstream: 'runai', request: `GET ${path}`, ageMs: expect.any(Number) as number },
    ]);
    const [entry] = stale.extensions?.stale as { ageMs: number }[];
    expect(entry?.ageMs).toBeGreaterThanOrEqual(400);
    expect(entry?.ageMs).toBeLessThanOrEqual(1800);
    await sleep(200);
    expect(gwA.calls().runai).toEqual({ list_pods: 1 });
    gwA.reset();
    const refreshed = await gwA.post({ query: PODS });
    expect(refreshed.extensions?.stale).toBeUndefined();
    expect(costOf(refreshed).cachedUpstreamCalls).toBe(1);
    expect(gwA.calls()).toEqual(NO_CALLS);
  });

  it('serves it through 5xx while within the bound, flagged, and not past it', async () => {
    const [gwA, gwB] = await replicas(env);
    const fresh = await gwA.query(PODS);
    gwA.faults('runai', { list_pods: { status: 503 } });
    await sleep(400);
    for (const replica of [(body: unknown) => gwA.post(body), (body: unknown) => gwB.post(body)]) {
      const stale = await replica({ query: PODS });
      expect(stale.errors).toBeUndefined();
      expect(stale.data).toEqual(fresh.data);
      expect((stale.extensions?.stale as unknown[]).length).toBe(1);
      await sleep(300);
    }
    await sleep(1500);
    const past = await gwB.post({ query: PODS });
    expect(past.data).toEqual({ pods: null });
    expect(past.errors?.[0]?.extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: 'runai',
      upstreamStatus: 503,
    });
    expect(past.extensions?.stale).toBeUndefined();
  });
});

describe('state beyond the cache', () => {
  it('shares automatic persisted queries between replicas', async () => {
    const [gwA, gwB] = await replicas({});
    const sha256Hash = createHash('sha256').update(PODS).digest('hex');
    const persisted = { persistedQuery: { version: 1, sha256Hash } };
    const unknown = await gwB.post({ extensions: persisted });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await gwA.query(PODS);
    const viaA = await gwA.post({ query: PODS, extensions: persisted });
    expect(viaA.data).toEqual(registered.data);
    const viaB = await gwB.post({ extensions: persisted });
    expect(viaB.errors).toBeUndefined();
    expect(viaB.data).toEqual(registered.data);
  });

  it('counts a client’s requests across replicas: CLIENT_RATE_LIMIT holds for the fleet, not per replica', async () => {
    // 2 requests a second plus a burst of 1 (per 10 s): 3 within a second, whichever replica.
    const [gwA, gwB] = await replicas({ CLIENT_RATE_LIMIT: '2', CLIENT_RATE_BURST: '1' });
    const statuses: number[] = [];
    for (const gw of [gwA, gwB, gwA, gwB, gwA, gwB]) {
      statuses.push((await gw.post({ query: '{ __typename }' })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const counters = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const keys = await counters.keys('fleetgraph:rl:*');
    counters.disconnect();
    expect(keys.length).toBeGreaterThan(0);
  });

  it('treats a Redis slower than REDIS_TIMEOUT_MS as a miss and answers from the vendors', async () => {
    const [gwA] = await replicas({ UPSTREAM_CACHE_TTL_MS: '60000', REDIS_TIMEOUT_MS: '100' });
    const before = await gwA.query(PODS);
    gwA.reset();
    const client = new Redis(redis.url);
    const asleep = client.call('DEBUG', 'SLEEP', '2');
    await sleep(50);
    const started = Date.now();
    const during = await gwA.query(PODS);
    const ms = Date.now() - started;
    await asleep;
    client.disconnect();
    expect(during).toEqual(before);
    expect(gwA.calls().runai).toEqual({ list_pods: 1 });
    expect(ms).toBeLessThan(1500);
  });

  it('keeps answering when Redis dies mid-run, from the vendors, and says so', async () => {
    const [gwA, gwB] = await replicas({ UPSTREAM_CACHE_TTL_MS: '60000' });
    const before = await gwA.query(PODS);
    expect((await readyz(gwA.url)).redis).toBe('ok');
    expect(await redisUp(gwA.url)).toBe('fleetgraph_redis_up 1');
    await redis.kill();
    gwA.reset();
    for (const post of [(body: unknown) => gwA.post(body), (body: unknown) => gwB.post(body)]) {
      for (let i = 0; i < 3; i += 1) {
        const answer = await post({ query: PODS });
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual(before.data);
      }
    }
    // Without the shared cache each answer came from the vendor.
    expect(gwA.calls().runai).toEqual({ list_pods: 6 });
    expect(await readyz(gwA.url)).toEqual({
      status: 'ok',
      upstreams: { fireworks: 'closed', runai: 'closed', gitpod: 'closed' },
      redis: 'unavailable',
    });
    expect(gwB.log()).toContain('redis unavailable: serving straight from the vendors');
    expect(await redisUp(gwA.url)).toBe('fleetgraph_redis_up 0');
    await redis.restart();
    const deadline = Date.now() + 5_000;
    while ((await readyz(gwA.url)).redis !== 'ok' && Date.now() < deadline) await sleep(50);
    expect((await readyz(gwA.url)).redis).toBe('ok');
  });
});

/** The `fleetgraph_redis_up` sample of a gateway's /metrics. */
async function redisUp(url: string): Promise<string | undefined> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return text.split('\n').find((line) => line.startsWith('fleetgraph_redis_up '));
}

async function readyz(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(new URL('/readyz', url))).json()) as Record<string, unknown>;
}
