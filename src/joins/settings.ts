/**
 * How the vendors' resources are matched to each other, read from the environment once at start
 * (through the configuration): which Run:ai cluster UUID is which Fireworks cluster, and how a
 * Fireworks node pool is named on Run:ai.
 */
import { isAnnotationKey, isUuid, parseJsonObject } from '../values.js';

/** The node pool join key: the short id, or an annotation's value. */
export type NodePoolKey = { kind: 'id' } | { kind: 'annotation'; key: string };

/** The join settings, as the configuration holds them. */
export interface JoinSettings {
  /** Fireworks cluster id → Run:ai cluster UUID (`RUNAI_CLUSTER_MAP`); empty = demo mapping. */
  runaiClusterMap: Record<string, string>;
  /**
   * How a Fireworks node pool is named on the Run:ai side (`RUNAI_NODE_POOL_KEY`): its short id
   * (`id`, the default), or the value of one of its annotations (`annotation:<key>`).
   */
  runaiNodePoolKey: NodePoolKey;
  /** GPUs per node by instance or machine type (`GPU_INSTANCE_TYPES`), over the built-in table. */
  gpuInstanceTypes: Record<string, number>;
  /**
   * The most not-completed Run:ai pods the GPU figures read per request (`GPU_SCAN_BUDGET`), in
   * list_pods pages of 500: the whole fleet's, since Run:ai cannot filter on several pools at once.
   */
  gpuScanBudget: number;
}

/** GPU_SCAN_BUDGET's default: 10 list_pods calls per request asking GPU figures. */
export const DEFAULT_GPU_SCAN_BUDGET = 5000;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the join settings; `fail` stops the start with a message naming the variable. */
export function readJoinSettings(env: Env, fail: (message: string) => never): JoinSettings {
  return {
    runaiClusterMap: clusterMap(env, fail),
    runaiNodePoolKey: nodePoolKey(env, fail),
    gpuInstanceTypes: gpuInstanceTypes(env, fail),
    gpuScanBudget: gpuScanBudget(env, fail),
  };
}

function gpuScanBudget(env: Env, fail: (message: string) => never): number {
  const raw = env.GPU_SCAN_BUDGET?.trim();
  if (!raw) return DEFAULT_GPU_SCAN_BUDGET;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 500 || n > 100_000) {
    fail(`GPU_SCAN_BUDGET must be an integer from 500 to 100000 (pods), got ${JSON.stringify(raw)}`);
  }
  return n;
}

function gpuInstanceTypes(env: Env, fail: (message: string) => never): Record<string, number> {
  const raw = env.GPU_INSTANCE_TYPES?.trim();
  if (!raw) return {};
  const shape =
    'GPU_INSTANCE_TYPES must be a JSON object {"<instance or machine type>": <GPUs per node, 0..64>}';
  const parsed = parseJsonObject(raw) ?? fail(shape);
  const table: Record<string, number> = {};
  for (const [type, gpus] of Object.entries(parsed)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(type)) {
      fail(`GPU_INSTANCE_TYPES key "${type.slice(0, 80)}" is not an instance or machine type`);
    }
    if (typeof gpus !== 'number' || !Number.isInteger(gpus) || gpus < 0 || gpus > 64) {
      fail(`GPU_INSTANCE_TYPES["${type}"] must be an integer from 0 to 64, got ${JSON.stringify(gpus)}`);
    }
    table[type] = gpus;
  }
  return table;
}

function clusterMap(env: Env, fail: (message: string) => never): Record<string, string> {
  const raw = env.RUNAI_CLUSTER_MAP?.trim();
  if (!raw) return {};
  const shape = 'RUNAI_CLUSTER_MAP must be a JSON object {"<fireworks cluster id>": "<run:ai cluster uuid>"}';
  const parsed = parseJsonObject(raw) ?? fail(shape);
  const map: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [cluster, uuid] of Object.entries(parsed)) {
    if (typeof uuid !== 'string' || !isUuid(uuid)) {
      fail(`RUNAI_CLUSTER_MAP["${cluster}"] must be a UUID, got ${JSON.stringify(uuid)}`);
    }
    if (seen.has(uuid.toLowerCase())) fail(`RUNAI_CLUSTER_MAP maps two clusters to ${uuid}`);
    seen.add(uuid.toLowerCase());
    map[cluster] = uuid.toLowerCase();
  }
  return map;
}

function nodePoolKey(env: Env, fail: (message: string) => never): NodePoolKey {
  const raw = env.RUNAI_NODE_POOL_KEY?.trim();
  if (!raw || raw === 'id') return { kind: 'id' };
  const key = /^annotation:(.+)$/.exec(raw)?.[1];
  if (!key || !isAnnotationKey(key)) {
    fail(`RUNAI_NODE_POOL_KEY must be "id" or "annotation:<kubernetes annotation key>", got "${raw}"`);
  }
  return { kind: 'annotation', key };
}
