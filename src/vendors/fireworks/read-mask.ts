/**
 * Selection-set pushdown for Fireworks: the `readMask` that names only the wire fields the
 * operation's selections on a type need, plus `name` (ids, joins and cursors all derive from it).
 */
import type { SelectedFields } from '../../graphql/selection.js';

type MaskTable = Record<string, string[]>;

const CLUSTER: MaskTable = {
  displayName: ['display_name'],
  createTime: ['create_time'],
  updateTime: ['update_time'],
  createdAt: ['create_time'],
  updatedAt: ['update_time'],
  state: ['state'],
  status: ['status'],
  backend: ['eks_cluster', 'fake_cluster'],
};

const NODE_POOL: MaskTable = {
  displayName: ['display_name'],
  createTime: ['create_time'],
  updateTime: ['update_time'],
  createdAt: ['create_time'],
  updatedAt: ['update_time'],
  minNodeCount: ['min_node_count'],
  maxNodeCount: ['max_node_count'],
  overprovisionNodeCount: ['overprovision_node_count'],
  backend: ['eks_node_pool', 'fake_node_pool'],
  annotations: ['annotations'],
  state: ['state'],
  status: ['status'],
  stats: ['node_pool_stats'],
  // NodePool.gpus (the joins): the instance or machine type and the node count.
  gpus: ['eks_node_pool', 'fake_node_pool', 'node_pool_stats'],
};

const BATCH_JOB: MaskTable = {
  displayName: ['display_name'],
  nodePool: ['node_pool_id'],
  nodePoolId: ['node_pool_id'],
  createTime: ['create_time'],
  createdAt: ['create_time'],
  startTime: ['start_time'],
  endTime: ['end_time'],
  startedAt: ['start_time'],
  endedAt: ['end_time'],
  updateTime: ['update_time'],
  updatedAt: ['update_time'],
  createdBy: ['created_by'],
  environmentId: ['environment_id'],
  snapshotId: ['snapshot_id'],
  imageRef: ['image_ref'],
  numRanks: ['num_ranks'],
  envVars: ['env_vars'],
  role: ['role'],
  executor: ['python_executor', 'notebook_executor', 'shell_executor'],
  annotations: ['annotations'],
  state: ['state'],
  status: ['status'],
  shared: ['shared'],
};

const TABLES = { Cluster: CLUSTER, NodePool: NODE_POOL, BatchJob: BATCH_JOB } as const;

/**
 * Given the operation's selections, returns the readMask for a Fireworks type; `always` adds the
 * GraphQL fields a join needs whatever is selected (a node pool's annotations when they name it
 * on another vendor).
 */
export function readMaskFor(
  type: keyof typeof TABLES,
  selected: SelectedFields,
  always: readonly string[] = [],
): string {
  const table = TABLES[type];
  const paths = new Set<string>(['name']);
  // Cluster.gpus and Query.fleetGpus sum node pools' GPU figures: their pools need NodePool.gpus' fields.
  const sums = selected.get('Cluster')?.has('gpus') || selected.get('Query')?.has('fleetGpus');
  const implied = type === 'NodePool' && sums ? ['gpus'] : [];
  for (const field of [...always, ...implied, ...(selected.get(type) ?? [])]) {
    for (const path of table[field] ?? []) paths.add(path);
  }
  return [...paths].sort().join(',');
}
