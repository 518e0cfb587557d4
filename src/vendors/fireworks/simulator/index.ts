/**
 * The Fireworks control-plane simulator: GetCluster, ListClusters, ListNodePools and
 * ListBatchJobs over the data set of `generateFireworksData(world)`, with the behaviour of
 * schema/upstream/fireworks.openapi.yaml (AIP-158 pages, AIP-160 filters, AIP-132 order,
 * readMask) and the grpc-gateway error body `{"code", "message", "details": []}` on every error.
 *
 * Only `world.accountId` is served. Any other account in the path is 403 PERMISSION_DENIED, not
 * 404: the caller is authenticated and the account may well exist, it just is not the one the
 * API key belongs to (google.rpc: denial "for some users within a class of users" is
 * PERMISSION_DENIED).
 */
import {
  SimulatorServer,
  harnessOptions,
  type SimRequest,
  type SimResponse,
  type SimRoute,
  type VendorProtocol,
  type VendorSimulatorOptions,
} from '../../../simulators/harness.js';
import { rpcCodeForHttpStatus, rpcStatusBody } from '../rpc-status.js';
import { generateFireworksData } from './data.js';
import { BATCH_JOB_FIELDS, CLUSTER_FIELDS, NODE_POOL_FIELDS } from './fields.js';
import { InvalidArgumentError } from './invalid-argument.js';
import { createLister, queryParam } from './list.js';
import { createPageTokenCodec } from './page-token.js';
import { compileReadMask } from './read-mask.js';
import { createFireworksMotion } from './motion.js';

export { generateFireworksData } from './data.js';
export type {
  FireworksBatchJobRecord,
  FireworksClusterRecord,
  FireworksData,
  FireworksNodePoolRecord,
} from './data.js';
export { compileAip160Filter, parseAip160Filter, Aip160FilterError } from './aip160.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list.js';

/**
 * How Fireworks words an error: the google.rpc code for the HTTP status, as grpc-gateway renders
 * it. 405 becomes 501 UNIMPLEMENTED because that is what grpc-gateway's default routing error
 * handler answers for a path that exists under another method; every other status is kept.
 */
export const fireworksProtocol: VendorProtocol = {
  vendor: 'fireworks',
  error(status, message) {
    const code = rpcCodeForHttpStatus(status);
    return { status: status === 405 ? 501 : status, body: rpcStatusBody(code, message) };
  },
};

/** Creates the Fireworks simulator for a world; call `listen()` on the result. */
export function createFireworksSimulator(options: VendorSimulatorOptions): SimulatorServer {
  const { world } = options;
  const data = generateFireworksData(world);
  const tokens = createPageTokenCodec(`fireworks-page-token:${world.seed}:${world.scale}:${world.accountId}`);
  const clustersById = new Map(data.clusters.map((c) => [c.name.split('/').pop() as string, c]));
  world.motion.register('fireworks', createFireworksMotion(data));
  const version = () => world.motion.version;
  const listClusters = createLister(
    {
      operation: 'ListClusters',
      responseField: 'clusters',
      fields: CLUSTER_FIELDS,
      defaultOrderBy: 'name',
      records: data.clusters,
      version,
    },
    tokens,
  );
  const listNodePools = createLister(
    {
      operation: 'ListNodePools',
      responseField: 'nodePools',
      fields: NODE_POOL_FIELDS,
      defaultOrderBy: 'name',
      records: data.nodePools,
      version,
    },
    tokens,
  );
  const listBatchJobs = createLister(
    {
      operation: 'ListBatchJobs',
      responseField: 'batchJobs',
      fields: BATCH_JOB_FIELDS,
      defaultOrderBy: 'create_time desc',
      records: data.batchJobs,
      version,
    },
    tokens,
  );

  /** Runs a handler for the served account, turning caller errors into the vendor's 400. */
  const forAccount =
    (handle: (request: SimRequest) => SimResponse) =>
    (request: SimRequest): SimResponse => {
      const accountId = request.params.account_id ?? '';
      if (accountId !== world.accountId) {
        return fireworksProtocol.error(
          403,
          `permission denied: the API key does not grant access to account "${accountId}"`,
        );
      }
      try {
        return handle(request);
      } catch (error) {
        if (error instanceof InvalidArgumentError) return fireworksProtocol.error(400, error.message);
        throw error;
      }
    };

  const routes: SimRoute[] = [
    {
      method: 'GET',
      path: '/v1/accounts/{account_id}/clusters/{cluster_id}',
      operation: 'GetCluster',
      handle: forAccount((request) => {
        const mask = compileReadMask(queryParam(request.query, 'readMask') ?? '', CLUSTER_FIELDS);
        const clusterId = request.params.cluster_id ?? '';
        const cluster = clustersById.get(clusterId);
        if (!cluster) {
          return fireworksProtocol.error(
            404,
            `cluster "accounts/${world.accountId}/clusters/${clusterId}" not found`,
          );
        }
        return { status: 200, body: mask(cluster) };
      }),
    },
    {
      method: 'GET',
      path: '/v1/accounts/{account_id}/clusters',
      operation: 'ListClusters',
      handle: forAccount((request) => ({ status: 200, body: listClusters(request.query) })),
    },
    {
      method: 'GET',
      path: '/v1/accounts/{account_id}/nodePools',
      operation: 'ListNodePools',
      handle: forAccount((request) => ({ status: 200, body: listNodePools(request.query) })),
    },
    {
      method: 'GET',
      path: '/v1/accounts/{account_id}/batchJobs',
      operation: 'ListBatchJobs',
      handle: forAccount((request) => ({ status: 200, body: listBatchJobs(request.query) })),
    },
  ];
  return new SimulatorServer(fireworksProtocol, routes, harnessOptions(options));
}
