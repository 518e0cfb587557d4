/**
 * The NVIDIA Run:ai client: one typed method per pod operation, over the request's
 * UpstreamSession. UUIDs are validated before they reach a URL path.
 */
import { ErrorCode, upstreamFailure } from '../../errors.js';
import type { UpstreamSession } from '../../upstream/http.js';
import type { components } from './wire.gen.js';

type Schemas = components['schemas'];
/** A pod as list_pods sends it. */
export type RunaiPod = Schemas['Pod1'];
export type RunaiContainer = Schemas['Container1'];
export type RunaiRequestedResources = NonNullable<Schemas['PodRequestResources']>;
export type RunaiAllocatedResources = NonNullable<Schemas['AllocatedResources']>;
export type RunaiMeasurement = Schemas['MeasurementResponse'];
export type RunaiSample = NonNullable<Schemas['MeasurementResponse']['values']>[number];
export type RunaiSortField = components['parameters']['PodsSort'];
export type RunaiMetricType = Schemas['PodMetricType'];

/** The largest `limit` Run:ai accepts. */
export const RUNAI_MAX_LIMIT = 500;

/** Query parameters shared by list_pods and count_pods. */
export interface PodQuery {
  filterBy: string[];
  search?: string | undefined;
  deleted?: boolean | undefined;
}

/** list_pods parameters. */
export interface ListPodsParams extends PodQuery {
  offset: number;
  limit: number;
  sortBy?: RunaiSortField | undefined;
  sortOrder?: 'asc' | 'desc' | undefined;
  completed?: 'true' | 'false' | undefined;
  verbosity?: 'brief' | 'full' | undefined;
}

/** Given a string, returns whether it is a UUID (what every Run:ai path identifier is). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export class RunaiClient {
  constructor(private readonly session: UpstreamSession) {}

  /** list_pods. */
  async listPods(params: ListPodsParams): Promise<{ pods: RunaiPod[]; next?: number | undefined }> {
    const body = await this.session.json<{ pods?: unknown; next?: unknown }>({
      method: 'GET',
      operation: 'list_pods',
      path: '/api/v1/workloads/pods',
      query: {
        offset: params.offset,
        limit: params.limit,
        ...podQuery(params),
        sortBy: params.sortBy,
        sortOrder: params.sortOrder,
        completed: params.completed,
        verbosity: params.verbosity,
      },
    });
    return podsPage(body);
  }

  /** count_pods. */
  async countPods(query: PodQuery): Promise<number> {
    const body = await this.session.json<{ count?: unknown }>({
      method: 'GET',
      operation: 'count_pods',
      path: '/api/v1/workloads/pods/count',
      query: podQuery(query),
    });
    if (typeof body?.count !== 'number') {
      throw upstreamFailure('runai', ErrorCode.UPSTREAM_ERROR, 'answered a count in an unexpected shape.');
    }
    return body.count;
  }

  /** get_workload_pods. */
  async workloadPods(
    workloadId: string,
    offset: number,
    limit: number,
    deleted = false,
  ): Promise<{ pods: RunaiPod[]; next?: number | undefined }> {
    const body = await this.session.json<{ pods?: unknown; next?: unknown }>({
      method: 'GET',
      operation: 'get_workload_pods',
      path: `/api/v1/workloads/${encodeURIComponent(workloadId)}/pods`,
      query: { offset, limit, deleted: deleted ? 'true' : undefined },
    });
    return podsPage(body);
  }

  /** get_revision_pods (no paging upstream: every pod of the revision at once). */
  async revisionPods(revisionId: string): Promise<RunaiPod[]> {
    const body = await this.session.json<{ pods?: unknown; next?: unknown }>({
      method: 'GET',
      operation: 'get_revision_pods',
      path: `/api/v1/workloads/inferences/revisions/${encodeURIComponent(revisionId)}/pods`,
    });
    return podsPage(body).pods;
  }

  /** get_workload_pod_metrics. */
  async podMetrics(params: {
    workloadId: string;
    podId: string;
    types: RunaiMetricType[];
    start: string;
    end: string;
    samples: number;
  }): Promise<RunaiMeasurement[]> {
    const body = await this.session.json<{ measurements?: unknown }>({
      method: 'GET',
      operation: 'get_workload_pod_metrics',
      path: `/api/v1/workloads/${encodeURIComponent(params.workloadId)}/pods/${encodeURIComponent(params.podId)}/metrics`,
      query: {
        metricType: params.types.join(','),
        start: params.start,
        end: params.end,
        numberOfSamples: params.samples,
      },
    });
    if (!Array.isArray(body?.measurements)) {
      throw upstreamFailure('runai', ErrorCode.UPSTREAM_ERROR, 'answered metrics in an unexpected shape.');
    }
    return body.measurements as RunaiMeasurement[];
  }
}

function podQuery(query: PodQuery): Record<string, string | undefined> {
  return {
    filterBy: query.filterBy.length ? query.filterBy.join(',') : undefined,
    search: query.search,
    deleted: query.deleted ? 'true' : undefined,
  };
}

function podsPage(body: { pods?: unknown; next?: unknown }): { pods: RunaiPod[]; next?: number | undefined } {
  if (typeof body !== 'object' || body === null || !Array.isArray(body.pods)) {
    throw upstreamFailure('runai', ErrorCode.UPSTREAM_ERROR, 'answered a pod list in an unexpected shape.');
  }
  for (const pod of body.pods as { id?: unknown; workloadId?: unknown }[]) {
    if (typeof pod?.id !== 'string' || typeof pod.workloadId !== 'string') {
      throw upstreamFailure('runai', ErrorCode.UPSTREAM_ERROR, 'answered a pod without an id.');
    }
  }
  return { pods: body.pods as RunaiPod[], next: typeof body.next === 'number' ? body.next : undefined };
}
