/**
 * Ground truth for the gateway's integration tests: the three simulators' data sets regenerated
 * from the test gateway's world, put in each upstream's documented order with plain sorts written
 * here (never with gateway or simulator query code), plus small helpers to state whole GraphQL
 * results: error locations, the documented global ID format, and a query wrapper that fails a test
 * whenever a credential appears anywhere in a response.
 */
import { expect } from 'vitest';
import { DEMO_CREDENTIALS } from './demo.js';
import type { World } from '../../src/simulators/world.js';
import {
  generateFireworksData,
  type FireworksBatchJobRecord,
  type FireworksClusterRecord,
  type FireworksNodePoolRecord,
} from '../../src/vendors/fireworks/simulator/data.js';
import { generateGitpodData, type WireWarmPool } from '../../src/vendors/gitpod/simulator/data.js';
import { generateRunaiData, type RunaiPod } from '../../src/vendors/runai/simulator/data.js';
import type { GraphQLResponse, TestGateway } from './gateway.js';

export type {
  FireworksBatchJobRecord,
  FireworksClusterRecord,
  FireworksNodePoolRecord,
  RunaiPod,
  WireWarmPool,
};

/**
 * Given a vendor's RFC 3339 text, returns it as the graph writes instants: UTC, exactly three
 * fraction digits, finer digits truncated (written here from the text, not with the gateway's
 * scalar). Null stays null, so whole objects can be mapped field by field.
 */
export function graphTime<T extends string | null | undefined>(text: T): T extends string ? string : null {
  if (text == null) return null as never;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(
    text,
  );
  if (!m) throw new Error(`not an RFC 3339 timestamp: ${text}`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000).toISOString() as never;
}

/**
 * The inclusive upper bound the gateway sends for an input of at most millisecond precision: the
 * last nanosecond of that millisecond (`…05Z` → `…05.000999999Z`).
 */
export function endOfMillisecond(utc: string): string {
  const m = /^(.*:\d{2})(?:\.(\d{1,3}))?Z$/.exec(utc);
  if (!m) throw new Error(`not a UTC DateTime of millisecond precision: ${utc}`);
  return `${m[1]}.${(m[2] ?? '').padEnd(3, '0')}999999Z`;
}

/**
 * GPUs per node of the instance and machine types the simulators give their pools, restated
 * from the README's table (GPU capacity) rather than imported from the gateway.
 */
export const GPUS_PER_NODE: Readonly<Record<string, number>> = {
  'p5.48xlarge': 8,
  'p4d.24xlarge': 8,
  'g6.12xlarge': 4,
  'm7i.8xlarge': 0,
  'a3-highgpu-8g': 8,
  'a2-highgpu-8g': 8,
  'g2-standard-48': 4,
  'n2-standard-32': 0,
};

/** Code-unit string order (what `name` and `id` orders mean upstream). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every vendor call counted by the simulators, none made. */
export const NO_CALLS = { fireworks: {}, runai: {}, gitpod: {} } as const;

/** The demo credentials and their masked form as the simulators record them (last 4 characters). */
export const CREDENTIALS = {
  fireworks: {
    value: DEMO_CREDENTIALS.fireworks,
    masked: `****${DEMO_CREDENTIALS.fireworks.slice(-4)}`,
  },
  runai: { value: DEMO_CREDENTIALS.runai, masked: `****${DEMO_CREDENTIALS.runai.slice(-4)}` },
  gitpod: { value: DEMO_CREDENTIALS.gitpod, masked: `****${DEMO_CREDENTIALS.gitpod.slice(-4)}` },
} as const;

/**
 * Gateway settings that turn retries and the circuit breaker off, for suites that pin the error
 * mapping: each failing call is one attempt, and one test's failures never open the circuit for
 * the next. (Unknown to a configuration without those knobs, which ignores them.)
 */
export const MAPPING_ONLY = { UPSTREAM_MAX_ATTEMPTS: '1', UPSTREAM_BREAKER_MIN_CALLS: '1000000' } as const;

/** Credentials the suites pass in request headers; none may ever appear in a response. */
export const HEADER_CREDENTIALS = {
  fireworks: 'fw-caller-own-key-7781',
  runai: 'runai-caller-own-token-7782',
  gitpod: 'gitpod-caller-own-key-7783',
} as const;

const SECRETS = [...Object.values(CREDENTIALS).map((c) => c.value), ...Object.values(HEADER_CREDENTIALS)];

/**
 * Runs a GraphQL request on the test gateway and fails the test if any credential (configured or
 * passed in a header) appears anywhere in the response, error messages included. Returns the
 * status, `data` and `errors`: the response-level `extensions` (the gateway's cost report) are
 * left out, so suites state `data` and `errors` whole and cost only where it is the subject.
 */
export async function gql<T = Record<string, unknown>>(
  gw: TestGateway,
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<Omit<GraphQLResponse<T>, 'extensions'>> {
  const res = await gw.query<T>(query, variables, headers);
  const text = JSON.stringify(res);
  for (const secret of SECRETS) expect(text, 'a credential leaked into a response').not.toContain(secret);
  const { extensions: _extensions, ...result } = res;
  return result;
}

/**
 * Returns the GraphQL location of the `occurrence`-th appearance of `needle` in `query` (1-based
 * line and column), for stating whole error objects.
 */
export function loc(query: string, needle: string, occurrence = 1): { line: number; column: number } {
  let index = -1;
  for (let n = 0; n < occurrence; n++) {
    index = query.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" occurs fewer than ${occurrence} times in the query`);
  }
  const before = query.slice(0, index).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

/** The short id of a Fireworks resource: the last segment of its name. */
export const shortId = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** The cluster name (`accounts/{a}/clusters/{c}`) a node pool or batch job name starts with. */
export const clusterOf = (name: string) => name.split('/').slice(0, 4).join('/');

/** The whole response of a root field refused with BAD_USER_INPUT naming `argument`, before any data. */
export function refusedAtRoot(query: string, field: string, message: string, argument: string) {
  return {
    status: 200,
    data: { [field]: null },
    errors: [
      {
        message,
        locations: [loc(query, field)],
        path: [field],
        extensions: { code: 'BAD_USER_INPUT', argument },
      },
    ],
  };
}

/** The documented global ID format: base64url of `<Type>:<key>` (src/graphql/global-id.ts header). */
export function globalId(
  type: 'Cluster' | 'NodePool' | 'BatchJob' | 'Pod' | 'WarmPool',
  key: string,
): string {
  return Buffer.from(`${type}:${key}`).toString('base64url');
}

/** The fleet as the three upstreams serve it, in their documented default orders. */
export interface Fleet {
  accountId: string;
  /** By `name` (Fireworks' default for clusters). */
  clusters: FireworksClusterRecord[];
  /** By `name` (Fireworks' default for node pools). */
  nodePools: FireworksNodePoolRecord[];
  /** By `create_time desc`, ties by `name` (Fireworks' default for batch jobs). */
  batchJobs: FireworksBatchJobRecord[];
  /** Pods not deleted, by `createdAt` then `id` (Run:ai's default). */
  pods: RunaiPod[];
  /** Deleted pods, same order. */
  deletedPods: RunaiPod[];
  /** By `createdAt` then `id` (Gitpod's default). */
  warmPools: WireWarmPool[];
  /** Fireworks cluster name → Run:ai cluster UUID (the demo join). */
  uuidOf(clusterName: string): string;
  nodePoolsOf(clusterName: string): FireworksNodePoolRecord[];
  batchJobsOf(nodePoolName: string): FireworksBatchJobRecord[];
  podsOfCluster(clusterName: string): RunaiPod[];
  podsOfNodePool(nodePoolName: string): RunaiPod[];
  podsOfWorkload(workloadId: string): RunaiPod[];
}

/** Orders batch jobs newest first, ties by name. */
export function newestFirst(jobs: readonly FireworksBatchJobRecord[]): FireworksBatchJobRecord[] {
  return [...jobs].sort(
    (a, b) =>
      Date.parse(b.createTime as string) - Date.parse(a.createTime as string) || byCodeUnit(a.name, b.name),
  );
}

/** Orders pods by createdAt, ties by id. */
export function podOrder(pods: readonly RunaiPod[]): RunaiPod[] {
  return [...pods].sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || byCodeUnit(a.id, b.id),
  );
}

/** Given the test gateway's world, returns the fleet every expected answer is computed from. */
export function groundTruth(world: World): Fleet {
  const fireworks = generateFireworksData(world);
  const runai = generateRunaiData(world);
  const gitpod = generateGitpodData(world);
  const byName = <T extends { name: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => byCodeUnit(a.name, b.name));
  const clusters = byName(fireworks.clusters);
  const nodePools = byName(fireworks.nodePools);
  const batchJobs = newestFirst(fireworks.batchJobs);
  const pods = podOrder(runai.pods.filter((p) => !p.deletedAt));
  const deletedPods = podOrder(runai.pods.filter((p) => p.deletedAt));
  const warmPools = [...gitpod.warmPools].sort(
    (a, b) =>
      Date.parse(a.metadata.createdAt) - Date.parse(b.metadata.createdAt) ||
      byCodeUnit(a.id ?? '', b.id ?? ''),
  );
  const uuids = new Map(
    world.clusters.map((c) => [`accounts/${world.accountId}/clusters/${c.id}`, c.runaiClusterUuid]),
  );
  const uuidOf = (clusterName: string) => {
    const uuid = uuids.get(clusterName);
    if (!uuid) throw new Error(`no Run:ai UUID for ${clusterName}`);
    return uuid;
  };
  const parts = (name: string) => name.split('/');
  return {
    accountId: world.accountId,
    clusters,
    nodePools,
    batchJobs,
    pods,
    deletedPods,
    warmPools,
    uuidOf,
    nodePoolsOf: (clusterName) => nodePools.filter((p) => p.name.startsWith(`${clusterName}/nodePools/`)),
    batchJobsOf: (nodePoolName) => {
      const [, , , cluster, , pool] = parts(nodePoolName);
      return batchJobs.filter((j) => parts(j.name)[3] === cluster && j.nodePoolId === pool);
    },
    podsOfCluster: (clusterName) => pods.filter((p) => p.clusterId === uuidOf(clusterName)),
    podsOfNodePool: (nodePoolName) => {
      const clusterName = parts(nodePoolName).slice(0, 4).join('/');
      const pool = parts(nodePoolName)[5];
      return pods.filter((p) => p.clusterId === uuidOf(clusterName) && p.currentNodePool === pool);
    },
    podsOfWorkload: (workloadId) => pods.filter((p) => p.workloadId === workloadId),
  };
}

/**
 * The request a Fireworks list call is recorded as by the simulator (`gw.requests('fireworks')`):
 * `collection` of `account` with exactly `query`, the demo credential masked, answered 200.
 */
export function fireworksListRequest(account: string, collection: string, query: Record<string, string>) {
  return {
    operation: `List${collection[0]!.toUpperCase()}${collection.slice(1)}`,
    method: 'GET',
    path: `/v1/accounts/${account}/${collection}`,
    query,
    body: null,
    credential: CREDENTIALS.fireworks.masked,
    status: 200,
  };
}
