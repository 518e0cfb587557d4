/**
 * The Fireworks control-plane client: one typed method per operation, over the request's
 * UpstreamSession. Identifiers are validated before they reach a URL path and percent-encoded in
 * it, so no input can address another endpoint or account.
 */
import type { UpstreamSession } from '../../upstream/http.js';
import { upstreamFailure, ErrorCode } from '../../errors.js';
import type { components } from './wire.gen.js';

type Schemas = components['schemas'];
/** A cluster as Fireworks sends it; `name` is always present (every readMask includes it). */
export type FireworksCluster = Schemas['gatewayCluster'] & { name: string };
/** A node pool as Fireworks sends it, with its `name`. */
export type FireworksNodePool = Schemas['gatewayNodePool'] & { name: string };
/** A batch job as Fireworks sends it, with its `name`. */
export type FireworksBatchJob = Schemas['gatewayBatchJob'] & { name: string };
export type FireworksEksCluster = Schemas['gatewayEksCluster'];
export type FireworksFakeCluster = Schemas['gatewayFakeCluster'];
export type FireworksEksNodePool = Schemas['gatewayEksNodePool'];
export type FireworksFakeNodePool = Schemas['gatewayFakeNodePool'];
export type FireworksNodePoolStats = Schemas['gatewayNodePoolStats'];
export type FireworksPythonExecutor = Schemas['gatewayPythonExecutor'];
export type FireworksNotebookExecutor = Schemas['gatewayNotebookExecutor'];
export type FireworksShellExecutor = Schemas['gatewayShellExecutor'];
export type FireworksStatus = Schemas['gatewayStatus'];
export type FireworksBatchJobState = Schemas['gatewayBatchJobState'];

/** AIP-158 list parameters. */
export interface ListParams {
  pageSize: number;
  pageToken?: string | undefined;
  filter?: string | undefined;
  orderBy?: string | undefined;
  readMask?: string | undefined;
}

/** One AIP-158 page. */
export interface ListPage<T> {
  items: T[];
  nextPageToken?: string | undefined;
  totalSize: number;
}

/** The largest page Fireworks serves (larger sizes are coerced to it). */
export const FIREWORKS_MAX_PAGE_SIZE = 200;

export class FireworksClient {
  constructor(
    private readonly session: UpstreamSession,
    readonly accountId: string,
  ) {}

  /** GetCluster; rejects with NOT_FOUND when there is no such cluster. */
  async getCluster(clusterId: string, readMask: string): Promise<FireworksCluster> {
    const body = await this.session.json<FireworksCluster>({
      method: 'GET',
      operation: 'GetCluster',
      path: `${this.accountPath()}/clusters/${encodeURIComponent(clusterId)}`,
      query: { readMask },
    });
    return withName(body);
  }

  /** ListClusters. */
  async listClusters(params: ListParams): Promise<ListPage<FireworksCluster>> {
    const body = await this.list<Schemas['gatewayListClustersResponse']>('clusters', 'ListClusters', params);
    return page(body.clusters, body);
  }

  /** ListNodePools (account level: the node pools of every cluster). */
  async listNodePools(params: ListParams): Promise<ListPage<FireworksNodePool>> {
    const body = await this.list<Schemas['gatewayListNodePoolsResponse']>(
      'nodePools',
      'ListNodePools',
      params,
    );
    return page(body.nodePools, body);
  }

  /** ListBatchJobs (account level: the batch jobs of every cluster). */
  async listBatchJobs(params: ListParams): Promise<ListPage<FireworksBatchJob>> {
    const body = await this.list<Schemas['gatewayListBatchJobsResponse']>(
      'batchJobs',
      'ListBatchJobs',
      params,
    );
    return page(body.batchJobs, body);
  }

  private list<T>(collection: string, operation: string, params: ListParams): Promise<T> {
    return this.session.json<T>({
      method: 'GET',
      operation,
      path: `${this.accountPath()}/${collection}`,
      query: {
        pageSize: params.pageSize,
        pageToken: params.pageToken,
        filter: params.filter || undefined,
        orderBy: params.orderBy || undefined,
        readMask: params.readMask,
      },
    });
  }

  private accountPath(): string {
    return `/v1/accounts/${encodeURIComponent(this.accountId)}`;
  }
}

function withName<T extends { name?: string }>(resource: T): T & { name: string } {
  if (typeof resource !== 'object' || resource === null || typeof resource.name !== 'string') {
    throw upstreamFailure('fireworks', ErrorCode.UPSTREAM_ERROR, 'answered a resource without a name.');
  }
  return resource as T & { name: string };
}

function page<T extends { name?: string }>(
  items: T[] | undefined,
  body: { nextPageToken?: string; totalSize?: number },
): ListPage<T & { name: string }> {
  if (typeof body !== 'object' || body === null || (items !== undefined && !Array.isArray(items))) {
    throw upstreamFailure('fireworks', ErrorCode.UPSTREAM_ERROR, 'answered a list in an unexpected shape.');
  }
  return {
    items: (items ?? []).map(withName),
    nextPageToken: body.nextPageToken || undefined,
    totalSize: typeof body.totalSize === 'number' ? body.totalSize : 0,
  };
}
