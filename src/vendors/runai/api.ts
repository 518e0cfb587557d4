/**
 * Run:ai access for one GraphQL request: pod connections over offset/limit (both directions,
 * exact), counts through count_pods only when `totalCount` is selected, full verbosity only when
 * a field needs it, and pods by workload batched per workload. Everything leaves as a domain
 * object (model.ts). Created per request.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { badUserInput, endlessList, ErrorCode } from '../../errors.js';
import { isAfter } from '../../graphql/date-time.js';
import type { MetricSeries } from '../../generated/graphql.js';
import {
  connectionBinding,
  decodeOffsetRequest,
  offsetConnection,
  PageLimitError,
  parseConnectionArgs,
  toConnection,
  walkPages,
  type ConnectionArgs,
  type ConnectionResult,
} from '../../pagination/connection.js';
import { isUuid } from '../../values.js';
import type { VendorApiDeps } from '../contract.js';
import { RUNAI_MAX_LIMIT, RunaiClient, type RunaiMetricsAnswer, type RunaiMetricType } from './client.js';
import type { CompiledPodFilter, CompiledPodOrder } from './filter.js';
import { isAdvancedGpuMetric, toMetricSeries, toPod, type PodModel } from './model.js';
import { POD_SCAN_CALLS, scanBudgetExceeded, scanCount, scanPage } from './scan.js';

/** Run:ai's epoch: `completedAt >= EPOCH` holds exactly for pods that completed. */
const EPOCH = '1970-01-01T00:00:00Z';

/** A pod connection request: Relay args, the compiled filter and the order. */
export interface PodListRequest {
  args: ConnectionArgs;
  filter: CompiledPodFilter;
  order: CompiledPodOrder;
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
    const budgetError = () => scanBudgetExceeded(what, 'filter.phases');
    const result = await scanPage({
      fetch,
      matches,
      count: offsetRequest.count,
      after: offsetRequest.direction === 'forward' ? offsetRequest.after : undefined,
      budgetError,
    });
    return { ...toConnection(result, binding), totalCount: () => scanCount({ fetch, matches, budgetError }) };
  }

  /**
   * A pod connection sorted by a GPU figure, which Run:ai cannot sort on: every pod the filter
   * selects (and the phase filter keeps), read in Run:ai's default order within the scan budget,
   * sorted here with ties by id as Run:ai breaks them, and paged by offset in that list, both
   * directions; totalCount is the list's length.
   */
  function gpuSortedConnection(
    { identity, what }: PodConnectionName,
    request: PodListRequest,
    gpus: 'requested' | 'allocated',
  ): Promise<ConnectionResult<PodModel>> {
    const { filter, order } = request;
    const phases = filter.phases ? new Set<string>(filter.phases) : undefined;
    let sorted: Promise<PodModel[]> | undefined;
    const all = () =>
      (sorted ??= walkPages(async (offset: number | undefined) => {
        const upstream = await listPage(filter, {}, offset ?? 0, RUNAI_MAX_LIMIT);
        return { items: upstream.pods, next: upstream.pods.length === 0 ? undefined : upstream.next };
      }, POD_SCAN_CALLS).then(
        (pods) =>
          sortByGpus(
            pods.map(toPod).filter((pod) => !phases || phases.has(pod.phase)),
            gpus,
            order.sortOrder === 'desc' ? -1 : 1,
          ),
        (error: unknown) => {
          throw error instanceof PageLimitError ? scanBudgetExceeded(what, 'orderBy.field') : error;
        },
      ));
    return offsetConnection({
      args: request.args,
      what,
      identity,
      shape: { filter, order },
      fetchSlice: async (offset, limit) => ({ items: (await all()).slice(offset, offset + limit) }),
      count: async () => (await all()).length,
    });
  }

  function podConnection(
    name: PodConnectionName,
    request: PodListRequest,
  ): Promise<ConnectionResult<PodModel>> {
    if (request.order.gpus) return gpuSortedConnection(name, request, request.order.gpus);
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

  // get_workload_pod_metrics, one call per pod, window and sample count however many fields ask:
  // the types Pod.metrics, Pod.gpuUtilization and GpuCapacity.utilization ask of one pod in the
  // same tick go out together, and a type asked again is answered from the loader's cache.
  const seriesByType = new DataLoader<string, MetricSeries[]>(async (keys) => {
    const asked = keys.map((key) => {
      const { type, ...call } = JSON.parse(key) as MetricsCallKey & { type: RunaiMetricType };
      return { type, call, group: JSON.stringify(call) };
    });
    const answers = new Map<string, Promise<RunaiMetricsAnswer | Error>>();
    for (const { call, group } of asked) {
      if (answers.has(group)) continue;
      const types = asked.filter((a) => a.group === group).map((a) => a.type);
      answers.set(group, client.podMetrics({ ...call, types }).catch(asError));
    }
    return Promise.all(
      asked.map(async ({ type, group }) => {
        const answer = await (answers.get(group) as Promise<RunaiMetricsAnswer | Error>);
        if (answer instanceof Error) return answer;
        const series = answer.measurements.filter((m) => m.type === type).map(toMetricSeries);
        return series.length === 0 && answer.partial ? metricUnavailable(type) : series;
      }),
    );
  });

  /** The series of one type of a pod over a window, through the shared metrics calls. */
  function seriesOf(pod: PodModel, window: MetricsWindow, type: RunaiMetricType): Promise<MetricSeries[]> {
    const key: MetricsCallKey & { type: RunaiMetricType } = {
      workloadId: pod.workloadId,
      podId: pod.podId,
      start: window.start,
      end: window.end,
      samples: window.samples,
      type,
    };
    return seriesByType.load(JSON.stringify(key));
  }

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
     * Every pod matching a compiled filter, at full verbosity, 500 a page, at most `maxPages` pages;
     * `checkCount` sees the running total after each page (a subscription refuses lists past its bound).
     */
    async allPods(
      filter: CompiledPodFilter,
      checkCount: (count: number) => void,
      maxPages: number,
    ): Promise<PodModel[]> {
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
      }, maxPages).catch((error: unknown) => {
        throw error instanceof PageLimitError ? endlessList('Run:ai', maxPages) : error;
      });
      return pods.map(toPod);
    },
    /**
     * Pod.metrics: the series of each asked type in the order asked (one per GPU for per-GPU
     * types); a type Run:ai's 207 answer left out is a METRIC_UNAVAILABLE error in its place.
     */
    async metrics(pod: PodModel, args: MetricsWindow & { types: RunaiMetricType[] }) {
      checkWindow(args);
      const types = [...new Set(args.types)];
      const perType = await Promise.all(
        // A series Run:ai left out is an entry of its own; a failed call fails the whole field.
        types.map((type) =>
          seriesOf(pod, args, type).catch((error: unknown) => {
            if (isMetricUnavailable(error)) return type;
            throw error;
          }),
        ),
      );
      // Each error is made here, as the loader's is shared by every field that asked the type.
      const others = perType.some((entry) => typeof entry !== 'string')
        ? 'The other series asked came back.'
        : 'None of the series asked came back.';
      return perType.flatMap((entry): (MetricSeries | GraphQLError)[] =>
        typeof entry === 'string' ? [metricUnavailable(entry, pod.name, others)] : entry,
      );
    },
    /** Refuses a metrics window the graph does not take (samples out of 1..1000, start after end). */
    checkMetricsWindow: checkWindow,
    /**
     * Pod.gpuUtilization: the mean of the pod's GPU_UTILIZATION samples over the window (percent),
     * null when no sample has a value; the call is shared with Pod.metrics on the same window.
     */
    async gpuUtilization(pod: PodModel, window: MetricsWindow): Promise<number | null> {
      checkWindow(window);
      const series = await seriesOf(pod, window, 'GPU_UTILIZATION').catch((error: unknown) => {
        throw isMetricUnavailable(error) ? metricUnavailable('GPU_UTILIZATION', pod.name) : error;
      });
      const values = series
        .flatMap((series) => series.samples.map((sample) => sample.value))
        .filter((value): value is number => value !== null);
      // Rounded to 6 decimals, as the GPU sums are, so the figure is free of binary noise.
      if (values.length === 0) return null;
      return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1e6) / 1e6;
    },
  };
}

/**
 * Given pods, a GPU figure and a direction (1 ascending, -1 descending), returns them sorted by
 * the figure (none counts 0), ties by id ascending whatever the direction, as Run:ai breaks ties.
 */
function sortByGpus(pods: readonly PodModel[], gpus: 'requested' | 'allocated', direction: 1 | -1) {
  const figure = (pod: PodModel) =>
    (gpus === 'requested' ? pod.requestedResources?.gpu?.request : pod.allocatedResources?.gpu) ?? 0;
  return [...pods].sort(
    (a, b) => direction * (figure(a) - figure(b)) || (a.podId < b.podId ? -1 : a.podId > b.podId ? 1 : 0),
  );
}

/** The time range and sample count of a metrics question. */
export interface MetricsWindow {
  start: string;
  end: string;
  samples: number;
}

/** One get_workload_pod_metrics call, less its types. */
interface MetricsCallKey extends MetricsWindow {
  workloadId: string;
  podId: string;
}

/**
 * Refuses a sample count outside 1..1000 (Run:ai reads 0 as its default, 20, which the graph
 * would neither ask for nor count) and a window that ends before it starts, to the nanosecond.
 */
export function checkWindow({ start, end, samples }: MetricsWindow): void {
  if (!Number.isInteger(samples) || samples < 1 || samples > 1000) {
    throw badUserInput(`\`samples\` must be from 1 to 1000, got ${samples}.`, { argument: 'samples' });
  }
  if (isAfter(start, end)) {
    throw badUserInput('`start` must not be after `end`.', { argument: 'start' });
  }
}

/**
 * The error in place of a series Run:ai's 207 (partial success) left out, naming the type, the pod
 * and the likely reason (the seed's feature flag for an advanced GPU metric, missing data
 * otherwise); `context` says what the asking field makes of it.
 */
export function metricUnavailable(type: RunaiMetricType, pod?: string, context = ''): GraphQLError {
  const reason = isAdvancedGpuMetric(type)
    ? "it is an advanced GPU metric, which Run:ai serves only with the 'Advanced GPU Metrics' feature flag enabled in its settings"
    : 'Run:ai had no data for it over this window; ask again later or for another window';
  const which = pod === undefined ? 'this pod' : `pod ${JSON.stringify(pod)}`;
  return new GraphQLError(
    `Run:ai answered 207 (partial success) without ${type} for ${which}: ${reason}.${context ? ` ${context}` : ''}`,
    {
      extensions: {
        code: ErrorCode.METRIC_UNAVAILABLE,
        upstream: 'runai',
        upstreamStatus: 207,
        metricType: type,
      },
    },
  );
}

/** Whether an error is a series Run:ai's 207 answer left out. */
export function isMetricUnavailable(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.METRIC_UNAVAILABLE;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
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
