/**
 * The three AIP-158 list operations over real HTTP: page walks at several sizes, page size
 * bounds and defaults, totalSize under a filter, AIP-132 ordering, readMask, and page tokens bound
 * to their filter and order. Every response is validated against the OpenAPI document and every
 * expectation comes from plain JS over the independently generated data set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  FireworksBatchJobRecord as Job,
  FireworksNodePoolRecord as Pool,
} from '../../../src/vendors/fireworks/simulator/index.js';
import {
  ACCOUNT,
  BATCH_JOB_STATES,
  expectValidResponse,
  quote,
  sortedBy,
  startFireworks,
  walk,
  type FireworksHarness,
  type ListOperation,
} from '../../helpers/fireworks-sim.js';
import { byCodeUnit } from '../../helpers/ground-truth.js';

let fw: FireworksHarness;
beforeAll(async () => {
  fw = await startFireworks();
});
afterAll(async () => {
  await fw.sim.close();
});

const time = (iso: string | undefined) => (iso === undefined ? -Infinity : Date.parse(iso));
const byCreateTimeDesc = (a: { createTime?: string }, b: { createTime?: string }) =>
  Math.sign(time(b.createTime) - time(a.createTime));
const names = (items: readonly { name: string }[]) => items.map((i) => i.name);

function path(operation: ListOperation): string {
  return `/v1/accounts/${ACCOUNT}/${{ ListClusters: 'clusters', ListNodePools: 'nodePools', ListBatchJobs: 'batchJobs' }[operation]}`;
}

async function expectInvalidArgument(
  operation: ListOperation,
  query: Record<string, string>,
  message: string,
) {
  const res = await fw.get(path(operation), query);
  expect(res.status).toBe(400);
  expectValidResponse(operation, 400, res.body);
  expect(res.body).toEqual({ code: 3, message: expect.stringContaining(message), details: [] });
}

describe('page walks', () => {
  it.each([
    ['ListBatchJobs', 7],
    ['ListBatchJobs', 50],
    ['ListBatchJobs', 200],
    ['ListBatchJobs', 500],
    ['ListNodePools', 1],
    ['ListNodePools', 7],
    ['ListNodePools', 200],
    ['ListClusters', 1],
    ['ListClusters', 3],
  ] as [ListOperation, number][])(
    '%s at pageSize %i sees each item once, in the default order',
    async (operation, size) => {
      const all =
        operation === 'ListBatchJobs'
          ? sortedBy(fw.data.batchJobs, byCreateTimeDesc)
          : sortedBy(operation === 'ListNodePools' ? fw.data.nodePools : fw.data.clusters);
      const pages = await walk(fw, operation, { pageSize: String(size) });
      const served = Math.min(size, 200);
      expect(pages.length).toBe(Math.ceil(all.length / served));
      expect(pages.flatMap((p) => names(p.items))).toEqual(names(all));
      expect(pages.map((p) => p.items.length)).toEqual(
        pages.map((_, i) => Math.min(served, all.length - i * served)),
      );
      expect(pages.every((p) => p.totalSize === all.length)).toBe(true);
      expect(pages.map((p) => p.nextPageToken === undefined)).toEqual(
        pages.map((_, i) => i === pages.length - 1),
      );
    },
  );

  it('walks a filtered list at pageSize 1 with a constant totalSize', async () => {
    const filter = 'node_pool_id = "cpu-spot-4" OR node_pool_id = "l4-reserved-1"';
    const expected = sortedBy(
      fw.data.batchJobs.filter((j) => j.nodePoolId === 'cpu-spot-4' || j.nodePoolId === 'l4-reserved-1'),
      byCreateTimeDesc,
    );
    expect(expected.length).toBe(27);
    const pages = await walk(fw, 'ListBatchJobs', { pageSize: '1', filter });
    expect(pages.flatMap((p) => names(p.items))).toEqual(names(expected));
    expect(new Set(pages.map((p) => p.totalSize))).toEqual(new Set([27]));
    const stats = fw.sim.stats();
    expect(
      stats.requests.filter((r) => r.operation === 'ListBatchJobs' && r.query.filter === filter).length,
    ).toBe(27);
  });
});

describe('pageSize', () => {
  it.each([
    [undefined, 50],
    ['0', 50],
    ['1', 1],
    ['200', 200],
    ['201', 200],
    ['2147483647', 200],
  ])('pageSize=%s serves %i jobs', async (pageSize, served) => {
    const res = await fw.get(path('ListBatchJobs'), pageSize === undefined ? {} : { pageSize });
    expect(res.status).toBe(200);
    expectValidResponse('ListBatchJobs', 200, res.body);
    const body = res.body as { batchJobs: Job[]; totalSize: number; nextPageToken?: string };
    expect(names(body.batchJobs)).toEqual(
      names(sortedBy(fw.data.batchJobs, byCreateTimeDesc).slice(0, served)),
    );
    expect(body.totalSize).toBe(900);
    expect(typeof body.nextPageToken).toBe('string');
  });

  it('accepts the proto spelling page_size', async () => {
    const res = await fw.get(path('ListNodePools'), { page_size: '2' });
    expect((res.body as { nodePools: Pool[] }).nodePools.length).toBe(2);
  });

  it.each([
    ['-1', 'pageSize must not be negative, got -1'],
    ['abc', 'pageSize must be an integer, got "abc"'],
    ['1.5', 'pageSize must be an integer, got "1.5"'],
    ['2147483648', 'pageSize must be an int32, got 2147483648'],
  ])('rejects pageSize=%s', async (pageSize, message) => {
    await expectInvalidArgument('ListNodePools', { pageSize }, message);
  });

  it('rejects a parameter given under both spellings', async () => {
    const res = await fw.get(`${path('ListNodePools')}?pageSize=1&page_size=2`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 3, message: 'pageSize must be given once, got 2 values', details: [] });
  });
});

describe('filter over HTTP', () => {
  it('reports totalSize after the filter and pages within it', async () => {
    const expected = sortedBy(
      fw.data.batchJobs.filter((j) => j.state === 'RUNNING' && (j.numRanks ?? 0) >= 16),
      byCreateTimeDesc,
    );
    const res = await fw.get(path('ListBatchJobs'), {
      filter: 'state = RUNNING AND num_ranks >= 16',
      pageSize: '10',
    });
    expectValidResponse('ListBatchJobs', 200, res.body);
    expect(res.body).toEqual({
      batchJobs: expected.slice(0, 10),
      nextPageToken: expect.any(String),
      totalSize: expected.length,
    });
  });

  it('returns an empty page without a token when nothing matches', async () => {
    const res = await fw.get(path('ListNodePools'), { filter: 'display_name = "no such pool"' });
    expectValidResponse('ListNodePools', 200, res.body);
    expect(res.body).toEqual({ nodePools: [], totalSize: 0 });
  });

  it('matches an injected `" OR name:*` display name literally', async () => {
    const target = fw.data.batchJobs.find((j) => j.displayName?.startsWith('name = "x" OR name:*'));
    const res = await fw.get(path('ListBatchJobs'), {
      filter: `display_name = ${quote(target?.displayName ?? '')}`,
    });
    expect(res.body).toEqual({ batchJobs: [target], totalSize: 1 });
  });

  it('matches a display name with a backslash, quotes, a comma and a colon', async () => {
    const target = fw.data.batchJobs.find((j) => j.displayName?.startsWith('C:\\data\\'));
    const sameName = fw.data.batchJobs.filter((j) => j.displayName === target?.displayName);
    const res = await fw.get(path('ListBatchJobs'), {
      filter: `display_name = ${quote(target?.displayName ?? '')}`,
    });
    expect(res.body).toEqual({ batchJobs: sortedBy(sameName, byCreateTimeDesc), totalSize: sameName.length });
  });

  it('filters clusters by a nested field', async () => {
    const res = await fw.get(path('ListClusters'), {
      filter: 'eks_cluster.region = "us-east-1" OR fake_cluster:*',
    });
    expectValidResponse('ListClusters', 200, res.body);
    expect(res.body).toEqual({
      clusters: sortedBy(
        fw.data.clusters.filter((c) => c.eksCluster?.region === 'us-east-1' || c.fakeCluster),
      ),
      totalSize: 2,
    });
  });

  it('answers a malformed filter with INVALID_ARGUMENT naming the offset', async () => {
    await expectInvalidArgument('ListBatchJobs', { filter: 'state = RUNNING AND (' }, 'at offset 21');
    await expectInvalidArgument(
      'ListNodePools',
      { filter: 'instance_type = x' },
      'unknown field "instance_type"',
    );
    await expectInvalidArgument(
      'ListClusters',
      { filter: 'state = ACTIVE' },
      '"ACTIVE" is not a value of "state"',
    );
  });
});

describe('orderBy', () => {
  it('sorts by several fields, asc and desc, snake or camel, then by name', async () => {
    const expected = sortedBy(
      fw.data.batchJobs,
      (a, b) => BATCH_JOB_STATES.indexOf(a.state as string) - BATCH_JOB_STATES.indexOf(b.state as string),
      (a, b) => (b.numRanks ?? 0) - (a.numRanks ?? 0),
      (a, b) => time(a.createTime) - time(b.createTime),
    );
    const pages = await walk(fw, 'ListBatchJobs', {
      orderBy: 'state, numRanks desc,create_time asc',
      pageSize: '200',
    });
    expect(pages.flatMap((p) => names(p.items))).toEqual(names(expected));
  });

  it('puts unset values first ascending and last descending', async () => {
    const asc = sortedBy(fw.data.batchJobs, (a, b) => time(a.startTime) - time(b.startTime) || 0);
    const desc = sortedBy(fw.data.batchJobs, (a, b) => time(b.startTime) - time(a.startTime) || 0);
    const [ascPages, descPages] = await Promise.all([
      walk(fw, 'ListBatchJobs', { orderBy: 'start_time', pageSize: '200' }),
      walk(fw, 'ListBatchJobs', { orderBy: 'start_time desc', pageSize: '200' }),
    ]);
    expect(ascPages.flatMap((p) => names(p.items))).toEqual(names(asc));
    expect(descPages.flatMap((p) => names(p.items))).toEqual(names(desc));
  });

  it('breaks createTime ties by name so tied jobs keep their order across pages', async () => {
    const tied = fw.data.batchJobs.filter(
      (j) => fw.data.batchJobs.filter((k) => k.createTime === j.createTime).length > 1,
    );
    expect(tied.length).toBeGreaterThan(20);
    const pages = await walk(fw, 'ListBatchJobs', { orderBy: 'create_time', pageSize: '7' });
    const served = pages.flatMap((p) => names(p.items));
    expect(served).toEqual(
      names(sortedBy(fw.data.batchJobs, (a, b) => time(a.createTime) - time(b.createTime))),
    );
  });

  it('sorts node pools by a nested number and clusters by name descending', async () => {
    const pools = await fw.get(path('ListNodePools'), {
      orderBy: 'node_pool_stats.node_count desc, display_name',
    });
    expect(names((pools.body as { nodePools: Pool[] }).nodePools)).toEqual(
      names(
        sortedBy(
          fw.data.nodePools,
          (a, b) => (b.nodePoolStats?.nodeCount ?? 0) - (a.nodePoolStats?.nodeCount ?? 0),
          (a, b) => byCodeUnit(a.displayName ?? '', b.displayName ?? ''),
        ),
      ),
    );
    const clusters = await fw.get(path('ListClusters'), { orderBy: 'name desc' });
    expect(names((clusters.body as { clusters: { name: string }[] }).clusters)).toEqual(
      names(fw.data.clusters).sort().reverse(),
    );
  });

  it.each([
    ['foo', 'order_by: unknown field "foo"'],
    ['annotations', 'order_by: "annotations" is a map and cannot be ordered by'],
    ['python_executor.args', 'order_by: "python_executor.args" is a repeated field and cannot be ordered by'],
    ['python_executor', 'order_by: "python_executor" is a message and cannot be ordered by'],
    ['env_vars.NCCL_DEBUG', 'order_by: "env_vars.NCCL_DEBUG" is an entry of a map'],
    ['name sideways', 'order_by: expected "asc" or "desc" after "name", got "sideways"'],
    [
      'name desc please',
      'order_by: expected "field" or "field desc" separated by commas, got "name desc please"',
    ],
    ['name,,state', 'order_by: expected "field" or "field desc" separated by commas, got ""'],
  ])('rejects orderBy=%s', async (orderBy, message) => {
    await expectInvalidArgument('ListBatchJobs', { orderBy }, message);
  });
});

describe('readMask', () => {
  it('returns only the masked fields, nested ones inside their message', async () => {
    const res = await fw.get(path('ListNodePools'), {
      readMask: 'name,state,eks_node_pool.instance_type,nodePoolStats.batchJobCount',
      pageSize: '200',
    });
    expectValidResponse('ListNodePools', 200, res.body);
    expect(res.body).toEqual({
      nodePools: sortedBy(fw.data.nodePools).map((p) => ({
        name: p.name,
        state: p.state,
        ...(p.eksNodePool ? { eksNodePool: { instanceType: p.eksNodePool.instanceType } } : {}),
        nodePoolStats: { batchJobCount: p.nodePoolStats?.batchJobCount },
      })),
      totalSize: 17,
    });
  });

  it('returns everything for "*" and for an empty mask', async () => {
    for (const readMask of ['*', '']) {
      const res = await fw.get(path('ListClusters'), { readMask });
      expect(res.body).toEqual({ clusters: sortedBy(fw.data.clusters), totalSize: 4 });
    }
  });

  it.each([
    'python_executor.target, python_executor, num_ranks',
    'num_ranks,pythonExecutor,pythonExecutor.args',
  ])('can leave out the name, and a whole message wins over its subfields (%s)', async (readMask) => {
    const res = await fw.get(path('ListBatchJobs'), { readMask, pageSize: '3', orderBy: 'name' });
    expectValidResponse('ListBatchJobs', 200, res.body);
    expect((res.body as { batchJobs: unknown[] }).batchJobs).toEqual(
      sortedBy(fw.data.batchJobs)
        .slice(0, 3)
        .map((j) => ({
          ...(j.pythonExecutor ? { pythonExecutor: j.pythonExecutor } : {}),
          numRanks: j.numRanks,
        })),
    );
  });

  it.each([
    ['nope', 'read_mask: unknown field "nope"'],
    ['annotations.owner', 'read_mask: "annotations.owner" selects a map entry'],
    ['name,,state', 'read_mask: empty field path in "name,,state"'],
    ['state.code', 'read_mask: field "state" has no subfields'],
  ])('rejects readMask=%s', async (readMask, message) => {
    await expectInvalidArgument('ListBatchJobs', { readMask }, message);
  });
});

describe('page tokens', () => {
  async function firstPage(operation: ListOperation, query: Record<string, string>) {
    const res = await fw.get(path(operation), query);
    expect(res.status).toBe(200);
    return (res.body as { nextPageToken: string }).nextPageToken;
  }

  it('continue at the right offset even with a different pageSize and readMask', async () => {
    const token = await firstPage('ListBatchJobs', {
      pageSize: '5',
      filter: 'shared = true',
      orderBy: 'name',
    });
    const res = await fw.get(path('ListBatchJobs'), {
      pageSize: '3',
      filter: 'shared = true',
      orderBy: 'name',
      pageToken: token,
      readMask: 'name',
    });
    const expected = sortedBy(fw.data.batchJobs.filter((j) => j.shared === true));
    expect(res.body).toEqual({
      batchJobs: expected.slice(5, 8).map((j) => ({ name: j.name })),
      nextPageToken: expect.any(String),
      totalSize: expected.length,
    });
  });

  it('are refused with another filter or orderBy', async () => {
    const token = await firstPage('ListBatchJobs', {
      pageSize: '5',
      filter: 'shared = true',
      orderBy: 'name',
    });
    await expectInvalidArgument(
      'ListBatchJobs',
      { pageToken: token, filter: 'shared = false', orderBy: 'name' },
      'page_token was issued for a different filter than "shared = false"; when paginating, filter and order_by must match',
    );
    await expectInvalidArgument(
      'ListBatchJobs',
      { pageToken: token, filter: 'shared = true' },
      'page_token was issued for a different order_by than ""',
    );
  });

  it('are refused on another list operation', async () => {
    const token = await firstPage('ListNodePools', { pageSize: '5' });
    await expectInvalidArgument(
      'ListBatchJobs',
      { pageToken: token },
      'page_token is malformed or was not issued by ListBatchJobs',
    );
  });

  it('are refused when tampered with or malformed', async () => {
    const token = await firstPage('ListBatchJobs', { pageSize: '5' });
    const [payload = '', signature = ''] = token.split('.');
    const forged = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('"o":5', '"o":850'),
    ).toString('base64url');
    const flipped = `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}.${signature}`;
    for (const pageToken of [
      `${forged}.${signature}`,
      flipped,
      'garbage',
      `${token}.x`,
      '%%%',
      `${payload}.`,
    ]) {
      await expectInvalidArgument(
        'ListBatchJobs',
        { pageToken },
        'page_token is malformed or was not issued by ListBatchJobs',
      );
    }
  });
});
