/**
 * The Fireworks data set: clusters, node pools and batch jobs in wire format, a pure function of
 * the world (same seed and scale → identical records). Tests use it as ground truth.
 *
 * Shape decisions where the documents are silent:
 * - Proto3 JSON: a field the server has not set (no start time yet, the sub-message of the other
 *   backend, an executor of another kind, an empty map or list) is omitted; a set scalar is sent
 *   even when it is a default (`shared: false`, `status.code: "OK"`).
 * - Every world cluster and node pool appears; each pool carries exactly its world
 *   `batchJobCount` jobs, named under the pool's cluster and pointing at it by `nodePoolId`.
 * - `nodePoolStats.batchJobCount` / `batchJobRanks` count every job of the pool by state (states
 *   with no job are left out), so they always agree with ListBatchJobs.
 * - Batch job display names include quotes, backslashes, commas, '*' and ':' so that filter
 *   quoting is exercised; some `createTime` values are shared on purpose so ordering ties occur.
 */
import type { Prng } from '../../../simulators/prng.js';
import type { World, WorldCluster, WorldNodePool } from '../../../simulators/world.js';
import type { components } from '../wire.gen.js';
import { BATCH_JOB_STATES } from './fields.js';

type Schemas = components['schemas'];
/** A cluster as the API sends it. */
export type FireworksClusterRecord = Schemas['gatewayCluster'] & { name: string };
/** A node pool as the API sends it. */
export type FireworksNodePoolRecord = Schemas['gatewayNodePool'] & { name: string };
/** A batch job as the API sends it. */
export type FireworksBatchJobRecord = Schemas['gatewayBatchJob'] & { name: string; nodePoolId: string };
type BatchJobState = Schemas['gatewayBatchJobState'];

/** The whole data set of one account. */
export interface FireworksData {
  accountId: string;
  clusters: FireworksClusterRecord[];
  nodePools: FireworksNodePoolRecord[];
  batchJobs: FireworksBatchJobRecord[];
}

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

const INSTANCE_TYPES: Record<WorldNodePool['accelerator'], string> = {
  h100: 'p5.48xlarge',
  a100: 'p4d.24xlarge',
  l4: 'g6.12xlarge',
  cpu: 'm7i.8xlarge',
};
/** GCP-style machine types for the pools of fake clusters. */
const FAKE_MACHINE_TYPES: Record<WorldNodePool['accelerator'], string> = {
  h100: 'a3-highgpu-8g',
  a100: 'a2-highgpu-8g',
  l4: 'g2-standard-48',
  cpu: 'n2-standard-32',
};
const RANKS_PER_NODE: Record<WorldNodePool['accelerator'], number> = { h100: 8, a100: 8, l4: 4, cpu: 1 };

const TEAMS = ['ml-infra', 'research', 'inference', 'platform', 'eval'];
const USERS = [
  'alice@fleetgraph.dev',
  'bob@fleetgraph.dev',
  'carol.nguyen@fleetgraph.dev',
  'dmitri@fleetgraph.dev',
  'ops+batch@fleetgraph.dev',
  'eve.o-brien@fleetgraph.dev',
];
const MODELS = ['llama-3.1-8b', 'llama-3.1-70b', 'qwen2.5-32b', 'mixtral-8x7b', 'deepseek-v3', 'gemma-2-27b'];
const TASKS = ['sft', 'dpo', 'eval', 'pretrain', 'distill', 'quantize', 'embed'];
/** Display names that must survive filter quoting untouched; `#` is replaced by a number. */
const HOSTILE_NAMES = [
  'eval "gsm8k", run #',
  'sweep lr=3e-4 * wd=0.1 #',
  'C:\\data\\shard-#',
  `it's a "test": #`,
  'name = "x" OR name:* #',
  'ablation (no-rope) AND -dropout #',
  'back\\"slash\\\\ #',
  '*wild*card* #',
];
const FAILURES = [
  'exit code 137: OOMKilled',
  'exit code 1: RuntimeError: CUDA error: an illegal memory access was encountered',
  'NCCL watchdog timeout after 1800s on rank 3',
  'image pull failed: manifest unknown',
];
/** The first ten jobs take every state once, so each state exists at any scale. */
const STATE_WEIGHTS: [BatchJobState, number][] = [
  ['COMPLETED', 40],
  ['RUNNING', 15],
  ['FAILED', 12],
  ['CANCELLED', 8],
  ['PENDING', 8],
  ['QUEUED', 4],
  ['CREATING', 4],
  ['CANCELLING', 3],
  ['DELETING', 3],
  ['STATE_UNSPECIFIED', 1],
];
const STARTED: ReadonlySet<BatchJobState> = new Set(['RUNNING', 'COMPLETED', 'CANCELLING']);
const ENDED: ReadonlySet<BatchJobState> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** Given a world, returns its Fireworks data set. */
export function generateFireworksData(world: World): FireworksData {
  const prng = world.prng('fireworks');
  const clusters: FireworksClusterRecord[] = [];
  const nodePools: FireworksNodePoolRecord[] = [];
  const batchJobs: FireworksBatchJobRecord[] = [];
  const jobIds = new Set<string>();
  let poolIndex = 0;

  world.clusters.forEach((worldCluster, clusterIndex) => {
    const cluster = renderCluster(world, worldCluster, clusterIndex, prng);
    clusters.push(cluster.record);
    worldCluster.nodePools.forEach((worldPool, indexInCluster) => {
      const pool = renderNodePool(cluster, worldPool, indexInCluster, poolIndex++, prng);
      const first = batchJobs.length;
      for (let k = 0; k < worldPool.batchJobCount; k++) {
        batchJobs.push(renderBatchJob(world, cluster, worldPool, prng, jobIds, batchJobs));
      }
      pool.nodePoolStats = { ...pool.nodePoolStats, ...jobStats(batchJobs.slice(first)) };
      nodePools.push(pool);
    });
  });
  return { accountId: world.accountId, clusters, nodePools, batchJobs };
}

interface RenderedCluster {
  record: FireworksClusterRecord;
  region: string;
  awsAccountId: string;
  createdAt: number;
  projectId: string;
}

function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function renderCluster(world: World, cluster: WorldCluster, index: number, prng: Prng): RenderedCluster {
  const match = /^(?:fake-)?([a-z]+-[a-z]+-\d+)-(.+)$/.exec(cluster.id);
  const region = match?.[1] ?? 'us-east-1';
  const role = match?.[2] ?? 'prod';
  const awsAccountId = String(prng.int(100_000_000_000, 999_999_999_999));
  // Clusters are months older than any job; spread over ~300 days whatever the scale.
  const createdAt =
    world.epoch.getTime() - 400 * DAY + ((index * 7) % 300) * DAY + prng.int(0, 86_399) * 1000;
  const projectId = `fleetgraph-sim-${prng.hex(6)}`;
  const base = {
    name: `accounts/${world.accountId}/clusters/${cluster.id}`,
    displayName: `${cluster.backend === 'fake' ? 'Fake ' : ''}${region} (${role})`,
    createTime: timestamp(createdAt),
  };
  const backend: Pick<FireworksClusterRecord, 'eksCluster' | 'fakeCluster'> =
    cluster.backend === 'eks'
      ? {
          eksCluster: {
            awsAccountId,
            region,
            fireworksManagerRole: `arn:aws:iam::${awsAccountId}:role/FireworksManagerRole`,
            clusterName: `fw-${cluster.id}`,
            storageBucketName: `fw-${world.accountId}-${cluster.id}-storage`,
            metricWriterRole: `arn:aws:iam::${awsAccountId}:role/fw-${cluster.id}-metric-writer`,
            loadBalancerControllerRole: `arn:aws:iam::${awsAccountId}:role/fw-${cluster.id}-lb-controller`,
            workloadIdentityPoolProviderId: `aws-${awsAccountId}`,
            inferenceRole: `arn:aws:iam::${awsAccountId}:role/fw-${cluster.id}-inference`,
          },
        }
      : { fakeCluster: { projectId, location: region, clusterName: cluster.id } };
  const record: FireworksClusterRecord = {
    ...base,
    ...backend,
    state: 'READY',
    status: { code: 'OK', message: '' },
    updateTime: timestamp(createdAt + prng.int(1, 90) * DAY),
  };
  return { record, region, awsAccountId, createdAt, projectId };
}

function renderNodePool(
  cluster: RenderedCluster,
  pool: WorldNodePool,
  indexInCluster: number,
  index: number,
  prng: Prng,
): FireworksNodePoolRecord {
  const clusterId = cluster.record.name.split('/').pop() as string;
  const capacity = pool.id.split('-')[1] ?? 'ondemand';
  const ranksPerNode = RANKS_PER_NODE[pool.accelerator];
  // The world decides the pool's state and size: Run:ai's pods run on these nodes.
  const { state, minNodeCount, maxNodeCount, nodeCount } = pool;
  const overprovisionNodeCount = prng.int(0, Math.min(2, minNodeCount, maxNodeCount - minNodeCount));
  const environmentCount = state === 'READY' && nodeCount > 0 ? prng.int(0, 4) : 0;
  const environmentRanks = Math.min(environmentCount * prng.int(1, ranksPerNode), nodeCount * ranksPerNode);
  // The first two pools of a cluster are created together at bootstrap: an ordering tie.
  const createdAt =
    cluster.createdAt +
    (indexInCluster < 2 ? 2 * HOUR : indexInCluster * 3 * DAY + prng.int(0, 86_399) * 1000);
  const zone = `${cluster.region}${prng.pick(['a', 'b', 'c'])}`;
  const instanceType = INSTANCE_TYPES[pool.accelerator];
  const annotations: Record<string, string> = {
    'fleetgraph.dev/team': prng.pick(TEAMS),
    'fleetgraph.dev/cost-center': `cc-${prng.int(1000, 9999)}`,
    // The node pool's name on the Run:ai side, for a gateway joining by annotation
    // (RUNAI_NODE_POOL_KEY=annotation:run.ai/node-pool); in the demo fleet it equals the id.
    'run.ai/node-pool': pool.id,
  };
  if (index % 3 === 0)
    annotations['kubernetes.io/description'] =
      `${pool.accelerator.toUpperCase()} ${capacity} pool, "${zone}"`;
  if (index % 4 === 1)
    annotations['fleetgraph.dev/runbook'] = `https://wiki.fleetgraph.dev/pools/${pool.id}?tab=on-call`;
  const backend: Pick<FireworksNodePoolRecord, 'eksNodePool' | 'fakeNodePool'> = cluster.record.eksCluster
    ? {
        eksNodePool: {
          nodeRole: `arn:aws:iam::${cluster.awsAccountId}:role/fw-${clusterId}-nodes`,
          instanceType,
          spot: capacity === 'spot',
          nodeGroupName: pool.id,
          subnetIds: Array.from({ length: prng.int(1, 2) }, () => `subnet-0${prng.hex(16)}`),
          zone,
          ...(pool.accelerator === 'cpu' ? {} : { placementGroup: `fw-${pool.id}-pg` }),
          launchTemplate: `lt-0${prng.hex(16)}`,
        },
      }
    : {
        fakeNodePool: {
          machineType: FAKE_MACHINE_TYPES[pool.accelerator],
          numNodes: nodeCount,
          serviceAccount: `fw-nodes@${cluster.projectId}.iam.gserviceaccount.com`,
        },
      };
  const status: NonNullable<FireworksNodePoolRecord['status']> =
    state === 'FAILED'
      ? {
          code: 'RESOURCE_EXHAUSTED',
          message: `InsufficientInstanceCapacity: We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${zone}).`,
        }
      : state === 'CREATING'
        ? { code: 'OK', message: `waiting for node group ${pool.id} to become ACTIVE` }
        : state === 'DELETING'
          ? { code: 'OK', message: `draining ${nodeCount} node(s) before deleting node group ${pool.id}` }
          : { code: 'OK', message: '' };
  return {
    name: `${cluster.record.name}/nodePools/${pool.id}`,
    displayName: `${pool.accelerator.toUpperCase()} ${capacity} · ${clusterId}`,
    createTime: timestamp(createdAt),
    minNodeCount,
    maxNodeCount,
    overprovisionNodeCount,
    ...backend,
    annotations,
    state,
    status,
    nodePoolStats: { nodeCount, ranksPerNode, environmentCount, environmentRanks },
    updateTime: timestamp(createdAt + prng.int(1, 60) * DAY),
  };
}

function renderBatchJob(
  world: World,
  cluster: RenderedCluster,
  pool: WorldNodePool,
  prng: Prng,
  usedIds: Set<string>,
  earlier: readonly FireworksBatchJobRecord[],
): FireworksBatchJobRecord {
  const index = earlier.length;
  let id: string;
  do id = String(prng.int(100_000_000, 999_999_999));
  while (usedIds.has(id));
  usedIds.add(id);

  const state: BatchJobState =
    index < BATCH_JOB_STATES.length ? (BATCH_JOB_STATES[index] as BatchJobState) : weighted(prng);
  // About one job in twelve shares its createTime with an earlier job: ties for ordering.
  const tieWith = earlier.length > 0 && prng.chance(0.08) ? prng.pick(earlier).createTime : undefined;
  const createdAt = tieWith
    ? Date.parse(tieWith)
    : world.epoch.getTime() + prng.int(0, 30 * 86_400 - 1) * 1000;
  const started =
    STARTED.has(state) ||
    (state === 'FAILED' && prng.chance(0.85)) ||
    ((state === 'CANCELLED' || state === 'DELETING') && prng.chance(0.5));
  const startedAt = started ? createdAt + prng.int(5, 6 * 3600) * 1000 : undefined;
  const ended = ENDED.has(state) || (state === 'DELETING' && started);
  const endedAt = ended ? (startedAt ?? createdAt) + prng.int(60, 3 * 86_400) * 1000 : undefined;
  const ranksPerNode = RANKS_PER_NODE[pool.accelerator];
  const numRanks =
    pool.accelerator === 'cpu' ? prng.pick([1, 1, 2, 4]) : prng.pick([1, 2, 4, 8, 8, 16, 32, 64]);
  const model = prng.pick(MODELS);
  const task = prng.pick(TASKS);
  const displayName =
    index % 7 === 3
      ? (HOSTILE_NAMES[Math.floor(index / 7) % HOSTILE_NAMES.length] as string).replace('#', String(index))
      : `${model} ${task} #${index}`;

  const executorKind = index < 4 ? index : prng.pick([0, 0, 0, 1, 1, 2, 3, 3]);
  const executor: Pick<FireworksBatchJobRecord, 'pythonExecutor' | 'notebookExecutor' | 'shellExecutor'> =
    executorKind === 0
      ? {
          pythonExecutor: {
            targetType: 'MODULE',
            target: prng.pick(['fleetgraph.train', 'fleetgraph.eval.harness', 'torch.distributed.run']),
            args: ['--config', `configs/${model}/${task}.yaml`, `--seed=${prng.int(0, 9999)}`],
          },
        }
      : executorKind === 1
        ? {
            pythonExecutor: {
              targetType: 'FILENAME',
              target: prng.pick([
                'scripts/finetune.py',
                'scripts/eval_gsm8k.py',
                'tools/convert_checkpoint.py',
              ]),
              ...(prng.chance(0.7) ? { args: ['--model', model, '--prompt', 'say "hi", then stop'] } : {}),
            },
          }
        : executorKind === 2
          ? { notebookExecutor: { notebookFilename: `notebooks/${task}-${model}.ipynb` } }
          : {
              shellExecutor: {
                command: prng.pick([
                  'bash scripts/run_sweep.sh --grid lr',
                  'nvidia-smi && python -c "import torch; print(torch.cuda.device_count())"',
                  `echo "done: ${task}" > /tmp/out.txt`,
                ]),
              },
            };

  const runtime: Pick<FireworksBatchJobRecord, 'imageRef' | 'environmentId' | 'snapshotId'> = prng.chance(0.6)
    ? {
        imageRef: prng.chance(0.5)
          ? `ghcr.io/fleetgraph/trainer:2026.01.${prng.int(1, 30)}`
          : `${cluster.awsAccountId}.dkr.ecr.${cluster.region}.amazonaws.com/fw/trainer@sha256:${prng.hex(64)}`,
      }
    : {
        environmentId: `env-${prng.hex(8)}`,
        ...(prng.chance(0.5) ? { snapshotId: `snap-${prng.hex(10)}` } : {}),
      };

  const envVars: Record<string, string> = {};
  if (prng.chance(0.7)) envVars.WANDB_PROJECT = `${model}-${task}`;
  if (prng.chance(0.4)) envVars.NCCL_DEBUG = prng.pick(['INFO', 'WARN']);
  if (prng.chance(0.3)) envVars.EXTRA_ARGS = '--flag=a,b --name="x y"';
  const annotations: Record<string, string> = {};
  if (prng.chance(0.7)) annotations['fleetgraph.dev/experiment'] = `exp-${prng.int(1, 60)}`;
  if (prng.chance(0.3)) annotations['fleetgraph.dev/priority'] = prng.pick(['high', 'normal', 'low']);
  if (prng.chance(0.2)) {
    annotations['fleetgraph.dev/note'] = prng.pick([
      'rerun of "baseline"',
      'path=/data/shards/*.parquet',
      'owner: research.eval',
    ]);
  }

  const nodes = Math.ceil(numRanks / ranksPerNode);
  const status =
    state === 'RUNNING'
      ? `running on ${nodes} node(s)`
      : state === 'COMPLETED'
        ? 'exit code 0'
        : state === 'FAILED'
          ? prng.pick(FAILURES)
          : state === 'PENDING'
            ? `waiting for ${numRanks} free rank(s) on node pool ${pool.id}`
            : state === 'QUEUED'
              ? 'queued'
              : state === 'CANCELLING' || state === 'CANCELLED'
                ? `cancellation requested by ${prng.pick(USERS)}`
                : '';
  const updatedAt = Math.max(createdAt, startedAt ?? 0, endedAt ?? 0) + prng.int(0, 600) * 1000;
  const clusterId = cluster.record.name.split('/').pop() as string;
  return {
    name: `${cluster.record.name}/batchJobs/${id}`,
    displayName,
    createTime: timestamp(createdAt),
    ...(startedAt === undefined ? {} : { startTime: timestamp(startedAt) }),
    ...(endedAt === undefined ? {} : { endTime: timestamp(endedAt) }),
    createdBy: prng.pick(USERS),
    nodePoolId: pool.id,
    ...runtime,
    numRanks,
    ...(Object.keys(envVars).length ? { envVars } : {}),
    ...(cluster.record.eksCluster && prng.chance(0.3)
      ? { role: `arn:aws:iam::${cluster.awsAccountId}:role/fw-${clusterId}-batch-${prng.pick(TEAMS)}` }
      : {}),
    ...executor,
    ...(Object.keys(annotations).length ? { annotations } : {}),
    state,
    ...(status ? { status } : {}),
    shared: prng.chance(0.25),
    updateTime: timestamp(updatedAt),
  };
}

function weighted(prng: Prng): BatchJobState {
  const total = STATE_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let roll = prng.next() * total;
  for (const [state, weight] of STATE_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return state;
  }
  return 'COMPLETED';
}

function jobStats(jobs: readonly FireworksBatchJobRecord[]): {
  batchJobCount: Record<string, number>;
  batchJobRanks: Record<string, number>;
} {
  const batchJobCount: Record<string, number> = {};
  const batchJobRanks: Record<string, number> = {};
  for (const state of BATCH_JOB_STATES) {
    const inState = jobs.filter((job) => job.state === state);
    if (inState.length === 0) continue;
    batchJobCount[state] = inState.length;
    batchJobRanks[state] = inState.reduce((sum, job) => sum + (job.numRanks ?? 0), 0);
  }
  return { batchJobCount, batchJobRanks };
}
