/**
 * The six Run:ai pod operations as pure route handlers over a `RunaiData` set. Query semantics
 * live in query.ts (lists), metrics.ts (metrics) and legacy.ts (the deprecated shape).
 *
 * Contracts common to the routes:
 * - A path parameter documented as a UUID that is not one is a 400 (`workloadId`, `podId`,
 *   `revisionId`); a well-formed id that names nothing is a 404 with the `Error` body. The
 *   deprecated `getPods` answers any unknown `uuid`, malformed or not, with its `Error1` 404.
 * - Every list is returned in the default order (`createdAt` asc, then `id`) unless `sortBy` /
 *   `sortOrder` say otherwise (list_pods only).
 * - `get_workload_pods` and `get_revision_pods` have no `verbosity` parameter, so they serve the
 *   brief shape (no `workloadName` / `projectName`); `get_revision_pods` has no paging.
 * - `count_pods` applies `deleted`, `filterBy` and `search` exactly as `list_pods` does (it has
 *   no `completed` parameter, so `completed` is ignored there, like any unknown parameter).
 */
import type { SimRequest, SimResponse, SimRoute } from '../../../simulators/harness.js';
import type { RunaiData, RunaiPod, RunaiRevision, RunaiWorkload } from './data.js';
import { RunaiRequestError, legacyNotFound, runaiError } from './errors.js';
import { toLegacyPod } from './legacy.js';
import { parseMetricsQuery, podMetrics } from './metrics.js';
import { metricAvailable, type RunaiSettings } from './settings.js';
import {
  matchesPodsFilter,
  matchesSearch,
  pageOf,
  parseCompleted,
  parseDeleted,
  parseLimit,
  parseOffset,
  parsePodsFilter,
  parseSortBy,
  parseSortOrder,
  parseVerbosity,
  sortPods,
  type PodsFilterEntry,
} from './query.js';
import { isUuid } from '../../../values.js';

/** The operation names the simulator's statistics and faults use (the seed's operationIds). */
export const RUNAI_OPERATIONS = [
  'getPods',
  'list_pods',
  'count_pods',
  'get_workload_pods',
  'get_workload_pod_metrics',
  'get_revision_pods',
] as const;
export type RunaiOperation = (typeof RUNAI_OPERATIONS)[number];

interface Selection {
  deleted: boolean;
  filter: PodsFilterEntry[];
  search: string;
  completed: 'true' | 'false' | 'all';
}

/**
 * Given a data set and the tenant settings in force (read at each request), returns the harness
 * routes of the six operations.
 */
export function createRunaiRoutes(data: RunaiData, settings: () => Readonly<RunaiSettings>): SimRoute[] {
  const ordered = sortPods(data.pods, undefined, 'asc');
  const podsById = new Map(data.pods.map((p) => [p.id, p]));
  const workloadsById = new Map(data.workloads.map((w) => [w.id, w]));
  const revisionsById = new Map(data.revisions.map((r) => [r.id, r]));
  const podsOf = (ids: string[]): RunaiPod[] =>
    sortPods(
      ids.map((id) => podsById.get(id) as RunaiPod),
      undefined,
      'asc',
    );
  const workloadPods = new Map(data.workloads.map((w) => [w.id, podsOf(w.podIds)]));
  const revisionPods = new Map(data.revisions.map((r) => [r.id, podsOf(r.podIds)]));
  const clusterPods = new Map(data.clusterIds.map((id) => [id, ordered.filter((p) => p.clusterId === id)]));

  const routes: SimRoute[] = [
    {
      method: 'GET',
      path: '/api/v1/workloads/pods/count',
      operation: 'count_pods',
      handle: guarded((request) => {
        const selection: Selection = {
          deleted: parseDeleted(request.query),
          filter: parsePodsFilter(request.query.getAll('filterBy')),
          search: request.query.get('search') ?? '',
          completed: 'all',
        };
        return { status: 200, body: { count: select(ordered, selection).length } };
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/workloads/pods',
      operation: 'list_pods',
      handle: guarded((request) => {
        const q = request.query;
        const deleted = parseDeleted(q);
        const offset = parseOffset(q);
        const limit = parseLimit(q);
        const sortOrder = parseSortOrder(q);
        const sortBy = parseSortBy(q);
        const filter = parsePodsFilter(q.getAll('filterBy'));
        const verbosity = parseVerbosity(q);
        const completed = parseCompleted(q);
        const search = q.get('search') ?? '';
        const matched = select(ordered, { deleted, filter, search, completed });
        const sorted =
          sortBy === undefined && sortOrder === 'asc' ? matched : sortPods(matched, sortBy, sortOrder);
        return pageResponse(sorted, offset, limit, verbosity);
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/workloads/inferences/revisions/{revisionId}/pods',
      operation: 'get_revision_pods',
      handle: guarded((request) => {
        const revisionId = uuidParam(request, 'revisionId');
        const deleted = parseDeleted(request.query);
        const revision: RunaiRevision | undefined = revisionsById.get(revisionId);
        if (!revision) throw new RunaiRequestError(404, `revision ${revisionId} not found`);
        const pods = select(revisionPods.get(revision.id) ?? [], {
          deleted,
          filter: [],
          search: '',
          completed: 'all',
        });
        return { status: 200, body: { pods: pods.map((p) => render(p, 'brief')) } };
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/workloads/{workloadId}/pods/{podId}/metrics',
      operation: 'get_workload_pod_metrics',
      handle: guarded((request) => {
        const workloadId = uuidParam(request, 'workloadId');
        const podId = uuidParam(request, 'podId');
        const query = parseMetricsQuery(request.query);
        if (!workloadsById.has(workloadId))
          throw new RunaiRequestError(404, `workload ${workloadId} not found`);
        const pod = podsById.get(podId);
        if (!pod) throw new RunaiRequestError(404, `pod ${podId} not found`);
        if (pod.workloadId !== workloadId) {
          throw new RunaiRequestError(404, `pod ${podId} not found in workload ${workloadId}`);
        }
        const tenant = settings();
        return podMetrics(pod, query, (type) => metricAvailable(tenant, type));
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/workloads/{workloadId}/pods',
      operation: 'get_workload_pods',
      handle: guarded((request) => {
        const workloadId = uuidParam(request, 'workloadId');
        const q = request.query;
        const deleted = parseDeleted(q);
        const offset = parseOffset(q);
        const limit = parseLimit(q);
        const search = q.get('search') ?? '';
        const workload: RunaiWorkload | undefined = workloadsById.get(workloadId);
        if (!workload) throw new RunaiRequestError(404, `workload ${workloadId} not found`);
        const pods = select(workloadPods.get(workload.id) ?? [], {
          deleted,
          filter: [],
          search,
          completed: 'all',
        });
        return pageResponse(pods, offset, limit, 'brief');
      }),
    },
    {
      method: 'GET',
      path: '/v1/k8s/clusters/{uuid}/pods',
      operation: 'getPods',
      handle: guarded((request) => {
        const uuid = request.params.uuid ?? '';
        const pods = clusterPods.get(uuid);
        if (!pods) return legacyNotFound(`cluster ${uuid} not found`);
        return {
          status: 200,
          body: pods.map((p) => toLegacyPod(p, workloadsById.get(p.workloadId) as RunaiWorkload)),
        };
      }),
    },
  ];
  return routes;
}

function select(pods: readonly RunaiPod[], selection: Selection): RunaiPod[] {
  return pods.filter(
    (pod) =>
      Boolean(pod.deletedAt) === selection.deleted &&
      (selection.completed === 'all' || Boolean(pod.completedAt) === (selection.completed === 'true')) &&
      matchesPodsFilter(pod, selection.filter) &&
      matchesSearch(pod, selection.search),
  );
}

function pageResponse(
  pods: readonly RunaiPod[],
  offset: number,
  limit: number,
  verbosity: 'brief' | 'full',
): SimResponse {
  const page = pageOf(pods, offset, limit);
  const body: { pods: RunaiPod[]; next?: number } = { pods: page.items.map((p) => render(p, verbosity)) };
  if (page.next !== undefined) body.next = page.next;
  return { status: 200, body };
}

/** The wire record at a verbosity: `workloadName` and `projectName` only with full. */
function render(pod: RunaiPod, verbosity: 'brief' | 'full'): RunaiPod {
  if (verbosity === 'full') return pod;
  const { projectName: _projectName, workloadName: _workloadName, ...brief } = pod;
  return brief;
}

function uuidParam(request: SimRequest, name: string): string {
  const value = request.params[name] ?? '';
  if (!isUuid(value)) throw new RunaiRequestError(400, `${name} must be a UUID, got "${value}"`);
  return value;
}

function guarded(handle: (request: SimRequest) => SimResponse): (request: SimRequest) => SimResponse {
  return (request) => {
    try {
      return handle(request);
    } catch (error) {
      if (error instanceof RunaiRequestError) return runaiError(error.status, error.message);
      throw error;
    }
  };
}
