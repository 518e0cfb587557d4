/**
 * The Fireworks simulator as a server: GetCluster, authentication and account errors in the
 * google.rpc body, routing errors, every injected fault mode seen from a client, and the call
 * statistics.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fireworksProtocol } from '../../../src/vendors/fireworks/simulator/index.js';
import {
  ACCOUNT,
  FIREWORKS_TEST_KEY,
  expectValidResponse,
  startFireworks,
  type FireworksHarness,
} from '../../helpers/fireworks-sim.js';

let fw: FireworksHarness;
beforeAll(async () => {
  fw = await startFireworks();
});
afterEach(() => {
  fw.sim.reset();
});
afterAll(async () => {
  await fw.sim.close();
});

const OPERATIONS = [
  ['GetCluster', `clusters/us-east-1-prod`],
  ['ListClusters', 'clusters'],
  ['ListNodePools', 'nodePools'],
  ['ListBatchJobs', 'batchJobs'],
] as const;

describe('GetCluster', () => {
  it('returns each cluster as generated', async () => {
    for (const cluster of fw.data.clusters) {
      const res = await fw.get(`/v1/${cluster.name}`);
      expect(res.status).toBe(200);
      expectValidResponse('GetCluster', 200, res.body);
      expect(res.body).toEqual(cluster);
    }
  });

  it('applies readMask', async () => {
    const [eks, fake] = [fw.data.clusters[0], fw.data.clusters[3]];
    const query = { readMask: 'display_name,eks_cluster.region,fakeCluster.projectId' };
    const a = await fw.get(`/v1/${eks?.name}`, query);
    const b = await fw.get(`/v1/${fake?.name}`, query);
    expectValidResponse('GetCluster', 200, a.body);
    expect(a.body).toEqual({
      displayName: eks?.displayName,
      eksCluster: { region: eks?.eksCluster?.region },
    });
    expect(b.body).toEqual({
      displayName: fake?.displayName,
      fakeCluster: { projectId: fake?.fakeCluster?.projectId },
    });
    const bad = await fw.get(`/v1/${eks?.name}`, { readMask: 'eks_cluster.nope' });
    expect(bad.status).toBe(400);
    expectValidResponse('GetCluster', 400, bad.body);
    expect(bad.body).toEqual({
      code: 3,
      message:
        'read_mask: unknown field "eks_cluster.nope" in "eks_cluster.nope"; expected one of: eks_cluster.aws_account_id, eks_cluster.region, eks_cluster.fireworks_manager_role, eks_cluster.cluster_name, eks_cluster.storage_bucket_name, eks_cluster.metric_writer_role, eks_cluster.load_balancer_controller_role, eks_cluster.workload_identity_pool_provider_id, eks_cluster.inference_role',
      details: [],
    });
  });

  it.each([
    ['no-such-cluster', 'cluster "accounts/fleetgraph-demo/clusters/no-such-cluster" not found'],
    [
      'us-east-1-prod%2FnodePools',
      'cluster "accounts/fleetgraph-demo/clusters/us-east-1-prod/nodePools" not found',
    ],
    ['US-EAST-1-PROD', 'cluster "accounts/fleetgraph-demo/clusters/US-EAST-1-PROD" not found'],
  ])('answers 404 NOT_FOUND for cluster id %s', async (id, message) => {
    const res = await fw.get(`/v1/accounts/${ACCOUNT}/clusters/${id}`);
    expect(res.status).toBe(404);
    expectValidResponse('GetCluster', 404, res.body);
    expect(res.body).toEqual({ code: 5, message, details: [] });
  });
});

describe('authentication and accounts', () => {
  it.each(OPERATIONS)(
    '%s answers 401 UNAUTHENTICATED without a key or with a wrong one',
    async (operation, rest) => {
      for (const key of [null, 'fw-wrong-key-0000', `${FIREWORKS_TEST_KEY}x`]) {
        const res = await fw.get(`/v1/accounts/${ACCOUNT}/${rest}`, {}, key);
        expect(res.status).toBe(401);
        expectValidResponse(operation, 401, res.body);
        expect(res.body).toEqual({
          code: 16,
          message: 'the request does not have valid authentication credentials',
          details: [],
        });
      }
    },
  );

  it.each(OPERATIONS)('%s answers 403 PERMISSION_DENIED for another account', async (operation, rest) => {
    const res = await fw.get(`/v1/accounts/other-account/${rest}`, { filter: 'bad filter (' });
    expect(res.status).toBe(403);
    expectValidResponse(operation, 403, res.body);
    expect(res.body).toEqual({
      code: 7,
      message: 'permission denied: the API key does not grant access to account "other-account"',
      details: [],
    });
  });
});

describe('routing errors', () => {
  it('answers an unknown path with 404 NOT_FOUND', async () => {
    const res = await fw.get(`/v1/accounts/${ACCOUNT}/deployments`);
    expect(res).toMatchObject({
      status: 404,
      body: { code: 5, message: `no route for GET /v1/accounts/${ACCOUNT}/deployments`, details: [] },
    });
  });

  it('answers a known path under another method with 501 UNIMPLEMENTED, as grpc-gateway does', async () => {
    const res = await fetch(`${fw.url}/v1/accounts/${ACCOUNT}/nodePools`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FIREWORKS_TEST_KEY}` },
      body: '{}',
    });
    const body = (await res.json()) as unknown;
    expect(res.status).toBe(501);
    expectValidResponse('ListNodePools', 501, body);
    expect(body).toEqual({
      code: 12,
      message: `method POST is not allowed on /v1/accounts/${ACCOUNT}/nodePools`,
      details: [],
    });
  });

  it('maps every HTTP status to its google.rpc code', () => {
    const codes = [400, 401, 403, 404, 405, 409, 413, 429, 499, 500, 501, 502, 503, 504, 418].map(
      (status) => {
        const { status: sent, body } = fireworksProtocol.error(status, 'm');
        return [status, sent, (body as { code: number }).code];
      },
    );
    expect(codes).toEqual([
      [400, 400, 3],
      [401, 401, 16],
      [403, 403, 7],
      [404, 404, 5],
      [405, 501, 12],
      [409, 409, 10],
      [413, 413, 3],
      [429, 429, 8],
      [499, 499, 1],
      [500, 500, 13],
      [501, 501, 12],
      [502, 502, 14],
      [503, 503, 14],
      [504, 504, 4],
      [418, 418, 2],
    ]);
  });
});

describe('faults', () => {
  const listPools = () =>
    fetch(`${fw.url}/v1/accounts/${ACCOUNT}/nodePools?pageSize=1`, {
      headers: { authorization: `Bearer ${FIREWORKS_TEST_KEY}` },
    });

  it('adds latency', async () => {
    fw.sim.addFaults({ ListNodePools: { latencyMs: 150 } });
    const started = performance.now();
    const res = await listPools();
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it.each([
    [429, 8, 'ListNodePools'],
    [503, 14, 'ListNodePools'],
    [500, 13, 'ListNodePools'],
    [504, 4, 'ListNodePools'],
  ])('answers an injected %i with the google.rpc body and Retry-After', async (status, code, operation) => {
    fw.sim.addFaults({ [operation]: { status, retryAfter: 7 } });
    const res = await listPools();
    const body = (await res.json()) as unknown;
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe('7');
    expectValidResponse(operation, status, body);
    expect(body).toEqual({ code, message: `injected fault: HTTP ${status}`, details: [] });
  });

  it('hangs until the client gives up', async () => {
    fw.sim.addFaults({ ListNodePools: { hang: true } });
    await expect(
      fetch(`${fw.url}/v1/accounts/${ACCOUNT}/nodePools`, {
        headers: { authorization: `Bearer ${FIREWORKS_TEST_KEY}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('sends a malformed body', async () => {
    fw.sim.addFaults({ ListNodePools: { malformed: true } });
    const res = await listPools();
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toBeInstanceOf(SyntaxError);
  });

  it('resets the connection', async () => {
    fw.sim.addFaults({ ListNodePools: { reset: true } });
    await expect(listPools()).rejects.toThrow(TypeError);
  });

  it('strikes only at the given rate and leaves other operations alone', async () => {
    fw.sim.addFaults({ ListNodePools: { status: 503, rate: 0 }, ListBatchJobs: { status: 503 } });
    expect((await listPools()).status).toBe(200);
    expect((await fw.get(`/v1/accounts/${ACCOUNT}/clusters`)).status).toBe(200);
    expect((await fw.get(`/v1/accounts/${ACCOUNT}/batchJobs`)).status).toBe(503);
  });

  it('is configured over HTTP with /_sim/faults and cleared by /_sim/reset', async () => {
    const set = await fetch(`${fw.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ GetCluster: { status: 429 } }),
    });
    expect(set.status).toBe(200);
    expect((await fw.get(`/v1/accounts/${ACCOUNT}/clusters/us-east-1-prod`)).status).toBe(429);
    const unknown = await fetch(`${fw.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ ListPods: {} }),
    });
    expect(unknown.status).toBe(400);
    await fetch(`${fw.url}/_sim/reset`, { method: 'POST' });
    expect((await fw.get(`/v1/accounts/${ACCOUNT}/clusters/us-east-1-prod`)).status).toBe(200);
  });
});

describe('stats', () => {
  it('counts operations and records each request with its masked credential and query', async () => {
    await fw.get(`/v1/accounts/${ACCOUNT}/clusters/us-east-1-prod`);
    await fw.get(`/v1/accounts/${ACCOUNT}/nodePools`, { pageSize: '2', filter: 'state = READY' });
    await fw.get(`/v1/accounts/${ACCOUNT}/nodePools`, {}, 'wrong-key-abcd');
    await fw.get(`/v1/accounts/${ACCOUNT}/batchJobs`, {}, null);
    await fw.get(`/v1/accounts/other/clusters`);
    const res = await fetch(`${fw.url}/_sim/stats`);
    const stats = (await res.json()) as unknown;
    expect(stats).toEqual(fw.sim.stats());
    expect(stats).toEqual({
      operations: { GetCluster: 1, ListNodePools: 2, ListBatchJobs: 1, ListClusters: 1 },
      requests: [
        {
          operation: 'GetCluster',
          method: 'GET',
          path: `/v1/accounts/${ACCOUNT}/clusters/us-east-1-prod`,
          query: {},
          body: null,
          credential: `****${FIREWORKS_TEST_KEY.slice(-4)}`,
          status: 200,
        },
        {
          operation: 'ListNodePools',
          method: 'GET',
          path: `/v1/accounts/${ACCOUNT}/nodePools`,
          query: { pageSize: '2', filter: 'state = READY' },
          body: null,
          credential: '****5c9e',
          status: 200,
        },
        {
          operation: 'ListNodePools',
          method: 'GET',
          path: `/v1/accounts/${ACCOUNT}/nodePools`,
          query: {},
          body: null,
          credential: '****abcd',
          status: 401,
        },
        {
          operation: 'ListBatchJobs',
          method: 'GET',
          path: `/v1/accounts/${ACCOUNT}/batchJobs`,
          query: {},
          body: null,
          credential: null,
          status: 401,
        },
        {
          operation: 'ListClusters',
          method: 'GET',
          path: '/v1/accounts/other/clusters',
          query: {},
          body: null,
          credential: '****5c9e',
          status: 403,
        },
      ],
    });
  });
});
