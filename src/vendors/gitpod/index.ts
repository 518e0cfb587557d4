/**
 * Gitpod / Ona (warm pools over Connect RPC page tokens), plugged into the gateway through the
 * vendor contract. This file is the folder's public surface.
 */
import { WARM_POOL_SCAN_CALLS } from './scan.js';
import { notFound } from '../../errors.js';
import { gitpodLiveSources } from './live.js';
import { defineVendor } from '../contract.js';
import { createGitpodApi, MAX_WARM_POOL_COUNT_PAGES, type GitpodApi } from './api.js';
import { GITPOD, GITPOD_MAX_PAGE_SIZE } from './client.js';
import { gitpodErrorCode } from './connect-errors.js';
import { warmPoolLookupCalls } from './lookup.js';
import { parseWarmPoolKey } from './model.js';
import { tokenPageCalls } from '../../pagination/connection.js';
import { isUuid } from '../../values.js';
import { gitpodResolvers } from './resolvers.js';
import { createGitpodSimulator } from './simulator/index.js';

export type { GitpodApi } from './api.js';
export type { WarmPoolModel } from './model.js';

/** Gitpod, as the registry lists it. */
export const gitpod = defineVendor<'gitpod', GitpodApi, Record<string, never>>({
  id: 'gitpod',
  label: GITPOD.label,
  configPrefix: 'GITPOD',
  credentialVariable: 'GITPOD_API_KEY',
  demo: { credential: 'gitpod-demo-key-4013', simulatorPort: 4013 },
  readSettings: () => ({}),
  credentialHeader: 'x-gitpod-api-key',
  errorCode: gitpodErrorCode,
  createApi: createGitpodApi,
  resolvers: gitpodResolvers,
  nodeTypes: [
    {
      typename: 'WarmPool',
      // A key that cannot be three UUIDs names no warm pool: it loads as missing, without a call.
      checkKey: () => undefined,
      async load(key, api, id) {
        const pool = await api.warmPool(parseWarmPoolKey(key));
        if (!pool) throw notFound(`No object has the ID "${id}".`, 'gitpod');
        return pool;
      },
    },
  ],
  liveSources: gitpodLiveSources,
  cost: {
    connections: {
      // Pages hold at most 100 warm pools and a page asks for exactly its size (two calls from a
      // cursor: paginateByToken's cap); with no count,
      // totalCount walks the list again, at most MAX_WARM_POOL_COUNT_PAGES calls (it refuses more).
      // With filter.phases the gateway scans: up to the scan budget's calls, twice with totalCount.
      'Query.warmPools': ({ args, pageSize, totalCount }) =>
        Array.isArray((args.filter as { phases?: unknown } | null | undefined)?.phases)
          ? WARM_POOL_SCAN_CALLS * (totalCount ? 2 : 1)
          : tokenPageCalls(args.after != null, pageSize, GITPOD_MAX_PAGE_SIZE) +
            (totalCount ? MAX_WARM_POOL_COUNT_PAGES : 0),
    },
    lookups: {
      // The planned walks over the projects and classes asked for (lookup.ts); a key that is not
      // three UUIDs loads as missing without a call.
      WarmPool: {
        calls: (_keys, keys) =>
          warmPoolLookupCalls(
            keys.map(parseWarmPoolKey).filter((k) => [k.id, k.projectId, k.environmentClassId].every(isUuid)),
          ),
      },
    },
  },
  createSimulator: createGitpodSimulator,
});
