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
import { parseWarmPoolKey } from './model.js';
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
      // Pages hold at most 100 warm pools and a page asks for exactly its size; with no count,
      // totalCount walks the list again, at most MAX_WARM_POOL_COUNT_PAGES calls (it refuses more).
      // With filter.phases the gateway scans: up to the scan budget's calls, twice with totalCount.
      'Query.warmPools': ({ args, pageSize, totalCount }) =>
        Array.isArray((args.filter as { phases?: unknown } | null | undefined)?.phases)
          ? WARM_POOL_SCAN_CALLS * (totalCount ? 2 : 1)
          : Math.ceil(Math.max(pageSize, 1) / GITPOD_MAX_PAGE_SIZE) +
            (totalCount ? MAX_WARM_POOL_COUNT_PAGES : 0),
    },
    lookups: {
      // One filtered walk for every warm pool asked for.
      WarmPool: { batchKey: () => '*', calls: (keys) => (keys > 0 ? 1 : 0) },
    },
  },
  createSimulator: createGitpodSimulator,
});
