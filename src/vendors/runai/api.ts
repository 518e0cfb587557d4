/**
 * Run:ai access for one GraphQL request: pod connections over offset/limit (both directions,
 * exact), counts through count_pods only when `totalCount` is selected, full verbosity only when
 * a field needs it, and pods by workload batched per workload. Everything leaves as a domain
 * object (model.ts). Created per request.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '../../errors.js';
import type { MetricSeries } from '../../generated/graphql.js';
import {
  connectionBinding,
  decodeOffsetRequest,
  offsetConnection,
  parseConnectionArgs,
  toConnection,
  walkPages,
  PageLimitError,
  type ConnectionArgs,
  type ConnectionResult,
} from '../../pagination/connection.js';
import { isUuid } from '../../values.js';
import type { VendorApiDeps } from '../contract.js';
import { RUNAI_MAX_LIMIT, RunaiClient, type RunaiMetricType, type RunaiSortField } from './client.js';
import type { CompiledPodFilter } from './filter.js';
import { toMetricSeries, toPod, type PodModel } from './model.js';
import { scanBudgetExceeded, scanCount, scanPage } from './scan.js';

/** Run:ai's epoch: `completedAt >= EPOCH` holds exactly for pods that completed. */
const EPOCH = '1970-01-01T00:00:00Z';

/** A pod connection request: Relay args, the compiled filter and the order. */
export interface PodListRequest {
  args: ConnectionArgs;
  filter: CompiledPodFilter;
  order: { sortBy?: RunaiSortField; sortOrder?: 'asc' | 'desc' };
}

/**
 * How a pod connection is known: its identity (field and parent, bound into its cursors) and its
 * name in error messages.
 */
export interface PodConnectionName {
  identity: string;
  what: string;
}

export type RunaiApi = ReturnType<typeof createRunaiApi>;

/** Returns the Run:ai loaders and connections of one request. */
export function createRunaiApi({ session, selected }: VendorApiDeps<unknown>) {
  const client = new RunaiClient(session);
  const verbosity = (): 'full' | undefined => {
    const fields = selected().get('Pod');
    return fields?.has('workloadName') || fields?.has('projectName') ? 'full' : undefined;
  };

  /** The count of pods matching a filter; `completed` needs count_pods' filterBy (it has no such flag). */
  async function count(filter: CompiledPodFilter): Promise<number> {
    const base = { filterBy: filter.filterBy, search: filter.search, deleted: filter.deleted };
    const completed = { ...base, filterBy: [...filter.filterBy, `completedAt>=${EPOCH}`] };
    if (filter.completed === true) return client.countPods(completed);
    if (filter.completed === false) {
      const [all, done] = await Promise.all([client.countPods(base), client.countPods(completed)]);
      return all - done;
    }
    return client.countPods(base);
  }

  /** list_pods with a request's filter and order, from `offset`, `limit` pods. */
  async function listPage(
    filter: CompiledPodFilter,
    order: PodListRequest['order'],
    offset: number,
    limit: number,
  ) {
    return client.listPods({
      offset,
      limit,
      filterBy: filter.filterBy,
      search: filter.search,
      deleted: filter.deleted,
      completed: filter.completed === undefined ? undefined : filter.completed ? 'true' : 'false',
      sortBy: order.sortBy,
      sortOrder: order.sortOrder,
      verbosity: verbosity(),
    });
  }

  /** A pod connection with a phase filter: a scan of list_pods pages within the budget (scan.ts). */
  async function scannedConnection(
    { identity, what }: PodConnectionName,
    request: PodListRequest,
    phases: ReadonlySet<string>,
  ): Promise<ConnectionResult<PodModel>> {
    const page = parseConnectionArgs(request.args, { backward: false, what, orderable: true });
    const { filter, order } = request;
    const binding = connectionBinding(identity, { filter, order });
    const offsetRequest = decodeOffsetRequest(page, binding);
    const fetch = async (offset: number) => {
      const upstream = await listPage(filter, order, offset, RUNAI_MAX_LIMIT);
      return { items: upstream.pods.map(toPod), end: upstream.next === undefined };
    };
    const matches = (pod: PodModel) => phases.has(pod.phase);
    const budgetError = () => scanBudgetExceeded(what, 'phases');
    const result = await scanPage({
      fetch,
      matches,
      count: offsetRequest.count,
      after: offsetRequest.direction === 'forward' ? offsetRequest.after : undefined,
      budgetError,
    });
    return { ...toConnection(result, binding), totalCount: () => scanCount({ fetch, matches, budgetError }) };
  }

  function podConnection(
    name: PodConnectionName,
    request: PodListRequest,
  ): Promise<ConnectionResult<PodModel>> {
    if (request.filter.phases) return scannedConnection(name, request, new Set(request.filter.phases));
    const { filter, order } = request;
    return offsetConnection({
      args: request.args,
      what: name.what,
      identity: name.identity,
      shape: { filter, order },
      fetchSlice: async (offset, limit) => {
        const upstream = await listPage(filter, order, offset, Math.min(limit, RUNAI_MAX_LIMIT));
        return { items: upstream.pods.map(toPod) };
      },
      count: () => count(filter),
    });
  }

  // Every pod of a workload, walked once per request however many fields need it. get_workload_pods
  // answers the brief shape only, so when workloadName/projectName are selected the same list is
  // read from list_pods with `workloadId==` and full verbosity. Deleted pods come from a second
  // walk with `deleted=true`, made only when a lookup misses among the live ones.
  const podsByWorkload = new DataLoader<string, PodModel[]>((keys) =>
    settleEach(
      keys.map(async (key) => {
        const { workloadId, deleted, search } = parseWorkloadKey(key);
        const pods = await walkPages(async (offset: number | undefined) => {
          const upstream =
            verbosity() === 'full'
              ? await client.listPods({
                  offset: offset ?? 0,
                  limit: RUNAI_MAX_LIMIT,
                  filterBy: [`workloadId==${workloadId}`],
                  search,
                  deleted,
                  verbosity: 'full',
                })
              : await client.workloadPods(workloadId, offset ?? 0, RUNAI_MAX_LIMIT, deleted, search);
          // An empty page ends the walk even if `next` is set: it cannot advance.
          return { items: upstream.pods, next: upstream.pods.length === 0 ? undefined : upstream.next };
        }, WORKLOAD_POD_CALLS).catch((error: unknown) => {
          throw error instanceof PageLimitError ? workloadBudgetExceeded(workloadId) : error;
        });
        return pods.map(toPod);
      }),
    ),
  );

  const podsByRevision = new DataLoader<string, PodModel[]>((keys) =>
    settleEach(
      keys.map(async (key) => {
        const { workloadId: revisionId, deleted } = parseWorkloadKey(key);
        return (await client.revisionPods(revisionId, deleted)).map(toPod);
      }),
    ),
  );

  /** A connection over a list the upstream serves whole; offsets index into it, both directions. */
  function inMemoryConnection(
    { field, argument, id }: { field: string; argument: string; id: string },
    args: ConnectionArgs,
    options: PodListOptions,
    load: (id: string) => Promise<PodModel[]>,
  ): Promise<ConnectionResult<PodModel>> {
    parseConnectionArgs(args, { backward: true, what: field });
    if (!isUuid(id)) {
      throw badUserInput(`\`${argument}\` must be a UUID, got "${id.slice(0, 80)}".`, { argument });
    }
    const all = () => load(id.toLowerCase());
    return offsetConnection({
      args,
      what: field,
      identity: `Query.${field}:${id.toLowerCase()}`,
      shape: options,
      fetchSlice: async (offset, limit) => ({ items: (await all()).slice(offset, offset + limit) }),
      count: async () => (await all()).length,
    });
  }

  let notCompleted: Promise<PodModel[]> | undefined;

  // The deprecated getPods, once per Run:ai cluster per request, indexed by pod id; at most
  // LEGACY_MAX_CLUSTERS clusters per request, whichever batches they come in.
  const legacyClusters = new Set<string>();
  const legacyByCluster = new DataLoader<string, Map<string, LegacyPodFields>>((uuids) => {
    for (const uuid of uuids) legacyClusters.add(uuid);
    if (legacyClusters.size > LEGACY_MAX_CLUSTERS) {
      return Promise.resolve(uuids.map(() => legacyTooManyClusters()));
    }
    return settleEach(
      uuids.map(async (uuid) => {
        const pods = await client.legacyPods(uuid);
        return new Map(
          pods.map((p) => [
            p.podId.toLowerCase(),
            {
              namespace: p.namespace ?? null,
              statusReason: p.status ?? null,
              podGroupId: p.podGroupId ?? null,
            },
          ]),
        );
      }),
    );
  });

  return {
    /** A pod's fields only the deprecated getPods carries; null when getPods does not list it. */
    legacyPod: async (pod: PodModel): Promise<LegacyPodFields | null> => {
      if (!isUuid(pod.clusterUuid)) return null;
      const byId = await legacyByCluster.load(pod.clusterUuid.toLowerCase());
      return byId.get(pod.podId.toLowerCase()) ?? null;
    },
    /**
     * Every pod of the fleet not completed (list_pods `completed=false`, pages of 500), walked
     * once per request for the GPU figures; throws PageLimitError past `maxPages`.
     */
    notCompletedPods: (maxPages: number) =>
      (notCompleted ??= walkPages(async (offset: number | undefined) => {
        const upstream = await client.listPods({
          offset: offset ?? 0,
          limit: RUNAI_MAX_LIMIT,
          filterBy: [],
          completed: 'false',
        });
        return { items: upstream.pods, next: upstream.pods.length === 0 ? undefined : upstream.next };
      }, maxPages).then((pods) => pods.map(toPod))),
    /** Query.pods, Cluster.pods and NodePool.pods (scoped by extra filterBy entries). */
    pods: (name: PodConnectionName, request: PodListRequest, scope: string[] = []) =>
      podConnection(name, {
        ...request,
        filter: { ...request.filter, filterBy: [...scope, ...request.filter.filterBy] },
      }),
    /** Query.workloadPods: one workload's pods, paged in memory over one walk of get_workload_pods. */
    workloadPods: (workloadId: string, args: ConnectionArgs, options: PodListOptions) =>
      inMemoryConnection(
        { field: 'workloadPods', argument: 'workloadId', id: workloadId },
        args,
        options,
        (id) => podsByWorkload.load(workloadKey(id, options)),
      ),
    /** Query.revisionPods: one inference revision's pods (get_revision_pods has no paging). */
    revisionPods: (revisionId: string, args: ConnectionArgs, options: PodListOptions) =>
      inMemoryConnection(
        { field: 'revisionPods', argument: 'revisionId', id: revisionId },
        args,
        options,
        (id) => podsByRevision.load(workloadKey(id, options)),
      ),
    /** A pod by workload and pod id (Query.node), or undefined when the workload has no such pod. */
    async pod(workloadId: string, podId: string): Promise<PodModel | undefined> {
      if (!isUuid(workloadId) || !isUuid(podId)) return undefined;
      const id = podId.toLowerCase();
      const live = await podsByWorkload.load(workloadKey(workloadId.toLowerCase(), { deleted: false }));
      const found = live.find((p) => p.podId.toLowerCase() === id);
      if (found) return found;
      const deleted = await podsByWorkload.load(workloadKey(workloadId.toLowerCase(), { deleted: true }));
      return deleted.find((p) => p.podId.toLowerCase() === id);
    },
    /**
     * Every pod matching a compiled filter, at full verbosity, 500 a page; `checkCount` sees the
     * running total after each page (a subscription refuses lists past its bound).
     */
    async allPods(filter: CompiledPodFilter, checkCount: (count: number) => void): Promise<PodModel[]> {
      const pods = await walkPages(async (offset: number | undefined) => {
        const page = await client.listPods({
          offset: offset ?? 0,
          limit: RUNAI_MAX_LIMIT,
          filterBy: filter.filterBy,
          search: filter.search,
          deleted: filter.deleted,
          completed: filter.completed === undefined ? undefined : filter.completed ? 'true' : 'false',
          verbosity: 'full',
        });
        checkCount((offset ?? 0) + page.pods.length);
        return { items: page.pods, next: page.pods.length === 0 ? undefined : page.next };
      });
      return pods.map(toPod);
    },
    /** Pod.metrics. */
    metrics: async (
      pod: PodModel,
      args: { types: RunaiMetricType[]; start: string; end: string; samples: number },
    ): Promise<MetricSeries[]> => {
      if (!Number.isInteger(args.samples) || args.samples < 0 || args.samples > 1000) {
        throw badUserInput(`\`samples\` must be between 0 and 1000, got ${args.samples}.`, {
          argument: 'samples',
        });
      }
      if (Date.parse(args.start) > Date.parse(args.end)) {
        throw badUserInput('`start` must not be after `end`.', { argument: 'start' });
      }
      if (args.types.length === 0) return [];
      const series = await client.podMetrics({
        workloadId: pod.workloadId,
        podId: pod.podId,
        ...args,
        types: [...new Set(args.types)],
      });
      return series.map(toMetricSeries);
    },
  };
}

/** The most Run:ai clusters one request reads getPods for (one unpaged call each). */
export const LEGACY_MAX_CLUSTERS = 8;

/** The most pods one walk of a workload's (or its deleted) pods reads: pods by ID, workloadPods. */
export const WORKLOAD_POD_BUDGET = 1000;

/** Its calls, pages of RUNAI_MAX_LIMIT. */
export const WORKLOAD_POD_CALLS = Math.ceil(WORKLOAD_POD_BUDGET / RUNAI_MAX_LIMIT);

function workloadBudgetExceeded(workloadId: string): GraphQLError {
  return new GraphQLError(
    `Workload ${workloadId} has more than ${WORKLOAD_POD_BUDGET} pods, the most Fleetgraph reads for one ` +
      `workload (${WORKLOAD_POD_CALLS} calls of ${RUNAI_MAX_LIMIT}) to find a pod by ID or page workloadPods. ` +
      'Use pods(filter: { workloadId: … }) instead, which pages upstream.',
    {
      extensions: {
        code: ErrorCode.SCAN_BUDGET_EXCEEDED,
        scanBudget: WORKLOAD_POD_BUDGET,
        upstream: 'runai',
      },
    },
  );
}

/** What only the deprecated getPods says about a pod. */
export interface LegacyPodFields {
  namespace: string | null;
  statusReason: string | null;
  podGroupId: string | null;
}

function legacyTooManyClusters(): Error {
  return badUserInput(
    `Pod.namespace, Pod.statusReason and Pod.podGroupId come from Run:ai's deprecated getPods, one unpaged call per cluster, ` +
      `at most ${LEGACY_MAX_CLUSTERS} clusters per request: ask them of pods of fewer clusters (filter.cluster or clusterUuid).`,
    { argument: 'Pod.namespace' },
  );
}

/** The `deleted` and `search` parameters of the per-workload and per-revision endpoints. */
export interface PodListOptions {
  deleted: boolean;
  search?: string | undefined;
}

/** A loader key for one workload (or revision) walk: the id, the deleted flag, then the search. */
function workloadKey(id: string, { deleted, search }: PodListOptions): string {
  return `${id}|${deleted ? 'deleted' : 'live'}|${search ?? ''}`;
}

function parseWorkloadKey(key: string): { workloadId: string; deleted: boolean; search?: string } {
  const [workloadId = '', flag = 'live'] = key.split('|', 2);
  const search = key.slice(workloadId.length + flag.length + 2);
  return { workloadId, deleted: flag === 'deleted', ...(search ? { search } : {}) };
}

/**
 * Waits for every key's promise and returns a value or an Error per key, so one failing key
 * (an unknown workload's 404) fails that key's field alone, never its batch neighbours.
 */
async function settleEach<T>(promises: Promise<T>[]): Promise<(T | Error)[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((s) =>
    s.status === 'fulfilled' ? s.value : s.reason instanceof Error ? s.reason : new Error(String(s.reason)),
  );
}
