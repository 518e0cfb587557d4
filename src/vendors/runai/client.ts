/**
 * The NVIDIA Run:ai client: one typed method per pod operation, over the request's
 * UpstreamSession. UUIDs are validated before they reach a URL path.
 */
import { ErrorCode, upstreamFailure, type Upstream } from '../../errors.js';
import type { UpstreamSession } from '../../upstream/http.js';
import type { components } from './wire.gen.js';

/** Run:ai as errors name it (its error bodies repeat the HTTP status, which decides the code). */
export const RUNAI: Upstream = { id: 'runai', label: 'Run:ai' };

type Schemas = components['schemas'];
/** A pod as list_pods sends it. */
export type RunaiPod = Schemas['Pod1'];
/** A pod as the deprecated getPods sends it. */
export type RunaiLegacyPod = Schemas['Pod'];
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

/** A get_workload_pod_metrics answer; `partial` when it was a 207 (some asked types left out). */
export interface RunaiMetricsAnswer {
  partial: boolean;
  measurements: RunaiMeasurement[];
}

export class RunaiClient {
  constructor(private readonly session: UpstreamSession) {}

  /** list_pods. */
  async listPods(params: ListPodsParams): Promise<{ pods: RunaiPod[]; next?: number | undefined }> {
    const body = await this.session.json<{ pods?: unknown; next?: unknown }>({
      operation: 'list_pods',
      method: 'GET',
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
      operation: 'count_pods',
      method: 'GET',
      path: '/api/v1/workloads/pods/count',
      query: podQuery(query),
    });
    if (typeof body?.count !== 'number') {
      throw upstreamFailure(RUNAI, ErrorCode.UPSTREAM_ERROR, 'answered a count in an unexpected shape.');
    }
    return body.count;
  }

  /** get_workload_pods. */
  async workloadPods(
    workloadId: string,
    offset: number,
    limit: number,
    deleted = false,
    search?: string,
  ): Promise<{ pods: RunaiPod[]; next?: number | undefined }> {
    const body = await this.session.json<{ pods?: unknown; next?: unknown }>({
      operation: 'get_workload_pods',
      method: 'GET',
      path: `/api/v1/workloads/${encodeURIComponent(workloadId)}/pods`,
      query: { offset, limit, deleted: deleted ? 'true' : undefined, search },
    });
    return podsPage(body);
  }

  /** getPods (deprecated): every pod of one cluster, in the legacy shape, unpaged. */
  async legacyPods(clusterUuid: string): Promise<RunaiLegacyPod[]> {
    const body = await this.session.json<unknown>({
      method: 'GET',
      path: `/v1/k8s/clusters/${encodeURIComponent(clusterUuid)}/pods`,
      operation: 'getPods',
      answersArray: true,
    });
    return (body as unknown[]).filter(
      (p): p is RunaiLegacyPod => typeof (p as RunaiLegacyPod | null)?.podId === 'string',
    );
  }

  /** get_revision_pods (no paging upstream: every pod of the revision at once). */
  async revisionPods(revisionId: string, deleted = false): Promise<RunaiPod[]> {
    const body = await this.session.json<{ pods?: unknown; next?: unknown }>({
      operation: 'get_revision_pods',
      method: 'GET',
      path: `/api/v1/workloads/inferences/revisions/${encodeURIComponent(revisionId)}/pods`,
      query: { deleted: deleted ? 'true' : undefined },
    });
    return podsPage(body).pods;
  }

  /**
   * get_workload_pod_metrics; `partial` when Run:ai answered 207 (partial success: some requested
   * types are left out of `measurements`).
   */
  async podMetrics(params: {
    workloadId: string;
    podId: string;
    types: RunaiMetricType[];
    start: string;
    end: string;
    samples: number;
  }): Promise<RunaiMetricsAnswer> {
    const answer = await this.session.json<{ status: number; body: { measurements?: unknown } }>({
      operation: 'get_workload_pod_metrics',
      method: 'GET',
      path: `/api/v1/workloads/${encodeURIComponent(params.workloadId)}/pods/${encodeURIComponent(params.podId)}/metrics`,
      query: {
        metricType: params.types.join(','),
        start: params.start,
        end: params.end,
        numberOfSamples: params.samples,
      },
      withStatus: true,
    });
    if (!Array.isArray(answer.body.measurements)) {
      throw upstreamFailure(RUNAI, ErrorCode.UPSTREAM_ERROR, 'answered metrics in an unexpected shape.');
    }
    return { partial: answer.status === 207, measurements: answer.body.measurements as RunaiMeasurement[] };
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
    throw upstreamFailure(RUNAI, ErrorCode.UPSTREAM_ERROR, 'answered a pod list in an unexpected shape.');
  }
  for (const pod of body.pods as { id?: unknown; workloadId?: unknown }[]) {
    if (typeof pod?.id !== 'string' || typeof pod.workloadId !== 'string') {
      throw upstreamFailure(RUNAI, ErrorCode.UPSTREAM_ERROR, 'answered a pod without an id.');
    }
  }
  return { pods: body.pods as RunaiPod[], next: typeof body.next === 'number' ? body.next : undefined };
}
