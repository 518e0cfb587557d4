/**
 * Fireworks control plane (clusters, node pools, batch jobs over AIP-158 lists), plugged into the
 * gateway through the vendor contract. This file is the folder's public surface: the joins
 * module and the registry import nothing deeper.
 */
import { notFound } from '../../errors.js';
import type { ConnectionCall } from '../../graphql/cost.js';
import { tokenPageCalls } from '../../pagination/connection.js';
import { fireworksLiveSources } from './live.js';
import { defineVendor } from '../contract.js';
import {
  createFireworksApi,
  firstPagesOfParentsCalls,
  NAMES_PER_LOOKUP,
  type FireworksApi,
  type FireworksSettings,
} from './api.js';
import { FIREWORKS, FIREWORKS_MAX_PAGE_SIZE } from './client.js';
import { fireworksErrorCode } from './rpc-status.js';
import { fireworksResolvers } from './resolvers.js';
import { clusterName, parseChildName, parseClusterName } from './names.js';
import { createFireworksSimulator } from './simulator/index.js';

export type { FireworksApi, FireworksSettings } from './api.js';
export type { ClusterModel, NodePoolModel, BatchJobModel } from './model.js';
export { clusterName, isResourceId, parentClusterName, shortId } from './names.js';
export { firstPagesOfParentsCalls, NAMES_PER_LOOKUP } from './api.js';

const byName = (type: string, args: Record<string, unknown>) =>
  typeof args.name === 'string' ? [{ type, key: args.name }] : [];

const isFirstPage = ({ args }: ConnectionCall) =>
  args.after == null && args.last == null && args.before == null;

/** The calls of one page of a list (two from a cursor: paginateByToken's cap). */
const pageCalls = ({ args, pageSize }: ConnectionCall) =>
  tokenPageCalls(args.after != null, pageSize, FIREWORKS_MAX_PAGE_SIZE);

/** Fireworks, as the registry lists it. */
export const fireworks = defineVendor<'fireworks', FireworksApi, FireworksSettings>({
  id: 'fireworks',
  label: FIREWORKS.label,
  configPrefix: 'FIREWORKS',
  credentialVariable: 'FIREWORKS_API_KEY',
  demo: { credential: 'fw-demo-key-4011', simulatorPort: 4011 },
  readSettings(env, fail) {
    const accountId = env.FIREWORKS_ACCOUNT_ID?.trim() || 'fleetgraph-demo';
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(accountId)) {
      fail(`FIREWORKS_ACCOUNT_ID must be a Fireworks account id (a-z, 0-9, -), got "${accountId}"`);
    }
    return { accountId };
  },
  credentialHeader: 'x-fireworks-api-key',
  errorCode: fireworksErrorCode,
  createApi: createFireworksApi,
  resolvers: fireworksResolvers,
  nodeTypes: [
    {
      typename: 'Cluster',
      naturalKeys: ['name'],
      checkKey: (key) => void parseClusterName(key, 'any'),
      load(key, api, id) {
        const { account, cluster } = parseClusterName(key, api.accountId);
        if (account !== api.accountId) throw notFound(`No object has the ID "${id}".`);
        return api.clusterByName.load(clusterName(account, cluster));
      },
    },
    {
      typename: 'NodePool',
      naturalKeys: ['name'],
      checkKey: (key) => void parseChildName(key, 'nodePools'),
      load(key, api, id) {
        if (parseChildName(key, 'nodePools').account !== api.accountId) {
          throw notFound(`No object has the ID "${id}".`);
        }
        return api.nodePoolByName.load(key);
      },
    },
    {
      typename: 'BatchJob',
      naturalKeys: ['name'],
      checkKey: (key) => void parseChildName(key, 'batchJobs'),
      load(key, api, id) {
        if (parseChildName(key, 'batchJobs').account !== api.accountId) {
          throw notFound(`No object has the ID "${id}".`);
        }
        return api.batchJobByName.load(key);
      },
    },
  ],
  liveSources: fireworksLiveSources,
  cost: {
    // One AIP-158 list per page (two from a cursor), up to 200 items a page; totalSize comes with it.
    connections: {
      'Query.clusters': pageCalls,
      'Query.nodePools': pageCalls,
      'Query.batchJobs': pageCalls,
      // First pages of every parent's node pools come from one account-level list (api.ts).
      'Cluster.nodePools': (call) =>
        isFirstPage(call) ? firstPagesOfParentsCalls(call) : call.parents * pageCalls(call),
      'NodePool.batchJobs': (call) => call.parents * pageCalls(call),
      // One ListBatchJobs per cluster and page: a page of each cluster cannot share a list.
      'Cluster.batchJobs': (call) => call.parents * pageCalls(call),
    },
    rootLookups: {
      cluster: (args) => byName('Cluster', args),
      nodePool: (args) => byName('NodePool', args),
      batchJob: (args) => byName('BatchJob', args),
    },
    lookups: {
      // One name is a GetCluster; more go through ListClusters with an OR filter.
      Cluster: { calls: (keys) => (keys === 1 ? 1 : Math.ceil(keys / NAMES_PER_LOOKUP)) },
      NodePool: { calls: (keys) => Math.ceil(keys / NAMES_PER_LOOKUP) },
      BatchJob: { calls: (keys) => Math.ceil(keys / NAMES_PER_LOOKUP) },
    },
  },
  createSimulator: createFireworksSimulator,
});
