/**
 * One vocabulary: every type names its times `…At` (the Fireworks `…Time` names stay as
 * deprecated aliases reading the same wire field), and DateTime declares its specification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMigProfile, toPodPhase } from '../../src/vendors/runai/model.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, groundTruth, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());

describe('time field names', () => {
  it('batch jobs answer createdAt/startedAt/endedAt/updatedAt and their deprecated aliases alike', async () => {
    const job = fleet.batchJobs.find((j) => j.startTime && j.endTime)!;
    gw.reset();
    const query = `query($n: String!) { batchJob(name: $n) { createdAt startedAt endedAt updatedAt createTime startTime endTime updateTime } }`;
    expect(await gql(gw, query, { n: job.name })).toEqual({
      status: 200,
      data: {
        batchJob: {
          createdAt: job.createTime,
          startedAt: job.startTime,
          endedAt: job.endTime,
          updatedAt: job.updateTime,
          createTime: job.createTime,
          startTime: job.startTime,
          endTime: job.endTime,
          updateTime: job.updateTime,
        },
      },
    });
    expect(gw.requests('fireworks').map((r) => r.query.readMask)).toEqual([
      'create_time,end_time,name,start_time,update_time',
    ]);
  });

  it('clusters and node pools answer createdAt/updatedAt, asking only for those wire fields', async () => {
    gw.reset();
    const res = await gql(
      gw,
      `{ clusters(first: 1) { nodes { createdAt updatedAt nodePools(first: 1) { nodes { createdAt updatedAt } } } } }`,
    );
    const cluster = fleet.clusters[0]!;
    const pool = fleet.nodePoolsOf(cluster.name)[0]!;
    expect(res).toEqual({
      status: 200,
      data: {
        clusters: {
          nodes: [
            {
              createdAt: cluster.createTime,
              updatedAt: cluster.updateTime,
              nodePools: { nodes: [{ createdAt: pool.createTime, updatedAt: pool.updateTime }] },
            },
          ],
        },
      },
    });
    expect(gw.requests('fireworks').map((r) => r.query.readMask)).toEqual([
      'create_time,name,update_time',
      'create_time,name,update_time',
    ]);
  });

  it('introspection: the old names are deprecated, DateTime names RFC 3339', async () => {
    const res = await gql<{
      t: { specifiedByURL: string };
      j: { fields: { name: string; deprecationReason: string | null }[] };
    }>(
      gw,
      `{ t: __type(name: "DateTime") { specifiedByURL } j: __type(name: "BatchJob") { fields(includeDeprecated: true) { name deprecationReason } } }`,
    );
    expect(res.data!.t.specifiedByURL).toBe('https://datatracker.ietf.org/doc/html/rfc3339');
    const reasons = Object.fromEntries(res.data!.j.fields.map((f) => [f.name, f.deprecationReason]));
    expect(reasons).toMatchObject({
      createdAt: null,
      startedAt: null,
      createTime: 'Use `createdAt`: every type names its times `…At`.',
      startTime: 'Use `startedAt`.',
      endTime: 'Use `endedAt`.',
      updateTime: 'Use `updatedAt`.',
    });
  });
});

describe('natural keys alike', () => {
  it('cluster, nodePool and batchJob take a short key ({cluster id}/{id} for children), asking for the full name', async () => {
    const pool = fleet.nodePools[3]!;
    const job = fleet.batchJobs[5]!;
    const [, , , clusterId, , poolId] = pool.name.split('/');
    const [, , , jobCluster, , jobId] = job.name.split('/');
    gw.reset();
    const query = `query($c: String!, $p: String!, $j: String!) { cluster(name: $c) { name } nodePool(name: $p) { name } batchJob(name: $j) { name } }`;
    expect(
      await gql(gw, query, { c: clusterId, p: `${clusterId}/${poolId}`, j: `${jobCluster}/${jobId}` }),
    ).toEqual({
      status: 200,
      data: {
        cluster: { name: pool.name.split('/').slice(0, 4).join('/') },
        nodePool: { name: pool.name },
        batchJob: { name: job.name },
      },
    });
    expect(gw.calls().fireworks).toEqual({ GetCluster: 1, ListNodePools: 1, ListBatchJobs: 1 });
  });

  it('a key that is neither form is refused, naming both', async () => {
    const query = `{ nodePool(name: "a/b/c") { name } }`;
    const res = await gql(gw, query);
    expect(res.errors?.[0]?.message).toBe(
      '"a/b/c" is not a node pool name: expected accounts/{account}/clusters/{cluster}/nodePools/{id} or {cluster id}/{id}.',
    );
  });
});

describe('enums for pod phase and MIG profile', () => {
  it('maps Run:ai k8sPhase to PodPhase, anything else to UNKNOWN', () => {
    expect(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown', 'Evicted', ''].map(toPodPhase)).toEqual([
      'PENDING',
      'RUNNING',
      'SUCCEEDED',
      'FAILED',
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
    ]);
  });

  it("maps every value of the seed's MigProfile enum, and nothing else", () => {
    const seed = [
      '1g.5gb',
      '1g.10gb',
      '2g.10gb',
      '2g.20gb',
      '3g.20gb',
      '3g.40gb',
      '4g.20gb',
      '4g.40gb',
      '7g.40gb',
      '7g.80gb',
    ];
    expect(seed.map(toMigProfile)).toEqual([
      'MIG_1G_5GB',
      'MIG_1G_10GB',
      'MIG_2G_10GB',
      'MIG_2G_20GB',
      'MIG_3G_20GB',
      'MIG_3G_40GB',
      'MIG_4G_20GB',
      'MIG_4G_40GB',
      'MIG_7G_40GB',
      'MIG_7G_80GB',
    ]);
    expect(['5g.40gb', '1G.5GB', '', null, undefined].map(toMigProfile)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('Pod.phase answers the enum for every pod of a page', async () => {
    const res = await gql(gw, `{ pods(first: 100) { nodes { podId phase } } }`);
    expect(res.data).toEqual({
      pods: {
        nodes: fleet.pods.slice(0, 100).map((p) => ({ podId: p.id, phase: p.k8sPhase.toUpperCase() })),
      },
    });
  });
});
