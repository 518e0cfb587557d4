/**
 * How the Fireworks records move (see simulators/motion.ts): a batch job's state and a node
 * pool's node count, edited in place so ListBatchJobs and ListNodePools serve them at once.
 *
 * Decisions: a batch job entering RUNNING gets a `startTime` if it had none, a final state
 * (COMPLETED, FAILED, CANCELLED) an `endTime`, and its `status` the text of its new state. Its
 * node pool's `nodePoolStats` (job counts and ranks by state) are recomputed so they keep agreeing
 * with ListBatchJobs, without touching the pool's `updateTime`: the stats are a derived view, not
 * an update of the pool. A node count change sets `nodePoolStats.nodeCount` (and `numNodes` of a
 * fake pool) and the pool's `updateTime`.
 */
import type { Prng } from '../../../simulators/prng.js';
import {
  MotionError,
  type AppliedChange,
  type MutableKind,
  type VendorMotion,
} from '../../../simulators/motion.js';
import type { FireworksBatchJobRecord, FireworksData, FireworksNodePoolRecord } from './data.js';
import { BATCH_JOB_STATES } from './fields.js';

type BatchJobState = NonNullable<FireworksBatchJobRecord['state']>;
// Output-only fields are readonly in the wire types; the simulator is the server that sets them.
type Writable<T> = { -readonly [K in keyof T]: T[K] };

const FINAL: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
/** Where evolution takes a batch job next; a job in any other state stays. */
const NEXT_STATE: Partial<Record<BatchJobState, (prng: Prng) => BatchJobState>> = {
  CREATING: () => 'QUEUED',
  QUEUED: () => 'PENDING',
  PENDING: () => 'RUNNING',
  RUNNING: (prng) => (prng.chance(0.25) ? 'FAILED' : 'COMPLETED'),
  CANCELLING: () => 'CANCELLED',
};
const STATUS: Partial<Record<BatchJobState, string>> = {
  QUEUED: 'queued',
  PENDING: 'waiting for free ranks',
  RUNNING: 'running',
  CANCELLING: 'cancellation requested',
  COMPLETED: 'exit code 0',
  FAILED: 'exit code 1',
  CANCELLED: 'cancelled',
};

/** Returns the motion of a Fireworks data set. */
export function createFireworksMotion(data: FireworksData): VendorMotion {
  const jobs = new Map(data.batchJobs.map((j) => [j.name, j]));
  const pools = new Map(data.nodePools.map((p) => [p.name, p]));

  function poolOf(job: FireworksBatchJobRecord): FireworksNodePoolRecord | undefined {
    const cluster = job.name.slice(0, job.name.indexOf('/batchJobs/'));
    return pools.get(`${cluster}/nodePools/${job.nodePoolId}`);
  }

  function setJobState(record: FireworksBatchJobRecord, state: BatchJobState, at: string): AppliedChange {
    const job = record as Writable<FireworksBatchJobRecord>;
    job.state = state;
    if (state === 'RUNNING' && !job.startTime) job.startTime = at;
    if (FINAL.has(state)) job.endTime = at;
    const status = STATUS[state];
    if (status) job.status = status;
    else delete job.status;
    job.updateTime = at;
    const pool = poolOf(job);
    if (pool) refreshStats(pool as Writable<FireworksNodePoolRecord>, data.batchJobs);
    return { kind: 'batchJob', id: job.name, set: { state }, updateTime: at };
  }

  function setNodeCount(record: FireworksNodePoolRecord, nodeCount: number, at: string): AppliedChange {
    const pool = record as Writable<FireworksNodePoolRecord>;
    pool.nodePoolStats = { ...pool.nodePoolStats, nodeCount };
    if (pool.fakeNodePool) pool.fakeNodePool = { ...pool.fakeNodePool, numNodes: nodeCount };
    pool.updateTime = at;
    return { kind: 'nodePool', id: pool.name, set: { nodeCount }, updateTime: at };
  }

  return {
    kinds: ['batchJob', 'nodePool'],
    mutate(kind: MutableKind, id: string, set: Record<string, unknown>, at: string): AppliedChange {
      if (kind === 'batchJob') {
        const job = jobs.get(id);
        if (!job) throw new MotionError(404, `no batch job named "${id}"`);
        onlyField(set, 'state');
        const state = set.state;
        if (typeof state !== 'string' || !(BATCH_JOB_STATES as readonly string[]).includes(state)) {
          throw new MotionError(400, `"state" must be one of ${BATCH_JOB_STATES.join(', ')}`);
        }
        return setJobState(job, state as BatchJobState, at);
      }
      const pool = pools.get(id);
      if (!pool) throw new MotionError(404, `no node pool named "${id}"`);
      onlyField(set, 'nodeCount');
      const count = set.nodeCount;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 10_000) {
        throw new MotionError(400, '"nodeCount" must be an integer from 0 to 10000');
      }
      return setNodeCount(pool, count, at);
    },
    evolve(prng: Prng, at: () => string): AppliedChange[] {
      const changes: AppliedChange[] = [];
      const moving = data.batchJobs.filter((j) => j.state !== undefined && NEXT_STATE[j.state]);
      if (moving.length > 0) {
        const job = prng.pick(moving);
        changes.push(
          setJobState(
            job,
            (NEXT_STATE[job.state as BatchJobState] as (p: Prng) => BatchJobState)(prng),
            at(),
          ),
        );
      }
      const ready = data.nodePools.filter((p) => p.state === 'READY');
      if (ready.length > 0) {
        const pool = prng.pick(ready);
        const count = pool.nodePoolStats?.nodeCount ?? 0;
        const [min, max] = [pool.minNodeCount ?? 0, pool.maxNodeCount ?? count];
        const next =
          count >= max ? count - 1 : count <= min ? count + 1 : count + (prng.chance(0.5) ? 1 : -1);
        if (next !== count && next >= 0) changes.push(setNodeCount(pool, next, at()));
      }
      return changes;
    },
  };
}

function onlyField(set: Record<string, unknown>, field: string): void {
  const other = Object.keys(set).find((k) => k !== field);
  if (other !== undefined) throw new MotionError(400, `"set" takes only "${field}" here, got "${other}"`);
}

function refreshStats(
  pool: Writable<FireworksNodePoolRecord>,
  allJobs: readonly FireworksBatchJobRecord[],
): void {
  const cluster = pool.name.slice(0, pool.name.indexOf('/nodePools/'));
  const poolId = pool.name.slice(pool.name.lastIndexOf('/') + 1);
  const batchJobCount: Record<string, number> = {};
  const batchJobRanks: Record<string, number> = {};
  for (const state of BATCH_JOB_STATES) {
    const inState = allJobs.filter(
      (job) => job.state === state && job.nodePoolId === poolId && job.name.startsWith(`${cluster}/`),
    );
    if (inState.length === 0) continue;
    batchJobCount[state] = inState.length;
    batchJobRanks[state] = inState.reduce((sum, job) => sum + (job.numRanks ?? 0), 0);
  }
  pool.nodePoolStats = { ...pool.nodePoolStats, batchJobCount, batchJobRanks };
}
