/**
 * Cluster.batchJobs: the failed batch jobs of one cluster in one query, filtered and ordered, one
 * ListBatchJobs call per cluster and page, compared whole with the simulator's records.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { byCodeUnit, fireworksListRequest, gql, groundTruth, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
let account: string;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
  account = gw.world.accountId;
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

function listRequest(collection: string, query: Record<string, string>) {
  return fireworksListRequest(account, collection, query);
}

const jobsOf = (cluster: string) => fleet.batchJobs.filter((j) => j.name.startsWith(`${cluster}/batchJobs/`));

describe('Cluster.batchJobs', () => {
  it('the failed batch jobs of one cluster, newest first, with their total', async () => {
    const cluster = fleet.clusters[2]!;
    const failed = jobsOf(cluster.name).filter((j) => j.state === 'FAILED');
    expect(failed.length).toBeGreaterThan(5);
    const query = `query($n: String!) { cluster(name: $n) { batchJobs(first: 5, filter: {states: [FAILED]}) { nodes { name state } totalCount pageInfo { hasNextPage } } } }`;
    expect(await gql(gw, query, { n: cluster.name })).toEqual({
      status: 200,
      data: {
        cluster: {
          batchJobs: {
            nodes: failed.slice(0, 5).map((j) => ({ name: j.name, state: 'FAILED' })),
            totalCount: failed.length,
            pageInfo: { hasNextPage: true },
          },
        },
      },
    });
    const calls = gw.requests('fireworks');
    expect(calls.map((c) => c.operation)).toEqual(['GetCluster', 'ListBatchJobs']);
    expect(calls[1]).toEqual(
      listRequest('batchJobs', {
        pageSize: '5',
        filter: `(name = "${cluster.name}/batchJobs/*") AND (state = FAILED)`,
        orderBy: 'create_time desc, name',
        readMask: 'name,state',
      }),
    );
  });

  it('pages forward with its cursor, one list per page, under an order of several keys', async () => {
    const cluster = fleet.clusters[0]!;
    const expected = [...jobsOf(cluster.name)].sort(
      (a, b) => (b.numRanks ?? 0) - (a.numRanks ?? 0) || byCodeUnit(a.name, b.name),
    );
    const query = `query($n: String!, $a: String) { cluster(name: $n) { batchJobs(first: 40, after: $a, orderBy: [{field: NUM_RANKS, direction: DESC}]) { nodes { name } pageInfo { endCursor hasNextPage } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    type Page = { nodes: { name: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
    do {
      const res: { data?: { cluster: { batchJobs: Page } } | null } = await gql(gw, query, {
        n: cluster.name,
        a: after,
      });
      const page: Page = res.data!.cluster.batchJobs;
      seen.push(...page.nodes.map((n) => n.name));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(seen).toEqual(expected.map((j) => j.name));
    expect(pages).toBe(Math.ceil(expected.length / 40));
    expect(gw.calls().fireworks).toEqual({ GetCluster: pages, ListBatchJobs: pages });
  });

  it('every cluster’s running jobs: one list per cluster, as the cost estimate says', async () => {
    const query = `{ clusters(first: 10) { nodes { name batchJobs(first: 3, filter: {states: [RUNNING]}) { nodes { name } } } } }`;
    const res = await gw.post({ query });
    expect(res.data).toEqual({
      clusters: {
        nodes: fleet.clusters.map((c) => ({
          name: c.name,
          batchJobs: {
            nodes: jobsOf(c.name)
              .filter((j) => j.state === 'RUNNING')
              .slice(0, 3)
              .map((j) => ({ name: j.name })),
          },
        })),
      },
    });
    expect(gw.calls().fireworks).toEqual({ ListClusters: 1, ListBatchJobs: fleet.clusters.length });
    // The estimate counts 10 clusters (the page size); the demo fleet has fewer.
    expect(res.extensions?.cost).toMatchObject({
      estimatedUpstreamCalls: 1 + 10,
      actualUpstreamCalls: 1 + fleet.clusters.length,
    });
  });
});
