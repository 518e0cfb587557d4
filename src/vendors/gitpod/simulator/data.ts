/**
 * The Gitpod simulator's data set: `world.gitpod.warmPoolCount` warm pools rendered in the wire
 * format of ListWarmPools, as a pure function of the world (its own `world.prng('gitpod')`).
 *
 * Shape of the data, so that every code path of a client meets real-looking records:
 * - one warm pool per distinct <projectId, environmentClassId> pair of `world.gitpod`, all owned
 *   by `world.gitpod.organizationId`;
 * - each environment class belongs to one runner, so pools of the same class share `runnerId`;
 * - every `WarmPoolPhase` occurs; DEGRADED pools carry a `failureMessage`;
 * - `minSize <= maxSize <= 20`; about a third are legacy pools that still carry the deprecated
 *   `spec.desiredSize` with `minSize = maxSize = desiredSize`;
 * - serialisation follows protojson: optional fields holding a zero value (0, "", no snapshot)
 *   are omitted, int64 versions are strings, timestamps are RFC 3339 in whole seconds;
 * - timestamps fall in the year before `world.epoch`; `updatedAt >= createdAt`.
 *
 * The returned list is in the simulator's default order: `metadata.createdAt` ascending, then
 * `id` ascending.
 */
import type { Prng } from '../../../simulators/prng.js';
import type { World } from '../../../simulators/world.js';
import type { components } from '../wire.gen.js';

/** A warm pool as ListWarmPools serialises it. */
export type WireWarmPool = components['schemas']['WarmPool'];
/** One of the six warm pool phases. */
export type WarmPoolPhase = components['schemas']['WarmPoolPhase'];

/** The Gitpod simulator's records. */
export interface GitpodData {
  /** Every warm pool, in the default order (createdAt, then id). */
  warmPools: WireWarmPool[];
}

/** Every warm pool phase, in the order of the enum. */
export const WARM_POOL_PHASES: readonly WarmPoolPhase[] = [
  'WARM_POOL_PHASE_UNSPECIFIED',
  'WARM_POOL_PHASE_PENDING',
  'WARM_POOL_PHASE_READY',
  'WARM_POOL_PHASE_DEGRADED',
  'WARM_POOL_PHASE_DELETING',
  'WARM_POOL_PHASE_DELETED',
];

const DAY_MS = 86_400_000;
const MAX_POOL_SIZE = 20;

// Weights of the phases after the first six pools (which take one phase each): most pools are
// serving, a few are starting, failing or going away.
const PHASE_WEIGHTS: ReadonlyArray<[WarmPoolPhase, number]> = [
  ['WARM_POOL_PHASE_UNSPECIFIED', 0.04],
  ['WARM_POOL_PHASE_PENDING', 0.1],
  ['WARM_POOL_PHASE_READY', 0.6],
  ['WARM_POOL_PHASE_DEGRADED', 0.12],
  ['WARM_POOL_PHASE_DELETING', 0.07],
  ['WARM_POOL_PHASE_DELETED', 0.07],
];

const FAILURE_MESSAGES: readonly string[] = [
  'snapshot restore failed: volume snapshot not found in the runner region',
  'runner reports insufficient capacity for the environment class',
  'instances failed their readiness check after 10m0s',
  'image pull failed: registry rate limit exceeded',
  'prebuild snapshot is incompatible with the environment class machine type',
];

/** Given a world, returns its warm pools in the default order (deterministic). */
export function generateGitpodData(world: World): GitpodData {
  const prng = world.prng('gitpod');
  const { projectIds, environmentClassIds, organizationId, warmPoolCount } = world.gitpod;

  // Runners host several environment classes each; a class is served by exactly one runner.
  const runnerIds = Array.from({ length: Math.max(3, Math.ceil(environmentClassIds.length / 3)) }, () =>
    prng.uuid(),
  );
  const runnerOfClass = new Map(environmentClassIds.map((id) => [id, prng.pick(runnerIds)]));

  const pairs = shuffle(
    prng,
    projectIds.flatMap((projectId) => environmentClassIds.map((classId) => [projectId, classId] as const)),
  );
  if (warmPoolCount > pairs.length) {
    throw new Error(
      `world.gitpod.warmPoolCount must be at most projects x classes (${pairs.length}), got ${warmPoolCount}`,
    );
  }

  const warmPools = pairs.slice(0, warmPoolCount).map(([projectId, environmentClassId], index) => {
    const phase =
      index < WARM_POOL_PHASES.length ? (WARM_POOL_PHASES[index] as WarmPoolPhase) : pickPhase(prng);
    return renderWarmPool(prng, world.epoch, phase, {
      projectId,
      environmentClassId,
      organizationId,
      runnerId: runnerOfClass.get(environmentClassId) as string,
    });
  });
  warmPools.sort(compareDefaultOrder);
  return { warmPools };
}

/** Orders warm pools as ListWarmPools lists them: createdAt ascending, then id ascending. */
export function compareDefaultOrder(a: WireWarmPool, b: WireWarmPool): number {
  const byCreated = Date.parse(a.metadata.createdAt) - Date.parse(b.metadata.createdAt);
  if (byCreated !== 0) return byCreated;
  const [idA, idB] = [a.id ?? '', b.id ?? ''];
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

interface Owner {
  projectId: string;
  environmentClassId: string;
  organizationId: string;
  runnerId: string;
}

function renderWarmPool(prng: Prng, epoch: Date, phase: WarmPoolPhase, owner: Owner): WireWarmPool {
  const id = prng.uuid();
  const createdAt = prng.date(new Date(epoch.getTime() - 365 * DAY_MS), 330 * DAY_MS);
  const updatedAt = prng.date(createdAt, epoch.getTime() - createdAt.getTime());

  const legacy = prng.chance(0.3);
  const maxSize = prng.int(1, MAX_POOL_SIZE);
  const minSize = legacy ? maxSize : prng.int(0, maxSize);
  const hasSnapshot = phase !== 'WARM_POOL_PHASE_UNSPECIFIED' && phase !== 'WARM_POOL_PHASE_PENDING';
  const goingAway = phase === 'WARM_POOL_PHASE_DELETING' || phase === 'WARM_POOL_PHASE_DELETED';

  const spec: WireWarmPool['spec'] = {
    desiredPhase: goingAway ? 'WARM_POOL_PHASE_DELETED' : 'WARM_POOL_PHASE_READY',
    ...(legacy ? { desiredSize: maxSize } : {}),
    maxSize,
    minSize,
    ...(hasSnapshot ? { snapshotId: prng.uuid() } : {}),
    specVersion: String(prng.int(1, 12)),
  };

  return {
    id,
    metadata: {
      createdAt: protojsonTimestamp(createdAt),
      updatedAt: protojsonTimestamp(updatedAt),
      environmentClassId: owner.environmentClassId,
      organizationId: owner.organizationId,
      projectId: owner.projectId,
      runnerId: owner.runnerId,
    },
    spec,
    status: renderStatus(prng, phase, minSize, maxSize),
  };
}

function renderStatus(
  prng: Prng,
  phase: WarmPoolPhase,
  minSize: number,
  maxSize: number,
): WireWarmPool['status'] {
  let desiredSize = 0;
  let running = 0;
  let stopped = 0;
  let failureMessage = '';
  switch (phase) {
    case 'WARM_POOL_PHASE_UNSPECIFIED':
      // Created, but the runner has not reported yet: no status beyond the phase.
      return { phase };
    case 'WARM_POOL_PHASE_PENDING':
      desiredSize = prng.int(minSize, maxSize);
      stopped = prng.int(0, desiredSize);
      break;
    case 'WARM_POOL_PHASE_READY':
      desiredSize = prng.int(minSize, maxSize);
      running = Math.max(0, desiredSize - prng.int(0, 2));
      stopped = prng.int(0, maxSize - running);
      break;
    case 'WARM_POOL_PHASE_DEGRADED':
      desiredSize = prng.int(Math.max(1, minSize), maxSize);
      running = prng.int(0, desiredSize - 1);
      stopped = prng.int(0, maxSize - running);
      failureMessage = prng.pick(FAILURE_MESSAGES);
      break;
    case 'WARM_POOL_PHASE_DELETING':
      running = prng.int(0, 2);
      stopped = prng.int(0, 2);
      break;
    case 'WARM_POOL_PHASE_DELETED':
      break;
  }
  return {
    phase,
    ...(desiredSize ? { desiredSize } : {}),
    ...(failureMessage ? { failureMessage } : {}),
    ...(running ? { runningInstances: running } : {}),
    statusVersion: String(prng.int(1, 40)),
    ...(stopped ? { stoppedInstances: stopped } : {}),
  };
}

function pickPhase(prng: Prng): WarmPoolPhase {
  let roll = prng.next();
  for (const [phase, weight] of PHASE_WEIGHTS) {
    if (roll < weight) return phase;
    roll -= weight;
  }
  return 'WARM_POOL_PHASE_READY';
}

function shuffle<T>(prng: Prng, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Formats a timestamp as protojson does for whole seconds: RFC 3339, UTC, no fraction. */
function protojsonTimestamp(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
