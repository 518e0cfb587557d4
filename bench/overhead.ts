/**
 * `npm run bench:overhead`: what observability costs, as CPU per request of the gateway process.
 *
 * Starts the simulators (5 ms ± 1 ms per answer, like `npm run bench`), a local OTLP/HTTP sink,
 * and four gateways side by side over the same simulators: everything off, metrics on, tracing at
 * full sampling (`OTEL_TRACES_SAMPLER=always_on`, exported as protobuf to the sink), and both.
 * Then, in rounds whose order rotates (so drift on a shared machine hits every variant alike), it
 * loads each gateway with autocannon for a fixed time and reads the gateway's CPU time from
 * /proc/<pid>/stat. Reports CPU ms per request per variant, pooled over the rounds, its ratio to
 * "off", and the median of the per-round ratios (robust to a round disturbed by other work on the
 * machine); the issue's targets are metrics ≤ 1.05× and tracing ≤ 1.15×.
 *
 * Settings (environment): BENCH_OVERHEAD_ROUNDS (4), BENCH_DURATION_SECONDS (5),
 * BENCH_WARMUP_SECONDS (1), BENCH_CONNECTIONS (8), BENCH_OVERHEAD_QUERIES (dashboard,jobs-light),
 * BENCH_PORT_BASE (4700: gateways +1..+4, sink +5, simulators +11..+13), BENCH_OUT (a file: the
 * results as JSON), BENCH_CPU_PROF (a directory: the metrics+tracing gateway writes a V8 CPU
 * profile there, and the self time of the observability code in it is reported as a share).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { DEMO_ACCOUNT_ID, DEMO_CREDENTIALS } from '../test/helpers/demo.js';
import { createWorld } from '../src/simulators/world.js';
import {
  assertPortsFree,
  cpuMs,
  killAllNow,
  othersMeter,
  spawnNode,
  stopAll,
  waitUntil,
  type Child,
} from './processes.js';
import { profileShares } from './profile-shares.js';
import { BENCH_QUERIES, VENDORS, type BenchQuery } from './queries.js';

interface Variant {
  name: string;
  env: Record<string, string>;
}

interface Measure {
  requests: number;
  cpuMs: number;
  failures: number;
}

const env = process.env;
const num = (name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const settings = {
  rounds: num('BENCH_OVERHEAD_ROUNDS', 4),
  seconds: num('BENCH_DURATION_SECONDS', 5),
  warmupSeconds: num('BENCH_WARMUP_SECONDS', 1),
  connections: num('BENCH_CONNECTIONS', 8),
  portBase: num('BENCH_PORT_BASE', 4700),
  queries: (env.BENCH_OVERHEAD_QUERIES ?? 'dashboard,jobs-light').split(',').map((q) => q.trim()),
  out: env.BENCH_OUT?.trim() || undefined,
  cpuProfDir: env.BENCH_CPU_PROF?.trim() || undefined,
};

async function main(): Promise<void> {
  const ports = {
    gateways: [1, 2, 3, 4].map((i) => settings.portBase + i),
    sink: settings.portBase + 5,
    fireworks: settings.portBase + 11,
    runai: settings.portBase + 12,
    gitpod: settings.portBase + 13,
  };
  await assertPortsFree([...ports.gateways, ports.sink, ports.fireworks, ports.runai, ports.gitpod]);
  const queries = settings.queries.map((name) => {
    const query = BENCH_QUERIES.find((q) => q.name === name && !q.variables && !q.walk);
    if (!query) throw new Error(`BENCH_OVERHEAD_QUERIES: "${name}" is not a bench query without variables`);
    return query;
  });

  // The OTLP sink answers every export at once and counts the bytes, so exporting costs the
  // gateway what it would against a collector on the same network.
  let exportedBytes = 0;
  const sink = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (exportedBytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => sink.listen(ports.sink, '127.0.0.1', resolve));

  const sims = spawnNode('simulators', 'src/simulators/main.ts', {
    SIM_FIREWORKS_PORT: String(ports.fireworks),
    SIM_RUNAI_PORT: String(ports.runai),
    SIM_GITPOD_PORT: String(ports.gitpod),
    SIM_LATENCY_MS: '4',
    SIM_JITTER_MS: '2',
  });
  const urls = {
    fireworks: `http://127.0.0.1:${ports.fireworks}`,
    runai: `http://127.0.0.1:${ports.runai}`,
    gitpod: `http://127.0.0.1:${ports.gitpod}`,
  };
  await waitUntil(sims, async () => {
    for (const v of VENDORS) if (!(await fetch(`${urls[v]}/_sim/stats`)).ok) return false;
    return true;
  });
  const world = createWorld({ seed: 42, scale: 1, accountId: DEMO_ACCOUNT_ID });
  const common = {
    NODE_ENV: 'production',
    // Production requires a cursor key (CURSOR_SECRET).
    CURSOR_SECRET: 'bench-overhead-cursor-secret-0123456789abcd',
    HOST: '127.0.0.1',
    FIREWORKS_BASE_URL: urls.fireworks,
    FIREWORKS_API_KEY: DEMO_CREDENTIALS.fireworks,
    RUNAI_BASE_URL: urls.runai,
    RUNAI_TOKEN: DEMO_CREDENTIALS.runai,
    GITPOD_BASE_URL: urls.gitpod,
    GITPOD_API_KEY: DEMO_CREDENTIALS.gitpod,
    RUNAI_CLUSTER_MAP: JSON.stringify(
      Object.fromEntries(world.clusters.map((c) => [c.id, c.runaiClusterUuid])),
    ),
  };
  const tracing = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.sink}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_BSP_SCHEDULE_DELAY: '1000',
  };
  const variants: Variant[] = [
    { name: 'off', env: { METRICS_ENABLED: 'false' } },
    { name: 'metrics', env: { METRICS_ENABLED: 'true' } },
    { name: 'tracing', env: { METRICS_ENABLED: 'false', ...tracing } },
    { name: 'metrics+tracing', env: { METRICS_ENABLED: 'true', ...tracing } },
  ];
  if (settings.cpuProfDir) mkdirSync(settings.cpuProfDir, { recursive: true });
  const gateways = variants.map((variant, i) => ({
    variant,
    url: `http://127.0.0.1:${ports.gateways[i]}/graphql`,
    child: spawnNode(
      `gateway (${variant.name})`,
      'src/main.ts',
      { ...common, ...variant.env, PORT: String(ports.gateways[i]) },
      settings.cpuProfDir && variant.name === 'metrics+tracing'
        ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`]
        : [],
    ),
  }));
  for (const g of gateways) {
    await waitUntil(g.child, async () => (await post(g.url, '{ __typename }')).ok);
  }
  const meter = othersMeter(() => [sims.pid, ...gateways.map((g) => g.child.pid)]);

  const results: Record<string, Record<string, Measure & { perRound: number[] }>> = {};
  for (const query of queries) {
    results[query.name] = {};
    for (const g of gateways)
      results[query.name]![g.variant.name] = { requests: 0, cpuMs: 0, failures: 0, perRound: [] };
    // Every gateway answers the query before it is measured.
    for (const g of gateways) {
      const res = await post(g.url, query.query);
      const text = await res.text();
      if (!res.ok || text.includes('"errors"'))
        throw new Error(`${g.child.name} failed ${query.name}: ${text.slice(0, 300)}`);
    }
    for (let round = 0; round < settings.rounds; round++) {
      const order = gateways.map((_, i) => gateways[(i + round) % gateways.length]!);
      for (const g of order) {
        const m = await measure(g.url, g.child, query);
        const total = results[query.name]![g.variant.name]!;
        total.requests += m.requests;
        total.cpuMs += m.cpuMs;
        total.failures += m.failures;
        total.perRound.push(m.cpuMs / m.requests);
      }
      log(`${query.name}: round ${round + 1}/${settings.rounds} done`);
    }
  }
  const { othersMs, wallMs } = meter.stop();

  const lines = [
    `Observability overhead: CPU per request of the gateway process, ${settings.rounds} rounds × ${settings.seconds} s per variant and query at ${settings.connections} connections, order rotated per round; simulators at 5 ± 1 ms per answer.`,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; other processes used ${((othersMs / wallMs) * 100).toFixed(0)}% of a core on average during the run; ${(exportedBytes / 2 ** 20).toFixed(1)} MiB of OTLP protobuf exported.`,
    '',
    '| query | variant | requests | CPU ms / request | vs off (pooled) | median of rounds | per-round ratios vs off | target |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const query of queries) {
    const rows = results[query.name]!;
    const off = rows.off!;
    const offPerRequest = off.cpuMs / off.requests;
    for (const variant of variants) {
      const r = rows[variant.name]!;
      const perRequest = r.cpuMs / r.requests;
      const ratio = perRequest / offPerRequest;
      const target = variant.name === 'metrics' ? 1.05 : variant.name === 'tracing' ? 1.15 : undefined;
      const ratios = r.perRound.map((v, i) => v / off.perRound[i]!);
      const rounds = ratios.map((v) => v.toFixed(2)).join(', ');
      const median = percentileOf(ratios, 0.5);
      lines.push(
        `| ${query.name} | ${variant.name} | ${r.requests}${r.failures ? ` (${r.failures} failed)` : ''} | ${perRequest.toFixed(3)} | ${ratio.toFixed(3)}× | ${median.toFixed(3)}× | ${variant.name === 'off' ? '' : rounds} | ${target ? `${ratio <= target ? 'met' : '**missed**'} (≤ ${target}×)` : ''} |`,
      );
    }
  }
  // The profile is written when the gateway exits.
  await stopAll();
  if (settings.cpuProfDir) {
    lines.push('', '| metrics+tracing gateway, self time | share of its busy CPU |', '| --- | ---: |');
    const profiled = gateways.find((g) => g.variant.name === 'metrics+tracing') as (typeof gateways)[number];
    for (const [name, share] of Object.entries(profileShares(settings.cpuProfDir, profiled.child.pid))) {
      lines.push(`| ${name} | ${(share * 100).toFixed(1)} % |`);
    }
  }
  console.log(lines.join('\n'));
  if (settings.out)
    writeFileSync(
      settings.out,
      JSON.stringify({ settings, results, othersMs, wallMs, exportedBytes }, null, 2),
    );
  await new Promise((resolve) => sink.close(resolve));
}

/** Loads one gateway with one query for the warm-up, then the measured time; returns its CPU and requests. */
async function measure(url: string, child: Child, query: BenchQuery): Promise<Measure> {
  const body = JSON.stringify({ query: query.query });
  const run = (seconds: number) =>
    autocannon({
      url,
      connections: settings.connections,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      timeout: 30,
    });
  await run(settings.warmupSeconds);
  const cpu0 = cpuMs(child.pid);
  const result = await run(settings.seconds);
  const cpu1 = cpuMs(child.pid);
  const requests = result.requests.sent;
  return { requests, cpuMs: cpu1 - cpu0, failures: result.non2xx + result.errors + result.timeouts };
}

/** The q-quantile of `values` (linear between the two nearest ranks). */
function percentileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  return sorted[low]! + ((sorted[low + 1] ?? sorted[low]!) - sorted[low]!) * (rank - low);
}

function post(url: string, query: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

process.once('exit', killAllNow);
main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await stopAll();
    process.exit(1);
  },
);
