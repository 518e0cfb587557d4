/**
 * The Run:ai data set: pods grouped into workloads, rendered in the wire format of
 * `GET /api/v1/workloads/pods` at full verbosity (`Pod1` with `workloadName` and `projectName`).
 * It is a pure function of the world (seed and scale), drawn from `world.prng('runai')`, so tests
 * can regenerate it and compute every expected answer independently of the simulator.
 *
 * Shape of the data set:
 * - For every world cluster (its `runaiClusterUuid` is each pod's `clusterId`) and every GPU node
 *   pool, exactly `nodePool.podCount` pods have `currentNodePool` = the pool's id. The pool's
 *   nodes are the world's `nodeCount`, of `gpusPerNode` GPUs each (what Fireworks serves): a
 *   Running, Unknown or Pending pod is bound to a node (`nodeName`, `allocatedResources`) only
 *   while that node has the GPUs free, so no node and no pool holds more than it has; a pod that
 *   finds no room is Pending on the pool with no node, no IP and no allocation (every pod of a
 *   pool without nodes that has not finished). Finished pods name nodes the pool has or had.
 * - In addition, each cluster has `round(5% of its placed pods)` (at least 1) unscheduled pods:
 *   `currentNodePool` null, `nodeName` null, `ip` null, `allocatedResources` null, phase
 *   Pending, `requestedNodePools` naming one or two of the cluster's GPU pools. They are counted
 *   in `unscheduledPodCount`, never in a pool's `podCount`.
 * - Workloads hold 1..8 pods of one cluster (and one pool, or all unscheduled). Inference
 *   workloads split their pods over 1..3 revisions (`revisionId`); other pods have none.
 * - `k8sPhase` spans Pending, Running, Succeeded, Failed and Unknown; Succeeded and Failed pods
 *   have `completedAt`. Some finished, Unknown and unscheduled pods are deleted (`deletedAt`).
 * - A few workload names (hence pod names) and node names contain `,` `=` `@` `^` `$`, so that
 *   filter and search escaping is exercised downstream; one node name contains a comma, which
 *   `filterBy` cannot express at all (see query.ts).
 * - No timestamp is later than `world.epoch`.
 * - `migProfile` is never sent: the seed declares MigProfile as a `nullable` enum whose values
 *   do not include null, so a strict OpenAPI 3.0.3 validator rejects `"migProfile": null`, and no
 *   pod uses MIG. (Clients should still accept null, which the real API may send.)
 */
import type { Prng } from '../../../simulators/prng.js';
import type { World, WorldCluster, WorldNodePool } from '../../../simulators/world.js';
import type { components } from '../wire.gen.js';

type Schemas = components['schemas'];

/** A pod as `list_pods` serves it with `verbosity=full`. */
export type RunaiPod = Schemas['Pod1'];

/** The kinds of workload the data set holds; they decide names, images and priority classes. */
export type RunaiWorkloadKind = 'training' | 'distributed' | 'workspace' | 'inference';

/** A workload: the unit `get_workload_pods` and the legacy `jobId` refer to. */
export interface RunaiWorkload {
  id: string;
  name: string;
  kind: RunaiWorkloadKind;
  clusterId: string;
  projectId: string;
  projectName: string;
  /** The Kubernetes namespace of its pods (`runai-<project>`), served by the legacy endpoint. */
  namespace: string;
  /** The legacy `podGroupId` of its pods. */
  podGroupId: string;
  /** Revision ids in creation order; empty unless `kind` is inference. */
  revisionIds: string[];
  podIds: string[];
}

/** An inference revision: the unit `get_revision_pods` refers to. */
export interface RunaiRevision {
  id: string;
  workloadId: string;
  podIds: string[];
}

/** Everything the Run:ai simulator serves. */
export interface RunaiData {
  /** The UUID of every world cluster, pods or not (the clusters the legacy endpoint knows). */
  clusterIds: string[];
  /** The tenant every pod belongs to (`tenantId`). */
  tenantId: number;
  /** Every pod, deleted ones included, in generation order (not the API's default order). */
  pods: RunaiPod[];
  workloads: RunaiWorkload[];
  revisions: RunaiRevision[];
  /** How many pods have no `currentNodePool` (scheduled nowhere yet). */
  unscheduledPodCount: number;
}

const TENANT_ID = 1001;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const PROJECTS = [
  'nlp-research',
  'vision',
  'speech',
  'recsys',
  'llm-serving',
  'platform',
  'robotics',
  'genomics',
  'fraud-detection',
  'search-ranking',
  'ads-ml',
  'safety',
];

const WORKLOAD_STEMS: Record<RunaiWorkloadKind, string[]> = {
  training: ['llama3-finetune', 'resnet-train', 'bert-pretrain', 'whisper-ft', 'vit-sweep', 'rl-policy'],
  distributed: ['llama3-70b-ddp', 'gpt-neox-fsdp', 'mixtral-moe', 't5-xxl-deepspeed'],
  workspace: ['jupyter', 'vscode', 'notebook', 'dev-box'],
  inference: ['llama3-8b-serve', 'embeddings', 'reranker', 'sdxl-api', 'asr-stream'],
};

// Names that downstream filter/search code must escape; every ~40th workload gets one.
const AWKWARD_WORKLOAD_NAMES = ['sweep,lr=3e-4', 'eval@ckpt^best$', 'a=b,c@d^e$f', 'ablation$run^2=@x'];
const AWKWARD_NODE_NAMES = ['gpu=node@rack^a$1', 'rack,7=node@b^c$'];

const IMAGES: Record<RunaiWorkloadKind, string[]> = {
  training: ['nvcr.io/nvidia/pytorch:24.05-py3', 'nvcr.io/nvidia/tensorflow:24.03-tf2-py3'],
  distributed: ['nvcr.io/nvidia/nemo:24.07', 'nvcr.io/nvidia/pytorch:24.05-py3'],
  workspace: ['jupyter/scipy-notebook:2024-05-27', 'runai/codeserver:4.20.0'],
  inference: ['vllm/vllm-openai:v0.6.3', 'nvcr.io/nvidia/tritonserver:24.05-py3'],
};
const QUEUE_PROXY_IMAGE = 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.14.1';

const PRIORITY_CLASS: Record<RunaiWorkloadKind, string> = {
  training: 'train',
  distributed: 'train',
  workspace: 'build',
  inference: 'inference',
};

/** Memory of one device, in GiB, per accelerator. */
const GPU_MEMORY_GI: Record<Exclude<WorldNodePool['accelerator'], 'cpu'>, number> = {
  h100: 80,
  a100: 40,
  l4: 24,
};
const GPU_PORTIONS: Record<Exclude<WorldNodePool['accelerator'], 'cpu'>, number[]> = {
  h100: [1, 1, 2, 4, 8, 0.5],
  a100: [1, 1, 2, 4, 0.5, 0.25],
  l4: [1, 1, 0.5],
};

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

interface Placement {
  cluster: WorldCluster;
  clusterIndex: number;
  /** The pool the pods run on, or null for unscheduled pods. */
  pool: WorldNodePool | null;
  /** The accelerator the workload asked for (the pool's, or a requested pool's). */
  accelerator: Exclude<WorldNodePool['accelerator'], 'cpu'>;
  requestedNodePools: string[];
  /** The pool's nodes, or null for unscheduled pods. */
  nodes: PoolNodes | null;
}

/** Given a world, returns the deterministic Run:ai data set (see the file comment for its shape). */
export function generateRunaiData(world: World): RunaiData {
  const prng = world.prng('runai');
  const projects = PROJECTS.map((name, i) => ({ id: String(4500 + i), name }));
  const generator = new PodGenerator(world, prng, projects);
  world.clusters.forEach((cluster, clusterIndex) => {
    const gpuPools = cluster.nodePools.filter((p) => p.accelerator !== 'cpu');
    let placed = 0;
    gpuPools.forEach((pool, poolIndex) => {
      if (pool.podCount === 0) return;
      const nodes = new PoolNodes(pool, (k) => generator.nodeName(cluster, clusterIndex, poolIndex, k));
      generator.fill(pool.podCount, () => ({
        cluster,
        clusterIndex,
        pool,
        accelerator: pool.accelerator as Placement['accelerator'],
        requestedNodePools: requestedPools(prng, pool, gpuPools),
        nodes,
      }));
      placed += pool.podCount;
    });
    if (gpuPools.length === 0) return;
    const unscheduled = Math.max(1, Math.round(placed * 0.05));
    generator.fill(unscheduled, () => {
      const wanted = prng.pick(gpuPools);
      return {
        cluster,
        clusterIndex,
        pool: null,
        accelerator: wanted.accelerator as Placement['accelerator'],
        requestedNodePools: requestedPools(prng, wanted, gpuPools),
        nodes: null,
      };
    });
    generator.unscheduledPodCount += unscheduled;
  });
  return {
    clusterIds: world.clusters.map((c) => c.runaiClusterUuid),
    tenantId: TENANT_ID,
    pods: generator.pods,
    workloads: generator.workloads,
    revisions: generator.revisions,
    unscheduledPodCount: generator.unscheduledPodCount,
  };
}

/**
 * The nodes of one pool as Run:ai sees them: the world's `nodeCount` nodes, each with its
 * `gpusPerNode` GPUs, which the pods holding a node (Running, Unknown, and Pending ones already
 * bound) fill without exceeding; and, for finished pods, those nodes plus the ones the pool had
 * when it was bigger (as many as one per 6 of its pods), since scaled away.
 */
class PoolNodes {
  private readonly free: number[];
  private readonly names = new Map<number, string>();
  private readonly everCount: number;
  private nextFree = 0;
  private nextPast = 0;

  constructor(
    pool: WorldNodePool,
    private readonly name: (k: number) => string,
  ) {
    this.free = Array.from({ length: pool.nodeCount }, () => pool.gpusPerNode);
    this.everCount = Math.max(pool.nodeCount, Math.ceil(pool.podCount / 6));
  }

  /** Given the GPUs a pod holds, returns the node it is bound to, or null when none has room. */
  bind(gpus: number): string | null {
    const n = this.free.length;
    for (let i = 0; i < n; i++) {
      const k = (this.nextFree + i) % n;
      // Round-robin from the last node used, so pods spread over every node that has room.
      if ((this.free[k] as number) + 1e-9 >= gpus) {
        this.free[k] = Math.round(((this.free[k] as number) - gpus) * 1e6) / 1e6;
        this.nextFree = (k + 1) % n;
        return this.nameOf(k);
      }
    }
    return null;
  }

  /** Returns the node a finished pod ran on. */
  past(): string {
    return this.nameOf(this.nextPast++ % this.everCount);
  }

  private nameOf(k: number): string {
    let name = this.names.get(k);
    if (name === undefined) this.names.set(k, (name = this.name(k)));
    return name;
  }
}

function requestedPools(prng: Prng, pool: WorldNodePool, gpuPools: WorldNodePool[]): string[] {
  const others = gpuPools.filter((p) => p.id !== pool.id);
  if (others.length === 0 || prng.chance(0.7)) return [pool.id];
  const other = prng.pick(others);
  // A pod may have landed on its second preference.
  return prng.chance(0.5) ? [pool.id, other.id] : [other.id, pool.id];
}

/** Builds workloads one at a time, and their pods, from one generator in a fixed order. */
class PodGenerator {
  readonly pods: RunaiPod[] = [];
  readonly workloads: RunaiWorkload[] = [];
  readonly revisions: RunaiRevision[] = [];
  unscheduledPodCount = 0;
  private ipCounter = 0;
  private nodeCounter = 0;

  constructor(
    private readonly world: World,
    private readonly prng: Prng,
    private readonly projects: { id: string; name: string }[],
  ) {}

  /** Given a node's place, returns its name; nodes are numbered as pods first land on them. */
  nodeName(cluster: WorldCluster, clusterIndex: number, poolIndex: number, k: number): string {
    const globalIndex = this.nodeCounter++;
    // The 2nd and 4th nodes to hold a pod carry the awkward names, whatever the world looks like.
    if (globalIndex === 1) return AWKWARD_NODE_NAMES[0] as string;
    if (globalIndex === 3) return AWKWARD_NODE_NAMES[1] as string;
    if (cluster.backend === 'fake') return `fake-node-${clusterIndex + 1}-${poolIndex}-${k}`;
    return `ip-10-${clusterIndex + 1}-${poolIndex * 16 + Math.floor(k / 200)}-${(k % 200) + 10}.ec2.internal`;
  }

  /** Creates workloads until exactly `count` pods exist for the placement `place()` returns. */
  fill(count: number, place: () => Placement): void {
    let left = count;
    while (left > 0) {
      const kind = this.pickKind();
      const wanted =
        kind === 'workspace' || kind === 'training' ? 1 : this.prng.int(kind === 'distributed' ? 2 : 1, 8);
      const size = Math.min(left, wanted);
      this.workload(kind, size, place());
      left -= size;
    }
  }

  private pickKind(): RunaiWorkloadKind {
    const r = this.prng.next();
    if (r < 0.35) return 'training';
    if (r < 0.55) return 'distributed';
    if (r < 0.7) return 'workspace';
    return 'inference';
  }

  private workload(kind: RunaiWorkloadKind, size: number, placement: Placement): void {
    const { prng } = this;
    const index = this.workloads.length;
    const stem =
      index % 40 === 7
        ? AWKWARD_WORKLOAD_NAMES[Math.floor(index / 40) % AWKWARD_WORKLOAD_NAMES.length]
        : null;
    const name = `${stem ?? prng.pick(WORKLOAD_STEMS[kind])}-${prng.hex(4)}`;
    const project = prng.pick(this.projects);
    const workload: RunaiWorkload = {
      id: prng.uuid(),
      name,
      kind,
      clusterId: placement.cluster.runaiClusterUuid,
      projectId: project.id,
      projectName: project.name,
      namespace: `runai-${project.name}`,
      podGroupId: prng.uuid(),
      revisionIds: [],
      podIds: [],
    };
    this.workloads.push(workload);

    const epoch = this.world.epoch.getTime();
    // Unscheduled workloads are recent; the others span the last 60 days.
    const createdAt =
      placement.pool === null
        ? prng.date(new Date(epoch - 2 * DAY), 2 * DAY - HOUR)
        : prng.date(new Date(epoch - 60 * DAY), 60 * DAY - 2 * HOUR);
    const revisions: RunaiRevision[] =
      kind === 'inference'
        ? Array.from({ length: Math.min(size, prng.int(1, 3)) }, () => ({
            id: prng.uuid(),
            workloadId: workload.id,
            podIds: [],
          }))
        : [];
    workload.revisionIds = revisions.map((r) => r.id);
    this.revisions.push(...revisions);

    const portions = GPU_PORTIONS[placement.accelerator];
    const portion = prng.pick(portions);
    const byMemory = portion < 1 && prng.chance(0.3);
    const cpu = prng.pick([2, 4, 8, 16, 32]);
    const cpuMemoryGi = prng.pick([8, 16, 32, 64, 128]);
    const image = prng.pick(IMAGES[kind]);
    const tolerateUnreachable = prng.chance(0.3);

    for (let i = 0; i < size; i++) {
      const revision =
        revisions.length > 0 ? (revisions[Math.floor((i * revisions.length) / size)] as RunaiRevision) : null;
      // Distributed pods start together (equal createdAt: the API must break ties by id).
      const podCreatedAt =
        kind === 'distributed' ? createdAt.getTime() : createdAt.getTime() + i * prng.int(1, 120) * 1000;
      const pod = this.pod({
        workload,
        revision,
        placement,
        podName: podNameFor(kind, name, i, revision ? workload.revisionIds.indexOf(revision.id) : 0, prng),
        createdAt: podCreatedAt,
        portion,
        byMemory,
        cpu,
        cpuMemoryGi,
        image,
        tolerateUnreachable,
      });
      workload.podIds.push(pod.id);
      revision?.podIds.push(pod.id);
    }
  }

  private pod(spec: {
    workload: RunaiWorkload;
    revision: RunaiRevision | null;
    placement: Placement;
    podName: string;
    createdAt: number;
    portion: number;
    byMemory: boolean;
    cpu: number;
    cpuMemoryGi: number;
    image: string;
    tolerateUnreachable: boolean;
  }): RunaiPod {
    const { prng } = this;
    const { workload, placement } = spec;
    const epoch = this.world.epoch.getTime();
    const scheduled = placement.pool !== null;
    const deviceMemoryGi = GPU_MEMORY_GI[placement.accelerator];
    const memoryGi = Math.max(1, Math.round(spec.portion * deviceMemoryGi));
    const gpus = spec.byMemory ? Math.round((memoryGi / deviceMemoryGi) * 100) / 100 : spec.portion;
    let phase: Phase = scheduled ? this.pickPhase() : 'Pending';
    let nodeName: string | null = null;
    if (placement.nodes !== null) {
      if (phase === 'Succeeded' || phase === 'Failed') nodeName = placement.nodes.past();
      else nodeName = placement.nodes.bind(gpus);
      // No node of the pool has room: the pod waits on the pool, like a real scheduler's.
      if (nodeName === null) phase = 'Pending';
    }
    const createdAt = Math.min(spec.createdAt, epoch - HOUR);
    const started =
      scheduled && phase !== 'Pending' ? Math.min(createdAt + prng.int(5, 600) * 1000, epoch) : null;
    let completedAt: number | null = null;
    let phaseChangedAt = started ?? createdAt;
    if (started !== null && (phase === 'Succeeded' || phase === 'Failed')) {
      completedAt = started + Math.floor((prng.next() * Math.min(epoch - started, 7 * DAY)) / 1000) * 1000;
      phaseChangedAt = completedAt;
    } else if (started !== null && phase === 'Unknown') {
      phaseChangedAt = started + Math.floor((prng.next() * Math.min(epoch - started, 2 * DAY)) / 1000) * 1000;
    }
    const deleteChance = completedAt !== null ? 0.3 : phase === 'Unknown' ? 0.15 : !scheduled ? 0.1 : 0;
    const deletedAt = prng.chance(deleteChance)
      ? Math.min(phaseChangedAt + prng.int(60, 86_400) * 1000, epoch)
      : null;
    const updatedAt = Math.max(phaseChangedAt, deletedAt ?? 0);

    const ip = nodeName !== null && phase !== 'Pending' ? this.nextIp(placement.clusterIndex) : null;

    const requestedResources: Schemas['PodRequestResources'] = spec.byMemory
      ? {
          gpuRequestType: 'memory',
          gpu: null,
          gpuMemory: { request: `${memoryGi}Gi`, limit: `${memoryGi}Gi` },
          cpu: { request: spec.cpu, limit: null },
          cpuMemory: { request: `${spec.cpuMemoryGi}Gi`, limit: `${spec.cpuMemoryGi * 2}Gi` },
          extendedResources: null,
        }
      : {
          gpuRequestType: 'portion',
          gpu: { request: spec.portion, limit: null },
          gpuMemory: null,
          cpu: { request: spec.cpu, limit: spec.cpu * 2 },
          cpuMemory: { request: `${spec.cpuMemoryGi}Gi`, limit: `${spec.cpuMemoryGi * 2}Gi` },
          extendedResources: null,
        };
    const allocatedResources: Schemas['AllocatedResources'] =
      nodeName !== null
        ? {
            gpu: gpus,
            gpuMemory: `${memoryGi}Gi`,
            cpu: spec.cpu,
            cpuMemory: `${spec.cpuMemoryGi}Gi`,
            extendedResources: null,
          }
        : null;

    const tolerations: Schemas['PodTolerations'] = [
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ];
    if (spec.placement.requestedNodePools.some((p) => p.includes('spot'))) {
      tolerations.push({ key: 'spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' });
    }
    if (spec.tolerateUnreachable) {
      tolerations.push({
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      });
    }

    const startedAt = started === null ? null : iso(started);
    const containers: Schemas['Container1'][] = [
      { name: containerName(workload.kind), image: spec.image, startedAt },
    ];
    if (workload.kind === 'inference')
      containers.push({ name: 'queue-proxy', image: QUEUE_PROXY_IMAGE, startedAt });

    const pod: RunaiPod = {
      name: spec.podName,
      priorityClassName: PRIORITY_CLASS[workload.kind],
      id: prng.uuid(),
      workloadId: workload.id,
      revisionId: spec.revision?.id ?? null,
      clusterId: workload.clusterId,
      projectId: workload.projectId,
      nodeName,
      createdAt: iso(createdAt),
      completedAt: completedAt === null ? null : iso(completedAt),
      containers,
      currentNodePool: placement.pool?.id ?? null,
      requestedNodePools: [...placement.requestedNodePools],
      requestedResources,
      allocatedResources,
      tolerations,
      k8sPhase: phase,
      ip,
      tenantId: TENANT_ID,
      k8sPhaseUpdatedAt: iso(phaseChangedAt),
      updatedAt: iso(updatedAt),
      deletedAt: deletedAt === null ? null : iso(deletedAt),
      projectName: workload.projectName,
      workloadName: workload.name,
    };
    this.pods.push(pod);
    return pod;
  }

  private pickPhase(): Phase {
    const r = this.prng.next();
    if (r < 0.5) return 'Running';
    if (r < 0.72) return 'Succeeded';
    if (r < 0.8) return 'Failed';
    if (r < 0.9) return 'Pending';
    return 'Unknown';
  }

  private nextIp(clusterIndex: number): string {
    const n = this.ipCounter++;
    return `10.${100 + clusterIndex}.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }
}

function podNameFor(
  kind: RunaiWorkloadKind,
  workloadName: string,
  i: number,
  revisionIndex: number,
  prng: Prng,
): string {
  switch (kind) {
    case 'training':
    case 'workspace':
      return `${workloadName}-0-${i}`;
    case 'distributed':
      return i === 0 ? `${workloadName}-master-0` : `${workloadName}-worker-${i - 1}`;
    case 'inference':
      return `${workloadName}-${String(revisionIndex + 1).padStart(5, '0')}-deployment-${prng.hex(10)}-${prng.hex(5)}`;
  }
}

function containerName(kind: RunaiWorkloadKind): string {
  switch (kind) {
    case 'training':
    case 'distributed':
      return 'pytorch';
    case 'workspace':
      return 'workspace';
    case 'inference':
      return 'kserve-container';
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
