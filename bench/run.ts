/**
 * `npm run bench`: Fleetgraph against a straightforward baseline and against the floors, over the
 * simulators with a set upstream latency, all as separate processes on 127.0.0.1.
 *
 * 1. Starts the simulators (`SIM_LATENCY_MS`/`SIM_JITTER_MS`, a large `SIM_SCALE`), the gateway
 *    (`src/main.ts`, pointed at them as real upstreams) and the baseline (bench/baseline.ts).
 * 2. Count pass: runs each query once on both servers (the walk pages through everything) and
 *    reads the simulators' statistics: upstream calls per request, against the minimum derived in
 *    bench/queries.ts. Checks both servers answer the same data (cursors aside). Replays
 *    Fleetgraph's upstream calls level by level to time the I/O chain, and measures the CPU floor
 *    (bench/floor.ts).
 * 3. Load pass: autocannon at each concurrency level, per query and server: requests per second,
 *    latency percentiles (from every response's own time), server CPU per request from
 *    /proc/<pid>/stat, peak RSS from /proc/<pid>/status, simulator CPU.
 * 4. Soak: a mix of the queries at steady load on Fleetgraph for BENCH_SOAK_SECONDS, RSS sampled
 *    every second.
 * 5. Prints the tables and the targets met or missed (markdown, as docs/benchmarks.md holds them).
 *
 * Settings (environment): BENCH_QUICK=1 (short run), BENCH_SOAK_SECONDS (120; quick 10),
 * BENCH_DURATION_SECONDS (8; quick 3) and BENCH_WARMUP_SECONDS (2; quick 1) per measured run,
 * BENCH_CONNECTIONS ("1,8"), BENCH_SOAK_CONNECTIONS (8), BENCH_SIM_SCALE (10), BENCH_SEED (42),
 * BENCH_LATENCY_MS (5) and BENCH_JITTER_MS (1) for 5 ms ± 1 ms per upstream answer,
 * BENCH_PORT_BASE (4600: gateway +1, baseline +2, simulators +11..+13), BENCH_QUERIES (names,
 * comma-separated), BENCH_CPU_PROF (a directory: the gateway writes a V8 CPU profile there),
 * BENCH_OUT (a file: the results as JSON), BENCH_ATTACK_SECONDS (8; quick 3; 0 skips the
 * validation-attack phase, see attack.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { DEMO_ACCOUNT_ID, DEMO_CREDENTIALS } from '../test/helpers/demo.js';
import { createWorld } from '../src/simulators/world.js';
import { measureAttack, type AttackReport } from './attack.js';
import { cpuFloor, replayChain, type CpuFloor, type RecordedCall, type Upstreams } from './floor.js';
import {
  assertPortsFree,
  cpuMs,
  killAllNow,
  othersMeter,
  rssBytes,
  sampleRss,
  spawnNode,
  stopAll,
  waitUntil,
  type Child,
} from './processes.js';
import {
  BENCH_QUERIES,
  NODE_IDS_QUERY,
  VENDORS,
  callDiff,
  createFleet,
  pickNodeIds,
  totalCalls,
  type BenchQuery,
  type CallCounts,
  type Minimum,
  type Prep,
  type Vendor,
} from './queries.js';

interface Settings {
  quick: boolean;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number[];
  soakSeconds: number;
  soakConnections: number;
  /** Seconds of each run of the validation-attack phase (0: skipped). */
  attackSeconds: number;
  scale: number;
  seed: number;
  latencyMs: number;
  jitterMs: number;
  portBase: number;
  queries: readonly BenchQuery[];
  cpuProfDir: string | undefined;
  out: string | undefined;
}

function readSettings(env = process.env): Settings {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const num = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const names = env.BENCH_QUERIES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names?.filter((n) => !BENCH_QUERIES.some((q) => q.name === n)) ?? [];
  if (unknown.length)
    throw new Error(
      `BENCH_QUERIES: unknown ${unknown.join(', ')}; known: ${BENCH_QUERIES.map((q) => q.name).join(', ')}`,
    );
  const connections = (env.BENCH_CONNECTIONS ?? '1,8').split(',').map((s) => Number(s.trim()));
  if (connections.some((c) => !Number.isInteger(c) || c < 1 || c > 256))
    throw new Error(`BENCH_CONNECTIONS must be integers from 1 to 256, got "${env.BENCH_CONNECTIONS}"`);
  return {
    quick,
    durationSeconds: num('BENCH_DURATION_SECONDS', quick ? 3 : 8, 1, 600),
    warmupSeconds: num('BENCH_WARMUP_SECONDS', quick ? 1 : 2, 0, 600),
    connections,
    soakSeconds: num('BENCH_SOAK_SECONDS', quick ? 10 : 120, 0, 3600),
    soakConnections: num('BENCH_SOAK_CONNECTIONS', 8, 1, 256),
    attackSeconds: num('BENCH_ATTACK_SECONDS', quick ? 3 : 8, 0, 600),
    scale: num('BENCH_SIM_SCALE', 10, 0.01, 1000),
    seed: num('BENCH_SEED', 42, 0, 2 ** 31 - 1),
    latencyMs: num('BENCH_LATENCY_MS', 5, 0, 10_000),
    jitterMs: num('BENCH_JITTER_MS', 1, 0, 10_000),
    portBase: num('BENCH_PORT_BASE', 4600, 1024, 65_000),
    queries: names ? BENCH_QUERIES.filter((q) => names.includes(q.name)) : BENCH_QUERIES,
    cpuProfDir: env.BENCH_CPU_PROF?.trim() || undefined,
    out: env.BENCH_OUT?.trim() || undefined,
  };
}

/** A server under test. */
interface Target {
  name: 'Fleetgraph' | 'baseline';
  url: string;
  child: Child;
}

/** What one query costs on one server, from the count pass. */
interface CountResult {
  calls: CallCounts;
  /** Requests the count pass made (pages for the walk). */
  requests: number;
  responses: string[];
  recorded: RecordedCall[];
}

/** One measured autocannon run. */
interface LoadResult {
  connections: number;
  requests: number;
  failures: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  cpuMsPerRequest: number;
  simCpuMsPerRequest: number;
  /** Fraction of one core the simulators used. */
  simCpuShare: number;
  /** Fraction of one core that processes outside the bench used meanwhile (other work on the machine). */
  othersShare: number;
  peakRssMb: number;
  callsPerRequest: number;
}

interface QueryReport {
  query: BenchQuery;
  minimum: Minimum;
  count: Record<Target['name'], CountResult>;
  sameAnswers: boolean;
  /** Fleetgraph's upstream calls for one request (the walk: one page), as the simulators recorded them. */
  perRequest: RecordedCall[];
  chain: { nominalMs: number; replayP50Ms: number; shallowerP50Ms: number | undefined };
  /** The CPU floor, and the bench's own CPU to send the same upstream calls (its HTTP I/O alone). */
  floor: CpuFloor & { upstreamIoMs: number };
  load: Record<Target['name'], LoadResult[]>;
}

interface SoakReport {
  seconds: number;
  connections: number;
  requests: number;
  failures: number;
  rps: number;
  p50: number;
  rssMb: number[];
  startMb: number;
  endMb: number;
  growth: number;
}

const headers = { 'content-type': 'application/json' };

async function main(): Promise<void> {
  const s = readSettings();
  const ports = {
    gateway: s.portBase + 1,
    baseline: s.portBase + 2,
    fireworks: s.portBase + 11,
    runai: s.portBase + 12,
    gitpod: s.portBase + 13,
  };
  await assertPortsFree(Object.values(ports));
  const started = new Date();
  log(
    `bench: scale ${s.scale}, latency ${s.latencyMs} ± ${s.jitterMs} ms, ${s.durationSeconds} s per run at ${s.connections.join('/')} connections, soak ${s.soakSeconds} s`,
  );

  // The simulators add latency in [SIM_LATENCY_MS, SIM_LATENCY_MS + SIM_JITTER_MS): centre it.
  const sims = spawnNode('simulators', 'src/simulators/main.ts', {
    SIM_FIREWORKS_PORT: String(ports.fireworks),
    SIM_RUNAI_PORT: String(ports.runai),
    SIM_GITPOD_PORT: String(ports.gitpod),
    SIM_SCALE: String(s.scale),
    SIM_SEED: String(s.seed),
    SIM_LATENCY_MS: String(Math.max(0, s.latencyMs - s.jitterMs)),
    SIM_JITTER_MS: String(2 * s.jitterMs),
  });
  const upstreams: Upstreams = {
    urls: {
      fireworks: `http://127.0.0.1:${ports.fireworks}`,
      runai: `http://127.0.0.1:${ports.runai}`,
      gitpod: `http://127.0.0.1:${ports.gitpod}`,
    },
    credentials: {
      fireworks: DEMO_CREDENTIALS.fireworks,
      runai: DEMO_CREDENTIALS.runai,
      gitpod: DEMO_CREDENTIALS.gitpod,
    },
  };
  await waitUntil(sims, async () => {
    for (const v of VENDORS) if (!(await fetch(`${upstreams.urls[v]}/_sim/stats`)).ok) return false;
    return true;
  });

  const world = createWorld({ seed: s.seed, scale: s.scale, accountId: DEMO_ACCOUNT_ID });
  const serverEnv = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    // Production requires a cursor key; no load balancer watches these processes, so no notice.
    CURSOR_SECRET: 'bench-cursor-secret-0123456789abcdef',
    SHUTDOWN_NOTICE_MS: '0',
    FIREWORKS_BASE_URL: upstreams.urls.fireworks,
    FIREWORKS_API_KEY: upstreams.credentials.fireworks,
    RUNAI_BASE_URL: upstreams.urls.runai,
    RUNAI_TOKEN: upstreams.credentials.runai,
    GITPOD_BASE_URL: upstreams.urls.gitpod,
    GITPOD_API_KEY: upstreams.credentials.gitpod,
    RUNAI_CLUSTER_MAP: JSON.stringify(
      Object.fromEntries(world.clusters.map((c) => [c.id, c.runaiClusterUuid])),
    ),
  };
  if (s.cpuProfDir) mkdirSync(s.cpuProfDir, { recursive: true });
  const gatewayChild = spawnNode(
    'Fleetgraph',
    'src/main.ts',
    { ...serverEnv, PORT: String(ports.gateway) },
    s.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${s.cpuProfDir}`] : [],
  );
  const baselineChild = spawnNode('baseline', 'bench/baseline.ts', {
    ...serverEnv,
    PORT: String(ports.baseline),
  });
  const targets: Target[] = [
    { name: 'Fleetgraph', url: `http://127.0.0.1:${ports.gateway}/graphql`, child: gatewayChild },
    { name: 'baseline', url: `http://127.0.0.1:${ports.baseline}/`, child: baselineChild },
  ];
  for (const t of targets) {
    await waitUntil(t.child, async () => (await post(t.url, { query: '{ __typename }' })).ok);
  }
  const idleRssMb = rssBytes(gatewayChild.pid) / 2 ** 20;
  const ownPids = () => [sims.pid, gatewayChild.pid, baselineChild.pid];
  const wholeRun = othersMeter(ownPids);

  const simControl = {
    async reset() {
      await Promise.all(VENDORS.map((v) => fetch(`${upstreams.urls[v]}/_sim/reset`, { method: 'POST' })));
    },
    async stats(): Promise<{ calls: CallCounts; recorded: RecordedCall[] }> {
      const calls = {} as CallCounts;
      const recorded: RecordedCall[] = [];
      for (const v of VENDORS) {
        const stats = (await (await fetch(`${upstreams.urls[v]}/_sim/stats`)).json()) as {
          operations: Record<string, number>;
          requests: Omit<RecordedCall, 'vendor'>[];
        };
        calls[v] = Object.fromEntries(Object.entries(stats.operations).filter(([, n]) => n > 0));
        recorded.push(...stats.requests.map((r) => ({ ...r, vendor: v })));
      }
      return { calls, recorded };
    },
  };

  const fleet = createFleet(world);
  const idsAnswer = await graphql(targets[0] as Target, NODE_IDS_QUERY, {});
  const prep: Prep = { nodeIds: pickNodeIds(idsAnswer.data) };

  const reports: QueryReport[] = [];
  for (const query of s.queries) {
    log(`count pass: ${query.name}`);
    const variables = query.variables?.(prep) ?? {};
    const count = {} as Record<Target['name'], CountResult>;
    for (const t of targets) {
      await simControl.reset();
      const responses = await runOnce(t, query, variables);
      const stats = await simControl.stats();
      count[t.name] = { calls: stats.calls, requests: responses.length, responses, recorded: stats.recorded };
    }
    const fg = count.Fleetgraph;
    const sameAnswers =
      fg.responses.length === count.baseline.responses.length &&
      fg.responses.every(
        (r, i) => withoutCursors(r) === withoutCursors(count.baseline.responses[i] as string),
      );
    if (!sameAnswers) log(`  WARNING: Fleetgraph and the baseline answer ${query.name} differently`);
    const firstData = (JSON.parse(fg.responses[0] as string) as { data: unknown }).data;
    const minimum = query.minimum(firstData, variables, fleet);

    // The floor per request: for the walk, per page (its first page's calls).
    const perRequest = query.walk ? fg.recorded.slice(0, 1) : fg.recorded;
    const chain = await replayChain(perRequest, query.levels, upstreams);
    reports.push({
      query,
      minimum,
      count,
      sameAnswers,
      perRequest,
      chain: { nominalMs: query.depth * s.latencyMs, replayP50Ms: NaN, shallowerP50Ms: undefined },
      floor: { ...cpuFloor(chain.bodies, fg.responses[0] as string), upstreamIoMs: NaN },
      load: { Fleetgraph: [], baseline: [] },
    });
  }

  for (const report of reports) {
    const { query } = report;
    const variables = query.variables?.(prep) ?? {};
    for (const t of targets) {
      const pages = query.walk ? report.count[t.name].requests : 1;
      const requests = loadRequests(query, variables, pages);
      if (s.warmupSeconds > 0) await load(t, requests, Math.max(...s.connections), s.warmupSeconds);
      // The chain is timed right before Fleetgraph's runs, so both see the same machine.
      if (t.name === 'Fleetgraph') await timeChain(report, upstreams, s.quick ? 10 : 30);
      for (const c of s.connections) {
        log(`load: ${query.name} on ${t.name} at ${c} connection${c > 1 ? 's' : ''}`);
        await simControl.reset();
        const cpu0 = cpuMs(t.child.pid);
        const sim0 = cpuMs(sims.pid);
        const rss = sampleRss(t.child.pid, 200);
        const others = othersMeter(ownPids);
        const run = await load(t, requests, c, s.durationSeconds);
        const elsewhere = others.stop();
        // Requests still in flight when autocannon stops are finished (or abandoned) by the server
        // after it returns: let them settle, and count every request sent.
        await sleep(Math.min(5000, Math.max(500, 2 * percentile(run.latencies, 0.99))));
        const cpu1 = cpuMs(t.child.pid);
        const sim1 = cpuMs(sims.pid);
        const rssSamples = rss.stop();
        const { calls } = await simControl.stats();
        const n = Math.max(1, run.sent);
        report.load[t.name].push({
          connections: c,
          requests: run.latencies.length,
          failures: run.failures,
          rps: run.latencies.length / run.seconds,
          p50: percentile(run.latencies, 0.5),
          p95: percentile(run.latencies, 0.95),
          p99: percentile(run.latencies, 0.99),
          cpuMsPerRequest: (cpu1 - cpu0) / n,
          simCpuMsPerRequest: (sim1 - sim0) / n,
          simCpuShare: (sim1 - sim0) / (run.seconds * 1000),
          othersShare: elsewhere.othersMs / elsewhere.wallMs,
          peakRssMb: Math.max(...rssSamples) / 2 ** 20,
          callsPerRequest: totalCalls(calls) / n,
        });
      }
    }
  }

  let soak: SoakReport | undefined;
  if (s.soakSeconds > 0) {
    log(`soak: Fleetgraph, mixed queries at ${s.soakConnections} connections for ${s.soakSeconds} s`);
    const gateway = targets[0] as Target;
    const mix = s.queries
      .filter((q) => !q.walk)
      .map((q) => loadRequests(q, q.variables?.(prep) ?? {}, 1)[0] as AutocannonRequest);
    const rss = sampleRss(gateway.child.pid, 1000);
    const run = await load(gateway, mix, s.soakConnections, s.soakSeconds);
    const samples = rss.stop().map((b) => b / 2 ** 20);
    // After a warm-up of the first 15% of the run, compare the RSS just after it with the last 15%.
    const at = (from: number, to: number) =>
      percentile(
        samples.slice(
          Math.floor(samples.length * from),
          Math.max(Math.floor(samples.length * from) + 1, Math.floor(samples.length * to)),
        ),
        0.5,
      );
    const startMb = at(0.15, 0.3);
    const endMb = at(0.85, 1);
    soak = {
      seconds: s.soakSeconds,
      connections: s.soakConnections,
      requests: run.latencies.length,
      failures: run.failures,
      rps: run.latencies.length / run.seconds,
      p50: percentile(run.latencies, 0.5),
      rssMb: samples,
      startMb,
      endMb,
      growth: endMb / startMb - 1,
    };
  }

  let attack: AttackReport | undefined;
  if (s.attackSeconds > 0) {
    log(
      `attack: the validation attack of issue 9 against ${s.soakConnections} clients, ${s.attackSeconds} s each`,
    );
    const gateway = targets[0] as Target;
    const first = s.queries.find((q) => !q.walk) ?? (s.queries[0] as (typeof s.queries)[number]);
    const requests = loadRequests(first, first.variables?.(prep) ?? {}, 1);
    attack = await measureAttack(gateway.url, gateway.child.pid, first.query, async () => {
      const run = await load(gateway, requests, s.soakConnections, s.attackSeconds);
      return { rps: run.latencies.length / run.seconds, p99: percentile(run.latencies, 0.99) };
    });
  }

  const elsewhere = wholeRun.stop();
  const machine = {
    date: started.toISOString(),
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    command: commandLine(),
    commit: gitDescribe(),
    othersShare: elsewhere.othersMs / elsewhere.wallMs,
  };
  console.log(render(s, machine, reports, soak, idleRssMb));
  if (attack) {
    console.log(
      [
        '',
        '### Validation attack (issue 9, finding 3)',
        '',
        '| | CPU ms per request | others req/s | others p99 ms |',
        '| --- | --- | --- | --- |',
        `| normal request, alone | ${f(attack.normalCpuMs, 2)} | ${f(attack.alone.rps, 0)} | ${f(attack.alone.p99)} |`,
        `| attacker (${attack.attacked.attackerRequests} requests during the run) | ${f(attack.attackCpuMs, 2)} (${f(attack.attackCpuMs / attack.normalCpuMs)}×) | ${f(attack.attacked.rps, 0)} (${f((100 * attack.attacked.rps) / attack.alone.rps, 0)} %) | ${f(attack.attacked.p99)} |`,
      ].join('\n'),
    );
  }
  if (s.out) {
    writeFileSync(
      s.out,
      JSON.stringify(
        {
          machine,
          settings: { ...s, queries: s.queries.map((q) => q.name) },
          idleRssMb,
          reports: reports.map((r) => ({
            ...r,
            query: r.query.name,
            perRequest: r.perRequest.length,
            count: Object.fromEntries(
              Object.entries(r.count).map(([k, v]) => [k, { calls: v.calls, requests: v.requests }]),
            ),
          })),
          soak,
          attack,
        },
        null,
        2,
      ),
    );
  }
}

/**
 * Replays Fleetgraph's upstream calls for one request `times` times, level by level, and records
 * the chain's p50 (and the shallower plan's), and the bench's own CPU per replay: the cost of
 * that HTTP I/O with nothing else.
 */
async function timeChain(report: QueryReport, upstreams: Upstreams, times: number): Promise<void> {
  const { query, perRequest } = report;
  const samples: number[] = [];
  const shallower: number[] = [];
  let cpuMs = 0;
  for (let i = 0; i < times; i++) {
    const cpu = process.cpuUsage();
    samples.push((await replayChain(perRequest, query.levels, upstreams)).ms);
    const used = process.cpuUsage(cpu);
    cpuMs += (used.user + used.system) / 1000;
    if (query.shallower)
      shallower.push((await replayChain(perRequest, query.shallower.levels, upstreams)).ms);
  }
  report.chain.replayP50Ms = percentile(samples, 0.5);
  report.chain.shallowerP50Ms = query.shallower ? percentile(shallower, 0.5) : undefined;
  report.floor.upstreamIoMs = cpuMs / times;
}

/** Runs a query once (the walk: every page) and returns the answers' JSON texts. */
async function runOnce(
  target: Target,
  query: BenchQuery,
  variables: Record<string, unknown>,
): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (;;) {
    const vars: Record<string, unknown> = query.walk ? { ...variables, after } : variables;
    const res = await post(target.url, { query: query.query, variables: vars });
    const text = await res.text();
    const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
    if (!res.ok || body.errors)
      throw new Error(`${target.name} failed ${query.name} (HTTP ${res.status}): ${text.slice(0, 500)}`);
    out.push(text);
    if (!query.walk) return out;
    const page = query.walk.pageInfo(body.data);
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
}

/** The autocannon request sequence of a query; the walk is `pages` requests following endCursor. */
function loadRequests(
  query: BenchQuery,
  variables: Record<string, unknown>,
  pages: number,
): AutocannonRequest[] {
  const failed = (status: number, body: string) => status !== 200 || body.includes('"errors"');
  if (!query.walk) {
    return [
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: query.query, variables }),
        onResponse: (status, body, context) => {
          if (failed(status, body)) context.failed = true;
        },
      },
    ];
  }
  const walk = query.walk;
  // One entry per page: autocannon resets a connection's context when it wraps around, which is
  // exactly when a walk ends and the next one starts from the first page.
  return Array.from({ length: pages }, () => ({
    method: 'POST',
    headers,
    setupRequest: (request: AutocannonRequest, context: Record<string, unknown>) => ({
      ...request,
      body: JSON.stringify({ query: query.query, variables: { ...variables, after: context.after ?? null } }),
    }),
    onResponse: (status: number, body: string, context: Record<string, unknown>) => {
      if (failed(status, body)) {
        context.failed = true;
        return;
      }
      context.after = walk.pageInfo((JSON.parse(body) as { data: unknown }).data).endCursor;
    },
  }));
}

/** Runs autocannon; returns every response's latency (ms, full resolution) and the failures. */
async function load(
  target: Target,
  requests: AutocannonRequest[],
  connections: number,
  seconds: number,
): Promise<{ latencies: number[]; sent: number; failures: number; seconds: number }> {
  let failures = 0;
  const counted = requests.map((r) => ({
    ...r,
    onResponse: (status: number, body: string, context: Record<string, unknown>) => {
      r.onResponse?.(status, body, context);
      if (context.failed) {
        failures++;
        context.failed = false;
      }
    },
  }));
  const latencies: number[] = [];
  const instance = autocannon({
    url: target.url,
    connections,
    duration: seconds,
    requests: counted,
    timeout: 30,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
    latencies.push(ms),
  );
  const result = await instance;
  return {
    latencies,
    sent: result.requests.sent,
    failures: failures + result.errors + result.timeouts,
    seconds: result.duration,
  };
}

async function graphql(
  target: Target,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data: unknown }> {
  const res = await post(target.url, { query, variables });
  const body = (await res.json()) as { data: unknown; errors?: unknown };
  if (body.errors) throw new Error(`${target.name}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body;
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** The answer's data with every cursor removed (the two servers encode cursors differently). */
function withoutCursors(text: string): string {
  return JSON.stringify((JSON.parse(text) as { data: unknown }).data, (key, value: unknown) =>
    key === 'cursor' || key === 'startCursor' || key === 'endCursor' ? undefined : value,
  );
}

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function gitDescribe(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'schema']).toString().trim();
    return dirty ? `${head} + uncommitted changes in src/ or schema/` : head;
  } catch {
    return 'unknown';
  }
}

function commandLine(): string {
  const vars = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_'))
    .map(([k, v]) => `${k}=${v}`);
  return [...vars, 'npm run bench'].join(' ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(line: string): void {
  console.error(line);
}

// ---------------------------------------------------------------------------------------------
// Report

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function render(
  s: Settings,
  machine: {
    date: string;
    cores: number;
    cpu: string;
    node: string;
    command: string;
    commit: string;
    othersShare: number;
  },
  reports: QueryReport[],
  soak: SoakReport | undefined,
  idleRssMb: number,
): string {
  const out: string[] = [];
  out.push(`## Results`, '');
  out.push(
    `- date: ${machine.date}`,
    `- machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}; other processes on the machine used ${f(machine.othersShare * 100, 0)}% of a core on average during the run`,
    `- command: \`${machine.command}\` (code: ${machine.commit})`,
    `- upstream: simulators at SIM_SCALE=${s.scale}, seed ${s.seed}, ${s.latencyMs} ms ± ${s.jitterMs} ms per answer; all processes on 127.0.0.1`,
    `- each load run: ${s.warmupSeconds} s warm-up, then ${s.durationSeconds} s measured; Fleetgraph idle RSS ${f(idleRssMb, 0)} MB`,
    '',
  );
  out.push('### Targets', '');
  out.push(
    '| query | upstream calls = minimum | p50 at 1 conn. vs chain (≤ 3 ms) | CPU vs floor | CPU vs floor + upstream HTTP |',
  );
  out.push('| --- | --- | --- | --- | --- |');
  for (const r of reports) {
    const made = r.count.Fleetgraph.calls;
    const perRequest = r.query.walk ? divideCalls(made, r.count.Fleetgraph.requests) : made;
    const diff = callDiff(perRequest, r.minimum.calls);
    const one = r.load.Fleetgraph.find((l) => l.connections === 1);
    const gap = one ? one.p50 - r.chain.replayP50Ms : NaN;
    const nominalGap = one ? one.p50 - r.chain.nominalMs : NaN;
    const ratio = one ? one.cpuMsPerRequest / r.floor.totalMs : NaN;
    const cpuTarget = r.query.name === 'dashboard' || r.query.name.startsWith('reverse');
    out.push(
      `| ${r.query.name} | ${diff.length ? `**missed**: ${diff.join(', ')}` : `met (${totalCalls(r.minimum.calls)})`} | ` +
        `${one ? `${gap <= 3 ? 'met' : '**missed**'}: ${f(one.p50)} ms vs ${f(r.chain.replayP50Ms)} ms replayed (+${f(gap)}); nominal ${r.query.depth} × ${s.latencyMs} = ${r.chain.nominalMs} ms (+${f(nominalGap)})` : '–'} | ` +
        `${cpuTarget ? `${ratio <= 3 ? 'met' : '**missed**'} (≤ 3×): ` : ''}${f(ratio, 0)}× (${f(one?.cpuMsPerRequest ?? NaN, 2)} vs ${f(r.floor.totalMs, 3)} ms) | ` +
        `${f((one?.cpuMsPerRequest ?? NaN) / (r.floor.totalMs + r.floor.upstreamIoMs), 1)}× (vs ${f(r.floor.totalMs + r.floor.upstreamIoMs, 2)} ms) |`,
    );
  }
  if (soak) {
    out.push(
      '',
      `RSS over a ${soak.seconds} s soak (mixed queries, ${soak.connections} connections, ${f(soak.rps, 0)} req/s, p50 ${f(soak.p50)} ms, ${soak.failures} failures): ` +
        `${f(soak.startMb, 0)} MB after warm-up → ${f(soak.endMb, 0)} MB at the end (${soak.growth >= 0 ? '+' : ''}${f(soak.growth * 100)}%): ` +
        `${Math.abs(soak.growth) <= 0.1 ? 'met' : '**missed**'} (within 10%). Samples every 10 s: ${soak.rssMb
          .filter((_, i) => i % 10 === 0)
          .map((m) => f(m, 0))
          .join(', ')} MB.`,
    );
  }
  for (const r of reports) {
    out.push('', `### ${r.query.title}`, '');
    out.push('```graphql', r.query.query, '```', '');
    const per = r.query.walk ? ' per page' : '';
    out.push(`Minimum upstream calls${per} (${totalCalls(r.minimum.calls)}):`, '');
    for (const line of r.minimum.why) out.push(`- ${line}`);
    out.push('');
    if (r.query.walk) {
      for (const t of ['Fleetgraph', 'baseline'] as const) {
        const c = r.count[t];
        out.push(
          `- ${t}: ${c.requests} pages, ${totalCalls(c.calls)} upstream calls per walk (${formatCalls(c.calls)}).`,
        );
      }
    } else {
      for (const t of ['Fleetgraph', 'baseline'] as const)
        out.push(`- ${t} makes ${totalCalls(r.count[t].calls)}: ${formatCalls(r.count[t].calls)}.`);
    }
    out.push(
      `- Chain: ${r.query.depth} dependent round trip${r.query.depth > 1 ? 's' : ''} × ${s.latencyMs} ms = ${r.chain.nominalMs} ms nominal; ` +
        `Fleetgraph's calls replayed level by level take ${f(r.chain.replayP50Ms)} ms (p50)` +
        (r.query.shallower && r.chain.shallowerP50Ms !== undefined
          ? `; with ${r.query.shallower.note}, ${f(r.chain.shallowerP50Ms)} ms.`
          : '.'),
      `- Floor${per}: parse ${f(r.floor.upstreamBytes / 1024)} KiB of upstream bodies ${f(r.floor.parseMs, 3)} ms + ` +
        `stringify the ${f(r.floor.responseBytes / 1024)} KiB answer ${f(r.floor.stringifyMs, 3)} ms = ${f(r.floor.totalMs, 3)} ms CPU. ` +
        `(For scale: sending those upstream calls and reading their answers, with undici and nothing else, costs the bench ${f(r.floor.upstreamIoMs, 2)} ms CPU.)`,
    );
    if (!r.sameAnswers) out.push('- **The two servers answered differently**: the comparison is not valid.');
    out.push('');
    out.push(
      `| server | conn. | upstream calls${per} | req/s | p50 ms | p95 ms | p99 ms | CPU ms${per} | CPU / floor | peak RSS MB | sims CPU | others CPU | failures |`,
    );
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const t of ['Fleetgraph', 'baseline'] as const) {
      const calls = totalCalls(r.count[t].calls) / r.count[t].requests;
      for (const l of r.load[t]) {
        out.push(
          `| ${t} | ${l.connections} | ${f(calls, calls % 1 ? 2 : 0)} | ${f(l.rps, 0)} | ${f(l.p50)} | ${f(l.p95)} | ${f(l.p99)} | ` +
            `${f(l.cpuMsPerRequest, 2)} | ${f(l.cpuMsPerRequest / r.floor.totalMs, 0)}× | ${f(l.peakRssMb, 0)} | ${f(l.simCpuShare * 100, 0)}% | ${f(l.othersShare * 100, 0)}% | ${l.failures} |`,
        );
      }
    }
    for (const c of s.connections) {
      const a = r.load.Fleetgraph.find((l) => l.connections === c);
      const b = r.load.baseline.find((l) => l.connections === c);
      if (!a || !b) continue;
      out.push(
        `| Fleetgraph / baseline | ${c} | ${f(totalCalls(r.count.Fleetgraph.calls) / totalCalls(r.count.baseline.calls), 2)} | ${f(a.rps / b.rps, 2)} | ${f(a.p50 / b.p50, 2)} | ${f(a.p95 / b.p95, 2)} | ${f(a.p99 / b.p99, 2)} | ${f(a.cpuMsPerRequest / b.cpuMsPerRequest, 2)} | | ${f(a.peakRssMb / b.peakRssMb, 2)} | | | |`,
      );
    }
  }
  return out.join('\n');
}

function divideCalls(calls: CallCounts, by: number): CallCounts {
  const out = {} as CallCounts;
  for (const v of VENDORS)
    out[v] = Object.fromEntries(
      Object.entries(calls[v]).map(([op, n]) => [op, Math.round((n / by) * 100) / 100]),
    );
  return out;
}

function formatCalls(calls: CallCounts): string {
  const parts = VENDORS.flatMap((v: Vendor) => Object.entries(calls[v]).map(([op, n]) => `${n} ${op}`));
  return parts.length ? parts.join(', ') : 'none';
}

// Whatever way the bench ends, no spawned server outlives it.
process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers`);
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  await main();
  await stopAll();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exitCode = 1;
}
