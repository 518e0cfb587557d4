/**
 * One vocabulary (README, Vocabulary): every type names its times `…At` (the Fireworks `…Time`
 * names stay as deprecated aliases reading the same wire field), every instant the graph returns
 * is written one way (`2026-01-02T03:04:05.000Z`) and selects its object again when fed back as a
 * filter bound or `equals`, and the deprecated input names (`CREATE_TIME`-style order values,
 * `PodFilter.nodeName` / `nodeNameContains`) still work, sending exactly what their new names send.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toMigProfile, toPodPhase } from '../../src/vendors/runai/model.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  CREDENTIALS,
  endOfMillisecond,
  fireworksListRequest,
  gql,
  graphTime,
  groundTruth,
  newestFirst,
  podOrder,
  type Fleet,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

describe('time field names', () => {
  it('batch jobs answer createdAt/startedAt/endedAt/updatedAt and their deprecated aliases alike', async () => {
    const job = fleet.batchJobs.find((j) => j.startTime && j.endTime)!;
    gw.reset();
    const query = `query($n: String!) { batchJob(name: $n) { createdAt startedAt endedAt updatedAt createTime startTime endTime updateTime } }`;
    expect(await gql(gw, query, { n: job.name })).toEqual({
      status: 200,
      data: {
        batchJob: {
          createdAt: graphTime(job.createTime),
          startedAt: graphTime(job.startTime),
          endedAt: graphTime(job.endTime),
          updatedAt: graphTime(job.updateTime),
          createTime: graphTime(job.createTime),
          startTime: graphTime(job.startTime),
          endTime: graphTime(job.endTime),
          updateTime: graphTime(job.updateTime),
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
              createdAt: graphTime(cluster.createTime),
              updatedAt: graphTime(cluster.updateTime),
              nodePools: {
                nodes: [{ createdAt: graphTime(pool.createTime), updatedAt: graphTime(pool.updateTime) }],
              },
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

const ACCOUNT = 'fleetgraph-demo';
const RFC3339_MILLIS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function podRequest(query: Record<string, string>) {
  return {
    operation: 'list_pods',
    method: 'GET',
    path: '/api/v1/workloads/pods',
    query,
    body: null,
    credential: CREDENTIALS.runai.masked,
    status: 200,
  };
}

describe('one timestamp format on every DateTime the graph returns', () => {
  it('writes batch job times from whole-second Fireworks text as UTC with milliseconds', async () => {
    const jobs = newestFirst(fleet.batchJobs).slice(0, 5);
    const query =
      '{ batchJobs(first: 5) { nodes { name createdAt updatedAt startedAt endedAt createTime } } }';
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        batchJobs: {
          nodes: jobs.map((j) => ({
            name: j.name,
            createdAt: graphTime(j.createTime),
            updatedAt: graphTime(j.updateTime),
            startedAt: graphTime(j.startTime),
            endedAt: graphTime(j.endTime),
            createTime: graphTime(j.createTime),
          })),
        },
      },
    });
    expect(jobs[0]!.createTime).not.toMatch(RFC3339_MILLIS_UTC);
  });

  it('writes pod times from Run:ai text in the same format', async () => {
    const pods = podOrder(fleet.pods).slice(0, 5);
    const query = '{ pods(first: 5) { nodes { podId createdAt completedAt phaseUpdatedAt } } }';
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        pods: {
          nodes: pods.map((p) => ({
            podId: p.id,
            createdAt: graphTime(p.createdAt),
            completedAt: graphTime(p.completedAt ?? null),
            phaseUpdatedAt: graphTime(p.k8sPhaseUpdatedAt ?? null),
          })),
        },
      },
    });
  });

  it('writes warm pool times from Gitpod protojson text in the same format', async () => {
    const pools = fleet.warmPools.slice(0, 3);
    const query = '{ warmPools(first: 3) { nodes { warmPoolId createdAt updatedAt } } }';
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        warmPools: {
          nodes: pools.map((p) => ({
            warmPoolId: p.id,
            createdAt: graphTime(p.metadata.createdAt),
            updatedAt: graphTime(p.metadata.updatedAt ?? null),
          })),
        },
      },
    });
  });

  it('says so in the scalar: RFC 3339 @specifiedBy and the format in its description', async () => {
    const res = await gql(gw, '{ __type(name: "DateTime") { specifiedByURL description } }');
    const type = (res.data as { __type: { specifiedByURL: string; description: string } }).__type;
    expect(type.specifiedByURL).toBe('https://datatracker.ietf.org/doc/html/rfc3339');
    expect(type.description).toContain('`2026-01-02T03:04:05.000Z`');
    expect(type.description).toContain('truncated');
  });
});

describe('an instant the graph returned selects its object again', () => {
  it('a batch job createdAt as createdAfter and createdBefore (one millisecond window)', async () => {
    const res = await gql(gw, '{ batchJobs(first: 1) { nodes { name createdAt } } }');
    const job = (res.data as { batchJobs: { nodes: { name: string; createdAt: string }[] } }).batchJobs
      .nodes[0]!;
    expect(job.createdAt).toMatch(RFC3339_MILLIS_UTC);
    gw.reset();
    const at = Date.parse(job.createdAt);
    const same = newestFirst(fleet.batchJobs).filter((j) => Date.parse(j.createTime as string) === at);
    const query = `query($t: DateTime) { batchJobs(first: 100, filter: { createdAfter: $t, createdBefore: $t }) { nodes { name } } }`;
    expect(await gql(gw, query, { t: job.createdAt })).toEqual({
      status: 200,
      data: { batchJobs: { nodes: same.map((j) => ({ name: j.name })) } },
    });
    expect(same.map((j) => j.name)).toContain(job.name);
    // The input keeps its precision (trailing zeros dropped); the upper bound reaches the end of
    // the millisecond the output named.
    const sent = job.createdAt.replace('.000Z', 'Z');
    expect(gw.requests('fireworks')).toEqual([
      fireworksListRequest(ACCOUNT, 'batchJobs', {
        pageSize: '100',
        filter: `(create_time >= "${sent}") AND (create_time <= "${endOfMillisecond(sent)}")`,
        orderBy: 'create_time desc, name',
        readMask: 'name',
      }),
    ]);
  });

  it('a pod createdAt as createdAt.equals: the millisecond as a range of two filterBy entries', async () => {
    const pod = podOrder(fleet.pods)[7]!;
    const t = graphTime(pod.createdAt);
    const same = podOrder(fleet.pods).filter((p) => graphTime(p.createdAt) === t);
    const query = `query($t: DateTime) { pods(first: 50, filter: { createdAt: { equals: $t } }) { nodes { podId } } }`;
    expect(await gql(gw, query, { t })).toEqual({
      status: 200,
      data: { pods: { nodes: same.map((p) => ({ podId: p.id })) } },
    });
    expect(same.map((p) => p.id)).toContain(pod.id);
    const sent = t.replace(/\.?0*Z$/, 'Z');
    expect(gw.requests('runai')).toEqual([
      podRequest({
        offset: '0',
        limit: '51',
        filterBy: `createdAt>=${sent},createdAt<=${endOfMillisecond(t)}`,
      }),
    ]);
  });

  it('an input with an offset and sub-millisecond digits is sent in UTC with its digits, exactly', async () => {
    const query = `{ pods(first: 1, filter: { createdAt: { atOrBefore: "2026-01-02T05:04:05.123456+02:00" } }) { nodes { podId } } }`;
    await gql(gw, query);
    expect(gw.requests('runai')).toEqual([
      podRequest({ offset: '0', limit: '2', filterBy: 'createdAt<=2026-01-02T03:04:05.123456Z' }),
    ]);
  });
});

describe('deprecated names still work and send what their new names send', () => {
  it.each([
    ['CREATE_TIME', 'CREATED_AT', 'create_time'],
    ['UPDATE_TIME', 'UPDATED_AT', 'update_time'],
    ['START_TIME', 'STARTED_AT', 'start_time'],
    ['END_TIME', 'ENDED_AT', 'end_time'],
  ])('BatchJobOrderField.%s = %s (%s)', async (old, current, wire) => {
    const query = (field: string) =>
      `{ batchJobs(first: 3, orderBy: [{ field: ${field}, direction: DESC }]) { nodes { name } } }`;
    const fresh = await gql(gw, query(current));
    const freshCalls = gw.requests('fireworks');
    gw.reset();
    expect(await gql(gw, query(old))).toEqual(fresh);
    expect(gw.requests('fireworks')).toEqual(freshCalls);
    expect(freshCalls).toEqual([
      fireworksListRequest(ACCOUNT, 'batchJobs', {
        pageSize: '3',
        orderBy: `${wire} desc, name`,
        readMask: 'name',
      }),
    ]);
  });

  it.each([
    ['clusters', 'CREATE_TIME', 'CREATED_AT'],
    ['clusters', 'UPDATE_TIME', 'UPDATED_AT'],
    ['nodePools', 'CREATE_TIME', 'CREATED_AT'],
    ['nodePools', 'UPDATE_TIME', 'UPDATED_AT'],
  ])('%s: %s = %s', async (list, old, current) => {
    const query = (field: string) =>
      `{ ${list}(first: 3, orderBy: [{ field: ${field} }]) { nodes { name } } }`;
    const fresh = await gql(gw, query(current));
    const freshCalls = gw.requests('fireworks');
    gw.reset();
    expect(await gql(gw, query(old))).toEqual(fresh);
    expect(gw.requests('fireworks')).toEqual(freshCalls);
    expect(freshCalls).toHaveLength(1);
  });

  it.each([
    ['nodeName', 'equals', '=='],
    ['nodeNameContains', 'contains', '=@'],
  ])('PodFilter.%s = nodeNameMatch.%s (nodeName%s)', async (old, condition, operator) => {
    const node = podOrder(fleet.pods).find((p) => p.nodeName)!.nodeName!;
    const value = condition === 'equals' ? node : node.slice(0, -2);
    const pods = podOrder(fleet.pods).filter((p) =>
      condition === 'equals' ? p.nodeName === value : !!p.nodeName?.includes(value),
    );
    const query = `query($f: PodFilter) { pods(first: 100, filter: $f) { nodes { podId } } }`;
    const expected = {
      status: 200,
      data: { pods: { nodes: pods.slice(0, 100).map((p) => ({ podId: p.id })) } },
    };
    const calls = [podRequest({ offset: '0', limit: '101', filterBy: `nodeName${operator}${value}` })];
    expect(await gql(gw, query, { f: { nodeNameMatch: { [condition]: value } } })).toEqual(expected);
    expect(gw.requests('runai')).toEqual(calls);
    gw.reset();
    expect(await gql(gw, query, { f: { [old]: value } })).toEqual(expected);
    expect(gw.requests('runai')).toEqual(calls);
  });

  it('introspection marks every alias deprecated with the name to use', async () => {
    const query = `{
      batch: __type(name: "BatchJobOrderField") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } }
      cluster: __type(name: "ClusterOrderField") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } }
      pool: __type(name: "NodePoolOrderField") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } }
      pod: __type(name: "PodFilter") { inputFields(includeDeprecated: true) { name isDeprecated deprecationReason } }
    }`;
    const res = (await gql(gw, query)).data as Record<
      string,
      { enumValues?: Deprecation[]; inputFields?: Deprecation[] }
    >;
    type Deprecation = { name: string; isDeprecated: boolean; deprecationReason: string | null };
    const deprecated = (items: Deprecation[] = []) =>
      items.filter((i) => i.isDeprecated).map((i) => [i.name, i.deprecationReason]);
    const at = (name: string) => `Use \`${name}\`: every time is named \`…At\` (README, Vocabulary).`;
    expect(deprecated(res.batch!.enumValues)).toEqual([
      ['CREATE_TIME', at('CREATED_AT')],
      ['UPDATE_TIME', at('UPDATED_AT')],
      ['START_TIME', at('STARTED_AT')],
      ['END_TIME', at('ENDED_AT')],
    ]);
    for (const type of [res.cluster!, res.pool!]) {
      expect(deprecated(type.enumValues)).toEqual([
        ['CREATE_TIME', at('CREATED_AT')],
        ['UPDATE_TIME', at('UPDATED_AT')],
      ]);
    }
    expect(deprecated(res.pod!.inputFields)).toEqual([
      ['nodeName', 'Use `nodeNameMatch: { equals: ... }`.'],
      ['nodeNameContains', 'Use `nodeNameMatch: { contains: ... }`.'],
    ]);
  });
});
