/**
 * `npm run bench:live`: live updates under load, the gateway (`src/main.ts`, demo mode, a still
 * world) as a separate process, its subscribers in this one.
 *
 * For 1, 100 and 1000 WebSocket subscribers (one connection each) on one filter, it measures:
 * the Fireworks calls per poll interval (from the simulator's `/_sim/stats`, which must not grow
 * with the subscribers), the delay from a `/_sim/mutate` to each subscriber's event (target: at
 * most one interval + 200 ms), and the gateway's resident memory per idle subscription. Then it
 * closes every subscriber and checks the vendor calls stop. Memory per idle subscription is
 * measured apart: a gateway in this process (run with --expose-gc) and 1000 idle subscribers in
 * another (bench/live-clients.ts), the heap compared after a full GC before and after they join.
 *
 * Settings (environment): BENCH_LIVE_POLL_MS (1000), BENCH_LIVE_COUNTS ("1,100,1000"),
 * BENCH_LIVE_PORT_BASE (4540: gateway +1, simulators +11..+13), BENCH_LIVE_INTERVALS (5).
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { startGateway } from '../src/server.js';
import { spawnNode, stopAll, stopChild, waitUntil } from './processes.js';

const POLL_MS = Number(process.env.BENCH_LIVE_POLL_MS ?? 1000);
const COUNTS = (process.env.BENCH_LIVE_COUNTS ?? '1,100,1000').split(',').map(Number);
const BASE = Number(process.env.BENCH_LIVE_PORT_BASE ?? 4540);
const INTERVALS = Number(process.env.BENCH_LIVE_INTERVALS ?? 5);
const GATEWAY = `http://127.0.0.1:${BASE + 1}/graphql`;
const FIREWORKS = `http://127.0.0.1:${BASE + 11}`;
const QUERY =
  'subscription { batchJobEvents(filter: { states: [RUNNING] }) { kind changedFields node { name state } } }';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sim = async (path: string, body?: unknown) =>
  (await (
    await fetch(
      `${FIREWORKS}${path}`,
      body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
    )
  ).json()) as Record<string, unknown>;
const listCalls = async () =>
  ((await sim('/_sim/stats')).operations as Record<string, number>).ListBatchJobs ?? 0;

async function main(): Promise<void> {
  const gateway = spawnNode('Fleetgraph', 'src/main.ts', {
    PORT: String(BASE + 1),
    HOST: '127.0.0.1',
    SIM_FIREWORKS_PORT: String(BASE + 11),
    SIM_RUNAI_PORT: String(BASE + 12),
    SIM_GITPOD_PORT: String(BASE + 13),
    SIM_EVOLVE_MS: '0',
    FIREWORKS_POLL_MS: String(POLL_MS),
    MAX_SUBSCRIPTIONS_PER_CLIENT: '100000',
    LOG_LEVEL: 'warn',
  });
  await waitUntil(gateway, async () => (await fetch(GATEWAY.replace('/graphql', '/readyz'))).ok);
  const jobs = (await (
    await fetch(GATEWAY, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ batchJobs(first: 20, filter: { states: [PENDING] }) { nodes { name } } }',
      }),
    })
  ).json()) as { data: { batchJobs: { nodes: { name: string }[] } } };
  const pending = jobs.data.batchJobs.nodes.map((n) => n.name);
  const rows: string[] = [];
  for (const [round, n] of COUNTS.entries()) {
    const arrivals: number[] = [];
    const clients: Client[] = [];
    let connected = 0;
    for (let i = 0; i < n; i++) {
      const client = createClient({
        url: GATEWAY.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { connected: () => void connected++ },
      });
      client.subscribe(
        { query: QUERY },
        { next: () => void arrivals.push(Date.now()), error: () => undefined, complete: () => undefined },
      );
      clients.push(client);
    }
    while (connected < n) await sleep(10);
    // Every subscriber joins the one poller after its baseline: two intervals are plenty.
    await sleep(2 * POLL_MS + 500);
    // Start the window right after a poll: the next INTERVALS polls fall inside it, no more.
    const before = await listCalls();
    while ((await listCalls()) === before) await sleep(10);
    await sim('/_sim/reset', {});
    await sleep(INTERVALS * POLL_MS + POLL_MS / 2);
    const calls = await listCalls();
    const mutatedAt = Date.now();
    await sim('/_sim/mutate', { batchJob: pending[round], set: { state: 'RUNNING' } });
    const deadline = Date.now() + 10 * POLL_MS;
    while (arrivals.length < n && Date.now() < deadline) await sleep(5);
    const delays = arrivals.map((t) => t - mutatedAt).sort((a, b) => a - b);
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
    rows.push(
      `| ${n} | ${(calls / INTERVALS).toFixed(2)} | ${arrivals.length}/${n} | ${p(0.5)} | ${delays.at(-1) ?? NaN} |`,
    );
    await Promise.all(clients.map((c) => c.dispose()));
    // The gateway sees 1000 sockets close a little after the clients do: leave it two intervals.
    await sleep(2 * POLL_MS);
  }
  await sim('/_sim/reset', {});
  await sleep(3 * POLL_MS);
  const after = await listCalls();
  console.log(
    `poll interval ${POLL_MS} ms, calls averaged over ${INTERVALS} intervals, delay target ≤ ${POLL_MS + 200} ms\n`,
  );
  console.log(
    '| subscribers | ListBatchJobs per interval | events received | delay p50 (ms) | delay max (ms) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
  console.log(`\nafter every subscriber left: ${after} ListBatchJobs in ${3 * POLL_MS} ms`);
  await stopChild(gateway);
  const perSubscription = await heapPerIdleSubscription(1000);
  console.log(
    `heap per idle subscription (1000 on one filter, its WebSocket included): ${(perSubscription / 1024).toFixed(1)} KiB`,
  );
}

/** Gateway heap growth per idle subscription, after a full GC (needs node --expose-gc). */
async function heapPerIdleSubscription(n: number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:live does)');
  const config = loadConfig({
    PORT: String(BASE + 2),
    HOST: '127.0.0.1',
    SIM_FIREWORKS_PORT: String(BASE + 21),
    SIM_RUNAI_PORT: String(BASE + 22),
    SIM_GITPOD_PORT: String(BASE + 23),
    FIREWORKS_POLL_MS: String(POLL_MS),
    MAX_SUBSCRIPTIONS_PER_CLIENT: '100000',
    LOG_LEVEL: 'warn',
  });
  const gateway = await startGateway(config, createLogger(config));
  try {
    const heap = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await sleep(100);
      }
      return process.memoryUsage().heapUsed;
    };
    // One subscription first, so the poller and its baseline are in both measurements.
    const first = spawnNode('subscriber', 'bench/live-clients.ts', {
      BENCH_URL: gateway.url.replace('http', 'ws'),
      BENCH_CLIENTS: '1',
      BENCH_QUERY: QUERY,
    });
    while (gateway.live.registry.subscribers < 1) await sleep(20);
    const before = await heap();
    const rest = spawnNode('subscribers', 'bench/live-clients.ts', {
      BENCH_URL: gateway.url.replace('http', 'ws'),
      BENCH_CLIENTS: String(n),
      BENCH_QUERY: QUERY,
    });
    while (gateway.live.registry.subscribers < n + 1) await sleep(20);
    const after = await heap();
    await Promise.all([stopChild(first), stopChild(rest)]);
    return (after - before) / n;
  } finally {
    await gateway.stop();
  }
}

try {
  await main();
} finally {
  await stopAll();
}
