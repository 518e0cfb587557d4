/**
 * Shared pieces of the resilience suites (test/resilience/): small time budgets, one
 * representative root query per vendor, a query mixing all three vendors whose fields are
 * nullable (so one failing vendor leaves the others' data in place), a stopwatch, a probe of the
 * requests a simulator has in flight at once, and /readyz.
 */
import type { SimulatorServer } from '../../src/simulators/harness.js';
import type { VendorName, TestGateway } from './gateway.js';
import { globalId, type Fleet } from './ground-truth.js';

/** Small budgets so the fault suites run in seconds; the breaker is out of the way unless a suite sets it. */
export const SMALL_BUDGETS = {
  REQUEST_DEADLINE_MS: '1500',
  UPSTREAM_HEADERS_TIMEOUT_MS: '400',
  UPSTREAM_BODY_TIMEOUT_MS: '400',
  UPSTREAM_MAX_ATTEMPTS: '3',
  UPSTREAM_RETRY_BASE_DELAY_MS: '5',
  UPSTREAM_RETRY_MAX_DELAY_MS: '50',
  UPSTREAM_BREAKER_MIN_CALLS: '1000000',
  UPSTREAM_RETRY_BUDGET_MIN: '1000000',
  UPSTREAM_BREAKER_COOLDOWN_MS: '300',
} as const;

export const VENDORS = ['fireworks', 'runai', 'gitpod'] as const;

/** How the error messages name each vendor. */
export const VENDOR_NAME = { fireworks: 'Fireworks', runai: 'Run:ai', gitpod: 'Gitpod' } as const;

/** One root list per vendor, each served by one upstream operation. */
export const ROOTS: Record<VendorName, { field: string; query: string; operation: string }> = {
  fireworks: {
    field: 'clusters',
    query: '{ clusters(first: 2) { nodes { name } } }',
    operation: 'ListClusters',
  },
  runai: { field: 'pods', query: '{ pods(first: 2) { nodes { podId } } }', operation: 'list_pods' },
  gitpod: {
    field: 'warmPools',
    query: '{ warmPools(first: 2) { nodes { warmPoolId } } }',
    operation: 'ListWarmPools',
  },
};

/** The data each root query answers when its vendor is healthy. */
export function rootData(fleet: Fleet, vendor: VendorName): Record<string, unknown> {
  switch (vendor) {
    case 'fireworks':
      return { clusters: { nodes: fleet.clusters.slice(0, 2).map((c) => ({ name: c.name })) } };
    case 'runai':
      return { pods: { nodes: fleet.pods.slice(0, 2).map((p) => ({ podId: p.id })) } };
    case 'gitpod':
      return { warmPools: { nodes: fleet.warmPools.slice(0, 2).map((w) => ({ warmPoolId: w.id })) } };
  }
}

/**
 * A query needing one call to each vendor, through `nodes(ids:)`: slot 0 a cluster (GetCluster),
 * slot 1 a pod (get_workload_pods), slot 2 a warm pool (ListWarmPools). Each slot is nullable, so
 * a vendor's failure nulls only its own slot.
 */
export function mixedQuery(fleet: Fleet) {
  const cluster = fleet.clusters[0]!;
  const pod = fleet.pods[0]!;
  const pool = fleet.warmPools[0]!;
  const ids = [
    globalId('Cluster', cluster.name),
    globalId('Pod', `${pod.workloadId}/${pod.id}`),
    globalId('WarmPool', `${pool.id}/${pool.metadata.projectId}/${pool.metadata.environmentClassId}`),
  ];
  const nodes = [
    { id: ids[0], name: cluster.name },
    { id: ids[1], podId: pod.id },
    { id: ids[2], warmPoolId: pool.id },
  ];
  return {
    query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Cluster { name } ... on Pod { podId } ... on WarmPool { warmPoolId } } }`,
    variables: { ids },
    /** The slot and the operation of each vendor. */
    slots: {
      fireworks: { index: 0, operation: 'GetCluster' },
      runai: { index: 1, operation: 'get_workload_pods' },
      gitpod: { index: 2, operation: 'ListWarmPools' },
    } as Record<VendorName, { index: number; operation: string }>,
    /** The answer with every vendor healthy, or with `failing` vendors' slots null. */
    data: (...failing: VendorName[]) => ({
      nodes: nodes.map((node, i) => (failing.some((v) => VENDORS.indexOf(v) === i) ? null : node)),
    }),
  };
}

/** Runs `fn` and returns its result with the milliseconds it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

/**
 * Watches a simulator's HTTP server and tracks how many vendor requests it has in flight at once
 * (the `/_sim/` controls excluded). `max` is the most seen since the probe started.
 */
export function probeConcurrency(sim: SimulatorServer): {
  readonly max: number;
  readonly now: number;
  stop(): void;
} {
  let now = 0;
  let max = 0;
  const onRequest = (req: { url?: string }, res: { once(event: 'close', fn: () => void): void }) => {
    if (req.url?.startsWith('/_sim/')) return;
    now += 1;
    max = Math.max(max, now);
    res.once('close', () => (now -= 1));
  };
  sim.server.on('request', onRequest);
  return {
    get max() {
      return max;
    },
    get now() {
      return now;
    },
    stop: () => sim.server.off('request', onRequest),
  };
}

/** GETs /readyz of the test gateway. */
export async function readyz(gw: TestGateway): Promise<{ status: number; body: unknown }> {
  const res = await fetch(new URL('/readyz', gw.url));
  return { status: res.status, body: await res.json() };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
