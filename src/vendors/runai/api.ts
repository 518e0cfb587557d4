/**
 * Run:ai access for one GraphQL request: pod connections over offset/limit (both directions,
 * exact), counts through count_pods only when `totalCount` is selected, full verbosity only when
 * a field needs it, and pods by workload batched per workload. Everything leaves as a domain
 * object (model.ts). Created per request.
 */
import DataLoader from 'dataloader';
import { badUserInput } from '../../errors.js';
import type { MetricSeries } from '../../generated/graphql.js';
import {
  offsetConnection,
  parseConnectionArgs,
  walkPages,
  type ConnectionArgs,
  type ConnectionResult,
} from '../../pagination/connection.js';
import { isUuid } from '../../values.js';
import type { VendorApiDeps } from '../contract.js';
import { RUNAI_MAX_LIMIT, RunaiClient, type RunaiMetricType, type RunaiSortField } from './client.js';
import type { CompiledPodFilter } from './filter.js';
import { toMetricSeries, toPod, type PodModel } from './model.js';

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

  function podConnection(
    { identity, what }: PodConnectionName,
    request: PodListRequest,
  ): Promise<ConnectionResult<PodModel>> {
    const { filter, order } = request;
    return offsetConnection({
      args: request.args,
      what,
      identity,
      shape: { filter, order },
      fetchSlice: async (offset, limit) => {
        const upstream = await client.listPods({
          offset,
          limit: Math.min(limit, RUNAI_MAX_LIMIT),
          filterBy: filter.filterBy,
          search: filter.search,
          deleted: filter.deleted,
          completed: filter.completed === undefined ? undefined : filter.completed ? 'true' : 'false',
          sortBy: order.sortBy,
          sortOrder: order.sortOrder,
          verbosity: verbosity(),
        });
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
        const [workloadId = '', flag] = key.split('|');
        const deleted = flag === 'deleted';
        const pods = await walkPages(async (offset: number | undefined) => {
          const upstream =
            verbosity() === 'full'
              ? await client.listPods({
                  offset: offset ?? 0,
                  limit: RUNAI_MAX_LIMIT,
                  filterBy: [`workloadId==${workloadId}`],
                  deleted,
                  verbosity: 'full',
                })
              : await client.workloadPods(workloadId, offset ?? 0, RUNAI_MAX_LIMIT, deleted);
          // An empty page ends the walk even if `next` is set: it cannot advance.
          return { items: upstream.pods, next: upstream.pods.length === 0 ? undefined : upstream.next };
        });
        return pods.map(toPod);
      }),
    ),
  );

  const podsByRevision = new DataLoader<string, PodModel[]>((revisionIds) =>
    settleEach(revisionIds.map(async (revisionId) => (await client.revisionPods(revisionId)).map(toPod))),
  );

  /** A connection over a list the upstream serves whole; offsets index into it, both directions. */
  function inMemoryConnection(
    { field, argument, id }: { field: string; argument: string; id: string },
    args: ConnectionArgs,
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
      shape: null,
      fetchSlice: async (offset, limit) => ({ items: (await all()).slice(offset, offset + limit) }),
      count: async () => (await all()).length,
    });
  }

  return {
    /** Query.pods, Cluster.pods and NodePool.pods (scoped by extra filterBy entries). */
    pods: (name: PodConnectionName, request: PodListRequest, scope: string[] = []) =>
      podConnection(name, {
        ...request,
        filter: { ...request.filter, filterBy: [...scope, ...request.filter.filterBy] },
      }),
    /** Query.workloadPods: one workload's pods, paged in memory over one walk of get_workload_pods. */
    workloadPods: (workloadId: string, args: ConnectionArgs) =>
      inMemoryConnection({ field: 'workloadPods', argument: 'workloadId', id: workloadId }, args, (id) =>
        podsByWorkload.load(`${id}|live`),
      ),
    /** Query.revisionPods: one inference revision's pods (get_revision_pods has no paging). */
    revisionPods: (revisionId: string, args: ConnectionArgs) =>
      inMemoryConnection({ field: 'revisionPods', argument: 'revisionId', id: revisionId }, args, (id) =>
        podsByRevision.load(id),
      ),
    /** A pod by workload and pod id (Query.node), or undefined when the workload has no such pod. */
    async pod(workloadId: string, podId: string): Promise<PodModel | undefined> {
      if (!isUuid(workloadId) || !isUuid(podId)) return undefined;
      const id = podId.toLowerCase();
      const live = await podsByWorkload.load(`${workloadId.toLowerCase()}|live`);
      const found = live.find((p) => p.podId.toLowerCase() === id);
      if (found) return found;
      const deleted = await podsByWorkload.load(`${workloadId.toLowerCase()}|deleted`);
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
