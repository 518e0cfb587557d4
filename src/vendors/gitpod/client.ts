/**
 * The Gitpod / Ona client: ListWarmPools over the Connect protocol (a unary JSON POST with the
 * page token and size in the body), over the request's UpstreamSession.
 */
import { ErrorCode, upstreamFailure } from '../../errors.js';
import type { UpstreamSession } from '../../upstream/http.js';
import type { components } from './wire.gen.js';

type Schemas = components['schemas'];
/** A warm pool as Gitpod sends it; `id` is always present (checked on arrival). */
export type GitpodWarmPool = Schemas['WarmPool'] & { id: string };
export type GitpodWarmPoolSpec = Schemas['WarmPoolSpec'];
export type GitpodWarmPoolStatus = Schemas['WarmPoolStatus'];
export type GitpodWarmPoolFilter = Schemas['ListWarmPoolsFilter'];

/** The largest page ListWarmPools serves. */
export const GITPOD_MAX_PAGE_SIZE = 100;

export class GitpodClient {
  constructor(private readonly session: UpstreamSession) {}

  /** ListWarmPools. */
  async listWarmPools(params: {
    token?: string | undefined;
    pageSize: number;
    filter?: GitpodWarmPoolFilter | undefined;
  }): Promise<{ warmPools: GitpodWarmPool[]; nextToken?: string | undefined }> {
    const body = await this.session.json<{ warmPools?: unknown; pagination?: { nextToken?: unknown } }>({
      method: 'POST',
      operation: 'ListWarmPools',
      path: '/gitpod.v1.PrebuildService/ListWarmPools',
      headers: { 'connect-protocol-version': '1' },
      body: {
        pagination: { ...(params.token ? { token: params.token } : {}), pageSize: params.pageSize },
        ...(params.filter ? { filter: params.filter } : {}),
      },
    });
    const pools = body?.warmPools ?? [];
    if (!Array.isArray(pools) || pools.some((p: { id?: unknown } | null) => typeof p?.id !== 'string')) {
      throw upstreamFailure(
        'gitpod',
        ErrorCode.UPSTREAM_ERROR,
        'answered warm pools in an unexpected shape.',
      );
    }
    const next = body.pagination?.nextToken;
    return {
      warmPools: pools as GitpodWarmPool[],
      nextToken: typeof next === 'string' && next ? next : undefined,
    };
  }
}
