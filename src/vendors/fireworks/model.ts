/**
 * The Fireworks resources as the graph models them: mapped once from the wire format (which stays
 * in this folder) into the domain objects every resolver and join sees. Relations are left out:
 * resolvers load them. `__typename` says which GraphQL type an object is, so type detection
 * (Node, unions) never guesses from fields.
 */
import type { BatchJob, BatchJobStateCount, Cluster, NodePool, Status } from '../../generated/graphql.js';
import { encodeGlobalId } from '../../graphql/global-id.js';
import { keyValues } from '../../graphql/shared.js';
import type {
  FireworksBatchJob,
  FireworksBatchJobState,
  FireworksCluster,
  FireworksNodePool,
  FireworksStatus,
} from './client.js';
import { shortId } from './names.js';

/**
 * A cluster, without its connections and the deprecated `…Time` aliases (resolvers.ts answers
 * those from the `…At` fields, so a subscription's changedFields names each change once).
 */
export type ClusterModel = Omit<
  Cluster,
  '__typename' | 'nodePools' | 'pods' | 'createTime' | 'updateTime'
> & {
  __typename: 'Cluster';
};
/** A node pool, without its relations and the deprecated `…Time` aliases. */
export type NodePoolModel = Omit<
  NodePool,
  '__typename' | 'cluster' | 'batchJobs' | 'pods' | 'createTime' | 'updateTime'
> & {
  __typename: 'NodePool';
};
/** A batch job, without its relations and the deprecated `…Time` aliases. */
export type BatchJobModel = Omit<
  BatchJob,
  '__typename' | 'cluster' | 'nodePool' | 'createTime' | 'startTime' | 'endTime' | 'updateTime'
> & {
  __typename: 'BatchJob';
};

/** The three Fireworks Node types, by the key of their global IDs: the resource name. */
export type FireworksKind = 'Cluster' | 'NodePool' | 'BatchJob';

/** Given a Fireworks resource, returns its global ID (the one place these IDs are encoded). */
export function fireworksGlobalId(kind: FireworksKind, name: string): string {
  return encodeGlobalId(kind, name);
}

/** Given a cluster as Fireworks sends it, returns the domain object. */
export function toCluster(c: FireworksCluster): ClusterModel {
  return {
    __typename: 'Cluster',
    id: fireworksGlobalId('Cluster', c.name),
    name: c.name,
    clusterId: shortId(c.name),
    displayName: c.displayName ?? null,
    createdAt: c.createTime ?? null,
    updatedAt: c.updateTime ?? null,
    state: c.state ?? null,
    status: toStatus(c.status),
    backend: c.eksCluster
      ? { __typename: 'EksCluster', ...c.eksCluster }
      : c.fakeCluster
        ? { __typename: 'FakeCluster', ...c.fakeCluster }
        : null,
  };
}

/** Given a node pool as Fireworks sends it, returns the domain object. */
export function toNodePool(p: FireworksNodePool): NodePoolModel {
  const stats = p.nodePoolStats;
  return {
    __typename: 'NodePool',
    id: fireworksGlobalId('NodePool', p.name),
    name: p.name,
    nodePoolId: shortId(p.name),
    displayName: p.displayName ?? null,
    createdAt: p.createTime ?? null,
    updatedAt: p.updateTime ?? null,
    minNodeCount: p.minNodeCount ?? null,
    maxNodeCount: p.maxNodeCount ?? null,
    overprovisionNodeCount: p.overprovisionNodeCount ?? null,
    backend: p.eksNodePool
      ? { __typename: 'EksNodePool', ...p.eksNodePool, subnetIds: p.eksNodePool.subnetIds ?? [] }
      : p.fakeNodePool
        ? { __typename: 'FakeNodePool', ...p.fakeNodePool }
        : null,
    annotations: keyValues(p.annotations),
    state: p.state ?? null,
    status: toStatus(p.status),
    stats: stats
      ? {
          nodeCount: stats.nodeCount ?? null,
          ranksPerNode: stats.ranksPerNode ?? null,
          environmentCount: stats.environmentCount ?? null,
          environmentRanks: stats.environmentRanks ?? null,
          batchJobCounts: stateCounts(stats.batchJobCount),
          batchJobRanks: stateCounts(stats.batchJobRanks),
        }
      : null,
  };
}

/** Given a batch job as Fireworks sends it, returns the domain object. */
export function toBatchJob(j: FireworksBatchJob): BatchJobModel {
  return {
    __typename: 'BatchJob',
    id: fireworksGlobalId('BatchJob', j.name),
    name: j.name,
    batchJobId: shortId(j.name),
    displayName: j.displayName ?? null,
    nodePoolId: j.nodePoolId ?? null,
    createdAt: j.createTime ?? null,
    startedAt: j.startTime ?? null,
    endedAt: j.endTime ?? null,
    updatedAt: j.updateTime ?? null,
    createdBy: j.createdBy ?? null,
    environmentId: j.environmentId ?? null,
    snapshotId: j.snapshotId ?? null,
    imageRef: j.imageRef ?? null,
    numRanks: j.numRanks ?? null,
    envVars: keyValues(j.envVars),
    role: j.role ?? null,
    // A required field the answer lacks stays missing: its non-null field then errors.
    executor: j.pythonExecutor
      ? {
          __typename: 'PythonExecutor',
          targetType: j.pythonExecutor.targetType ?? 'TARGET_TYPE_UNSPECIFIED',
          target: j.pythonExecutor.target as string,
          args: j.pythonExecutor.args ?? [],
        }
      : j.notebookExecutor
        ? { __typename: 'NotebookExecutor', notebookFilename: j.notebookExecutor.notebookFilename as string }
        : j.shellExecutor
          ? { __typename: 'ShellExecutor', command: j.shellExecutor.command as string }
          : null,
    annotations: keyValues(j.annotations),
    state: j.state ?? null,
    status: j.status ?? null,
    shared: j.shared ?? null,
  };
}

function toStatus(status: FireworksStatus | undefined): Status | null {
  return status ? { code: status.code ?? 'OK', message: status.message ?? '' } : null;
}

function stateCounts(map: Record<string, number> | undefined): BatchJobStateCount[] {
  return Object.entries(map ?? {})
    .filter(([state]) => BATCH_JOB_STATES.has(state))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([state, count]) => ({ state: state as FireworksBatchJobState, count }));
}

// Keyed by the wire enum, so the compiler keeps it complete when the OpenAPI document changes.
const BATCH_JOB_STATES = new Set(
  Object.keys({
    STATE_UNSPECIFIED: true,
    CREATING: true,
    QUEUED: true,
    PENDING: true,
    RUNNING: true,
    COMPLETED: true,
    FAILED: true,
    CANCELLING: true,
    CANCELLED: true,
    DELETING: true,
  } satisfies Record<FireworksBatchJobState, true>),
);
