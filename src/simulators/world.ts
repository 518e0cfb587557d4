import { WorldMotion } from './motion.js';
import { Prng } from './prng.js';

/**
 * The skeleton that the three vendor simulators share, so that their data sets relate the way a
 * real fleet does: each Fireworks cluster is also a Run:ai cluster (known to Run:ai by a UUID),
 * and Run:ai pods run on the Fireworks node pools by their short id.
 *
 * Each vendor simulator renders its own wire format from this skeleton with its own `Prng`
 * (`world.prng('fireworks')`, ...), so adding a field to one vendor never shifts another's data.
 *
 * What two vendors must agree on is decided here: each pool's state and node count (Fireworks
 * serves them) and its GPUs per node (Fireworks' instance type has them; Run:ai fits its pods on
 * those nodes), so no pool's Run:ai pods hold more GPUs than its Fireworks nodes have.
 */
export interface WorldOptions {
  /** `SIM_SEED`: every generated value is a pure function of it and of `scale`. */
  seed: number;
  /** `SIM_SCALE`: 1 fits a demo; pods ≈ 1000 × scale, batch jobs ≈ 900 × scale. */
  scale: number;
  /** The Fireworks account that owns every cluster (`FIREWORKS_ACCOUNT_ID`). */
  accountId: string;
}

export interface WorldNodePool {
  /** Short id, unique within its cluster (and, in this data set, within the account). */
  id: string;
  /** Accelerator of the pool's instances; `cpu` pools have none. */
  accelerator: 'h100' | 'a100' | 'l4' | 'cpu';
  /** How many batch jobs the Fireworks simulator creates on this pool. */
  batchJobCount: number;
  /** How many Run:ai pods the Run:ai simulator places on this pool. */
  podCount: number;
  /** Lifecycle state (Fireworks `state`); CREATING and FAILED pools have no nodes. */
  state: WorldNodePoolState;
  /** Autoscaling bounds (Fireworks `minNodeCount` / `maxNodeCount`). */
  minNodeCount: number;
  maxNodeCount: number;
  /** Nodes now (Fireworks `nodeCount`): the nodes Run:ai's running pods sit on. */
  nodeCount: number;
  /** GPUs of each node, from the accelerator (the instance types Fireworks gives the pool have as many). */
  gpusPerNode: number;
}

/** The lifecycle states a node pool can be in. */
export type WorldNodePoolState = 'READY' | 'CREATING' | 'FAILED' | 'DELETING';

export interface WorldCluster {
  /** Fireworks cluster id (the last segment of `accounts/{a}/clusters/{c}`). */
  id: string;
  backend: 'eks' | 'fake';
  /** The UUID by which Run:ai knows the same cluster (`clusterId` of a pod). */
  runaiClusterUuid: string;
  nodePools: WorldNodePool[];
}

export interface World extends WorldOptions {
  /** Fixed origin of every generated timestamp, so data never depends on the wall clock. */
  epoch: Date;
  clusters: WorldCluster[];
  /** Gitpod projects and environment classes: one warm pool per pair that exists. */
  gitpod: {
    projectIds: string[];
    environmentClassIds: string[];
    organizationId: string;
    warmPoolCount: number;
  };
  /** Returns a generator private to one consumer (e.g. a vendor), derived from the seed. */
  prng(salt: string): Prng;
  /** The simulated clock and the changes applied to the vendors' records (still until asked). */
  motion: WorldMotion;
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'eu-central-1', 'us-east-2'];
const ROLES = ['prod', 'research', 'staging', 'dev'];
const ACCELERATORS: WorldNodePool['accelerator'][] = ['h100', 'a100', 'l4', 'cpu'];
const CAPACITY = ['spot', 'ondemand', 'reserved'];
// Most pools are READY; a fixed rotation over the account's pools puts the others in every other state.
const STATES: WorldNodePoolState[] = [
  'READY',
  'READY',
  'READY',
  'READY',
  'CREATING',
  'READY',
  'FAILED',
  'READY',
  'DELETING',
];

/** GPUs per node of each accelerator's instances (p5 / a3-highgpu-8g, p4d / a2-highgpu-8g, g6.12xlarge / g2-standard-48). */
export const ACCELERATOR_GPUS: Readonly<Record<WorldNodePool['accelerator'], number>> = {
  h100: 8,
  a100: 8,
  l4: 4,
  cpu: 0,
};
// How many of a GPU pool's pods (finished ones included) one node typically hosts: sizes the pools
// so that their pods about fit, before a random headroom makes some pools full and others idle.
const PODS_PER_NODE: Readonly<Record<Exclude<WorldNodePool['accelerator'], 'cpu'>, number>> = {
  h100: 6,
  a100: 10,
  l4: 9,
};
// Pools without nodes get a smaller share of the pods: only pending and finished ones stay there.
const POD_WEIGHT: Readonly<Record<WorldNodePoolState, number>> = {
  READY: 1,
  DELETING: 0.3,
  CREATING: 0.15,
  FAILED: 0.15,
};

/** The demo defaults, documented in the README. */
export const DEFAULT_WORLD_OPTIONS: WorldOptions = { seed: 42, scale: 1, accountId: 'fleetgraph-demo' };

function hashSalt(salt: string): number {
  let h = 2166136261;
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Given a seed, a scale and an account, returns the deterministic fleet skeleton. */
export function createWorld(options: Partial<WorldOptions> = {}): World {
  const { seed, scale, accountId } = { ...DEFAULT_WORLD_OPTIONS, ...options };
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`World seed must be a non-negative integer, got ${seed}`);
  if (!(scale > 0)) throw new Error(`World scale must be a positive number, got ${scale}`);
  const prng = new Prng(seed ^ hashSalt('world'));

  const clusterCount = Math.max(4, Math.round(4 * Math.sqrt(scale)));
  const clusters: WorldCluster[] = [];
  const targetJobs = Math.round(900 * scale);
  const targetPods = Math.round(1000 * scale);
  for (let c = 0; c < clusterCount; c++) {
    const region = REGIONS[c % REGIONS.length] as string;
    const role = ROLES[Math.floor(c / REGIONS.length) % ROLES.length] as string;
    const generation = Math.floor(c / (REGIONS.length * ROLES.length));
    const backend: WorldCluster['backend'] = c % 4 === 3 ? 'fake' : 'eks';
    const id = `${backend === 'fake' ? 'fake-' : ''}${region}-${role}${generation > 0 ? `-${generation}` : ''}`;
    const poolCount = prng.int(3, 5);
    const nodePools: WorldNodePool[] = [];
    for (let p = 0; p < poolCount; p++) {
      const accelerator = ACCELERATORS[p % ACCELERATORS.length] as WorldNodePool['accelerator'];
      const capacity = CAPACITY[(c + p) % CAPACITY.length] as string;
      nodePools.push({
        id: `${accelerator}-${capacity}-${c + 1}`,
        accelerator,
        batchJobCount: 0,
        podCount: 0,
        state: 'READY',
        minNodeCount: 0,
        maxNodeCount: 0,
        nodeCount: 0,
        gpusPerNode: ACCELERATOR_GPUS[accelerator],
      });
    }
    clusters.push({ id, backend, runaiClusterUuid: prng.uuid(), nodePools });
  }

  // Spread jobs and pods with a skew: the first pool is the busy one (more than five default pages
  // of batch jobs at scale 1), the rest share the remainder by random weights.
  const pools = clusters.flatMap((c) => c.nodePools);
  pools.forEach((pool, i) => (pool.state = STATES[i % STATES.length] as WorldNodePoolState));
  const busy = pools[0] as WorldNodePool;
  busy.batchJobCount = Math.round(300 * scale);
  distribute(prng, pools.slice(1), targetJobs - busy.batchJobCount, (p, n) => (p.batchJobCount = n));
  const gpuPools = pools.filter((p) => p.accelerator !== 'cpu');
  distribute(
    prng,
    gpuPools,
    targetPods,
    (p, n) => (p.podCount = n),
    (p) => POD_WEIGHT[p.state],
  );

  const projectCount = Math.max(15, Math.round(15 * Math.sqrt(scale)));
  const classCount = Math.max(10, Math.round(10 * Math.sqrt(scale)));
  const epoch = new Date('2026-01-01T00:00:00Z');
  const derive = (salt: string) => new Prng(seed ^ hashSalt(salt));
  // Node counts come from a generator of their own, so that they leave every other value as it was.
  const sizing = derive('world:nodes');
  for (const pool of pools) size(sizing, pool);
  return {
    seed,
    scale,
    accountId,
    epoch,
    clusters,
    gitpod: {
      projectIds: Array.from({ length: projectCount }, () => prng.uuid()),
      environmentClassIds: Array.from({ length: classCount }, () => prng.uuid()),
      organizationId: prng.uuid(),
      warmPoolCount: Math.min(projectCount * classCount, Math.max(130, Math.round(140 * scale))),
    },
    prng: derive,
    motion: new WorldMotion(epoch, derive),
  };
}

/** Given a pool with its pods, draws its autoscaling bounds and node count. */
function size(prng: Prng, pool: WorldNodePool): void {
  // A GPU pool is sized for 0.5..1.5 times what its pods need: below 1 it fills up and pods wait.
  const target =
    pool.accelerator === 'cpu'
      ? prng.int(1, 12)
      : Math.max(1, Math.round((pool.podCount / PODS_PER_NODE[pool.accelerator]) * (0.5 + prng.next())));
  pool.maxNodeCount = target + prng.int(0, Math.ceil(target / 2));
  pool.minNodeCount = prng.int(0, Math.floor(target / 2));
  pool.nodeCount =
    pool.state === 'READY' ? target : pool.state === 'DELETING' ? prng.int(0, pool.minNodeCount) : 0;
}

function distribute<T>(
  prng: Prng,
  items: T[],
  total: number,
  set: (item: T, n: number) => void,
  weight: (item: T) => number = () => 1,
): void {
  const weights = items.map((item) => (0.2 + prng.next()) * weight(item));
  const sum = weights.reduce((a, b) => a + b, 0);
  let left = total;
  items.forEach((item, i) => {
    const n =
      i === items.length - 1 ? left : Math.min(left, Math.round((total * (weights[i] as number)) / sum));
    set(item, n);
    left -= n;
  });
}
