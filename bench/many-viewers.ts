/**
 * `npm run bench:viewers`: many people watching the same dashboard. N viewers each run the
 * dashboard query once a second (their ticks spread evenly over the second) for a measured
 * period, alternating between two gateway replicas that share one Redis, over one set of
 * simulators (5 ms ± 1 ms per answer), all as separate processes on 127.0.0.1. For N in
 * BENCH_VIEWERS and each mode:
 *
 * - `no sharing`: UPSTREAM_COALESCE=false, no cache (what a gateway without this layer does);
 * - `coalescing`: coalescing on (the default), no cache;
 * - `TTL 5 s`: coalescing and UPSTREAM_CACHE_TTL_MS=5000 in Redis;
 * - `TTL 5 s + stale 30 s`: the same with UPSTREAM_CACHE_STALE_MS=30000 (refreshes in the background).
 *
 * Each run starts from an empty cache and measures after a warm-up (6 s; quick 3 s). It reports
 * vendor calls per second (from the simulators' statistics), p50 and p99 latency, and checks the
 * target: with the 5 s TTL, calls per second at most 10 % above one dashboard's calls ÷ 5 s
 * whatever N (fewer is allowed: a key expires at the TTL but is only fetched again at the next
 * viewer's tick, so with one viewer a period is closer to 6 s). Then what a cache hit costs: p50 of sequential dashboards answered wholly from the
 * cache, in process and in Redis, against the same dashboard with no cache.
 *
 * Settings: BENCH_QUICK=1 (10 s per run instead of 30), BENCH_VIEWER_SECONDS, BENCH_VIEWERS
 * ("1,10,50"), BENCH_PORT_BASE (4700: replicas +1/+2, simulators +11..+13, Redis +20),
 * BENCH_SIM_SCALE (1). Needs redis-server on the PATH.
 */
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '../test/helpers/redis.js';
import { DEMO_ACCOUNT_ID, DEMO_CREDENTIALS } from '../test/helpers/demo.js';
import { createWorld } from '../src/simulators/world.js';
import {
  assertPortsFree,
  killAllNow,
  spawnNode,
  stopAll,
  stopChild,
  waitUntil,
  type Child,
} from './processes.js';
import { VENDORS, dashboard } from './queries.js';

const env = process.env;
const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
// A multiple of the TTL, so that every run holds the same number of refreshes.
const seconds = Number(env.BENCH_VIEWER_SECONDS ?? (quick ? 10 : 30));
const viewers = (env.BENCH_VIEWERS ?? '1,10,50').split(',').map((n) => Number(n.trim()));
const portBase = Number(env.BENCH_PORT_BASE ?? 4700);
const scale = Number(env.BENCH_SIM_SCALE ?? 1);
if (!(seconds >= 2 && seconds <= 600)) throw new Error('BENCH_VIEWER_SECONDS must be from 2 to 600');
if (viewers.some((n) => !Number.isInteger(n) || n < 1 || n > 500))
  throw new Error('BENCH_VIEWERS must be integers from 1 to 500');
if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_000)
  throw new Error('BENCH_PORT_BASE must be a port from 1024 to 65000');

const TTL_MS = 5000;
const WARMUP_MS = quick ? 3000 : 6000;
const MODES = [
  { name: 'no sharing', env: { UPSTREAM_COALESCE: 'false' } },
  { name: 'coalescing', env: {} },
  { name: `TTL ${TTL_MS / 1000} s`, env: { UPSTREAM_CACHE_TTL_MS: String(TTL_MS) } },
  {
    name: `TTL ${TTL_MS / 1000} s + stale 30 s`,
    env: { UPSTREAM_CACHE_TTL_MS: String(TTL_MS), UPSTREAM_CACHE_STALE_MS: '30000' },
  },
] as const;

const ports = {
  a: portBase + 1,
  b: portBase + 2,
  fireworks: portBase + 11,
  runai: portBase + 12,
  gitpod: portBase + 13,
};
const simUrl = (v: (typeof VENDORS)[number]) => `http://127.0.0.1:${ports[v]}`;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  mode: string;
  viewers: number;
  requests: number;
  failures: number;
  callsPerSecond: number;
  /** Vendor calls per dashboard answered. */
  callsPerDashboard: number;
  p50: number;
  p99: number;
}

async function main(): Promise<void> {
  await assertPortsFree(Object.values(ports));
  // The tests' own redis-server starter (test/helpers/redis.ts), on a free loopback port.
  const redis = await startRedis();
  redisServer = redis;
  const sims = spawnNode('simulators', 'src/simulators/main.ts', {
    SIM_FIREWORKS_PORT: String(ports.fireworks),
    SIM_RUNAI_PORT: String(ports.runai),
    SIM_GITPOD_PORT: String(ports.gitpod),
    SIM_SCALE: String(scale),
    SIM_LATENCY_MS: '4',
    SIM_JITTER_MS: '2',
  });
  await waitUntil(sims, async () => {
    for (const v of VENDORS) if (!(await fetch(`${simUrl(v)}/_sim/stats`)).ok) return false;
    return true;
  });
  const world = createWorld({ seed: 42, scale, accountId: DEMO_ACCOUNT_ID });
  const base = {
    NODE_ENV: 'production',
    // Replicas share one cursor key, as production requires.
    CURSOR_SECRET: 'bench-many-viewers-cursor-secret-0123456789',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    FIREWORKS_BASE_URL: simUrl('fireworks'),
    FIREWORKS_API_KEY: DEMO_CREDENTIALS.fireworks,
    RUNAI_BASE_URL: simUrl('runai'),
    RUNAI_TOKEN: DEMO_CREDENTIALS.runai,
    GITPOD_BASE_URL: simUrl('gitpod'),
    GITPOD_API_KEY: DEMO_CREDENTIALS.gitpod,
    RUNAI_CLUSTER_MAP: JSON.stringify(
      Object.fromEntries(world.clusters.map((c) => [c.id, c.runaiClusterUuid])),
    ),
  };
  const flush = async () => {
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
  };

  const rows: Row[] = [];
  let perDashboard = 0;
  for (const mode of MODES) {
    const replicas = await startReplicas({
      ...base,
      ...mode.env,
      REDIS_URL: redis.url,
    });
    if (perDashboard === 0) {
      await resetSims();
      await post(replicas[0] ?? '', dashboard.query);
      perDashboard = await vendorCalls();
      log(`one dashboard: ${perDashboard} vendor calls`);
    }
    for (const n of viewers) {
      await flush();
      await resetSims();
      const row = await watch(mode.name, n, replicas);
      rows.push(row);
      log(
        `${mode.name}, ${n} viewers: ${row.callsPerSecond.toFixed(1)} calls/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.failures} failures`,
      );
    }
    await stopReplicas(replicas);
  }

  // What a cache hit costs: sequential dashboards on one replica, wholly from the cache or not.
  const hits: { name: string; p50: number }[] = [];
  for (const [name, extra] of [
    ['no cache (every call to the vendors)', {}],
    ['in-process cache, all hits', { UPSTREAM_CACHE_TTL_MS: '600000' }],
    ['Redis cache, all hits', { UPSTREAM_CACHE_TTL_MS: '600000', REDIS_URL: redis.url }],
  ] as const) {
    await flush();
    const pair = await startReplicas({ ...base, ...extra });
    const replica = pair[0] ?? '';
    await post(replica, dashboard.query);
    const times: number[] = [];
    for (let i = 0; i < (quick ? 100 : 300); i += 1) times.push((await post(replica, dashboard.query)).ms);
    hits.push({ name, p50: percentile(times, 0.5) });
    await stopReplicas(pair);
  }

  await stopChild(sims);
  await redis.stop();
  print(rows, perDashboard, hits);
}

/** Runs `n` viewers for the measured period and reads the vendor calls they caused. */
async function watch(mode: string, n: number, replicas: string[]): Promise<Row> {
  let times: number[] = [];
  let failures = 0;
  const started = performance.now();
  // The first seconds fill the cache from cold: the measured period is the steady state after them.
  const measuredFrom = started + WARMUP_MS;
  const end = measuredFrom + seconds * 1000;
  const warmup = sleep(WARMUP_MS).then(async () => {
    await resetSims();
    times = [];
    failures = 0;
  });
  const viewer = async (i: number) => {
    // Viewers' ticks are spread evenly over the second, as unsynchronised dashboards are.
    let tick = started + (i * 1000) / n;
    while (tick < end) {
      await sleep(tick - performance.now());
      try {
        const { ms, ok } = await post(replicas[i % replicas.length] ?? '', dashboard.query);
        if (ok) times.push(ms);
        else failures += 1;
      } catch {
        failures += 1;
      }
      // A viewer whose answer took longer than a second skips the ticks it missed.
      while (tick <= performance.now()) tick += 1000;
    }
  };
  await Promise.all([warmup, ...Array.from({ length: n }, (_, i) => viewer(i))]);
  const elapsed = (performance.now() - measuredFrom) / 1000;
  const calls = await vendorCalls();
  return {
    mode,
    viewers: n,
    requests: times.length + failures,
    failures,
    callsPerSecond: calls / elapsed,
    callsPerDashboard: calls / Math.max(1, times.length + failures),
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
  };
}

async function post(url: string, query: string): Promise<{ ms: number; ok: boolean }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  return { ms: performance.now() - t0, ok: res.ok && !body.errors };
}

async function startReplicas(extra: Record<string, string>): Promise<string[]> {
  const urls: string[] = [];
  for (const [name, port] of [
    ['replica A', ports.a],
    ['replica B', ports.b],
  ] as const) {
    const child = spawnNode(name, 'src/main.ts', { ...extra, PORT: String(port) });
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitUntil(child, async () => (await post(url, '{ __typename }')).ok);
    running.set(url, child);
    urls.push(url);
  }
  return urls;
}

const running = new Map<string, Child>();
async function stopReplicas(urls: string[]): Promise<void> {
  await Promise.all(
    urls.map(async (url) => {
      const child = running.get(url);
      running.delete(url);
      if (child) await stopChild(child);
    }),
  );
}

async function resetSims(): Promise<void> {
  await Promise.all(VENDORS.map((v) => fetch(`${simUrl(v)}/_sim/reset`, { method: 'POST' })));
}

async function vendorCalls(): Promise<number> {
  let total = 0;
  for (const v of VENDORS) {
    const stats = (await (await fetch(`${simUrl(v)}/_sim/stats`)).json()) as {
      operations: Record<string, number>;
    };
    total += Object.values(stats.operations).reduce((a, b) => a + b, 0);
  }
  return total;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function print(rows: Row[], perDashboard: number, hits: { name: string; p50: number }[]): void {
  const target = perDashboard / (TTL_MS / 1000);
  const out: string[] = [];
  out.push(
    `## Many viewers: ${seconds} s per run, two replicas sharing Redis, one dashboard = ${perDashboard} vendor calls`,
  );
  out.push('');
  out.push(
    '| mode | viewers | dashboards | failures | vendor calls/s | calls per dashboard | p50 ms | p99 ms |',
  );
  out.push(
    '| ---- | ------: | ---------: | -------: | -------------: | ------------------: | -----: | -----: |',
  );
  for (const r of rows) {
    out.push(
      `| ${r.mode} | ${r.viewers} | ${r.requests} | ${r.failures} | ${r.callsPerSecond.toFixed(1)} | ${r.callsPerDashboard.toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
    );
  }
  out.push('');
  const ttlRows = rows.filter((r) => r.mode === `TTL ${TTL_MS / 1000} s`);
  const worst = Math.max(...ttlRows.map((r) => (r.callsPerSecond - target) / target));
  out.push(
    `Target with the ${TTL_MS / 1000} s TTL: at most ${target.toFixed(1)} calls/s (${perDashboard} ÷ ${TTL_MS / 1000} s) + 10 %, whatever N: ` +
      `${ttlRows.map((r) => `${r.viewers} → ${((r.callsPerSecond / target) * 100).toFixed(0)} %`).join(', ')} of it → ` +
      `${worst <= 0.1 ? 'met' : 'missed'}.`,
  );
  out.push('');
  out.push('| sequential dashboards, one replica | p50 ms |');
  out.push('| ---------------------------------- | -----: |');
  for (const h of hits) out.push(`| ${h.name} | ${h.p50.toFixed(2)} |`);
  const memory = hits[1]?.p50 ?? Number.NaN;
  const shared = hits[2]?.p50 ?? Number.NaN;
  out.push('');
  out.push(
    `Redis hits against in-process hits: ${(shared - memory).toFixed(2)} ms on p50 (target ≤ 2 ms) → ${shared - memory <= 2 ? 'met' : 'missed'}.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

let redisServer: TestRedis | undefined;
process.once('exit', () => {
  killAllNow();
  void redisServer?.kill();
});
main().catch(async (error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exit(1);
});
