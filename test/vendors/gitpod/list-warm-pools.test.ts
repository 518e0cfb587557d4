import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/simulators/world.js';
import type { SimulatorServer } from '../../../src/simulators/harness.js';
import { generateGitpodData } from '../../../src/vendors/gitpod/simulator/index.js';
import { callListWarmPools, shareGitpodSimulator, walkWarmPools } from '../../helpers/gitpod-client.js';

const world = createWorld();
const { warmPools } = generateGitpodData(world);
const allIds = warmPools.map((p) => p.id);

let sim: SimulatorServer;
let url: string;
shareGitpodSimulator(world, (shared) => ({ sim, url } = shared));

/** Ids of the pools matching a filter, computed with plain predicates over the data set. */
function expectedIds(projectIds: string[], classIds: string[]): string[] {
  return warmPools
    .filter((p) => projectIds.length === 0 || projectIds.includes(p.metadata.projectId as string))
    .filter((p) => classIds.length === 0 || classIds.includes(p.metadata.environmentClassId as string))
    .map((p) => p.id as string);
}

describe('ListWarmPools pagination', () => {
  it.each([
    [1, 'query'],
    [7, 'query'],
    [25, 'query'],
    [100, 'query'],
    [7, 'body'],
    [100, 'body'],
  ] as const)('walks every pool exactly once at pageSize %i sent in the %s', async (pageSize, via) => {
    const walk = await walkWarmPools(url, { pageSize, via });
    const pageCount = Math.ceil(warmPools.length / pageSize);
    expect(walk.ids).toEqual(allIds);
    expect(walk.pages.map((page) => page.warmPools.length)).toEqual(
      Array.from({ length: pageCount }, (_, i) => Math.min(pageSize, warmPools.length - i * pageSize)),
    );
    // A next token on every page but the last, which has an empty pagination object.
    expect(walk.pages.map((page) => typeof page.pagination.nextToken)).toEqual([
      ...Array.from({ length: pageCount - 1 }, () => 'string'),
      'undefined',
    ]);
    expect(walk.pages.at(-1)?.pagination).toEqual({});
    expect(sim.stats().operations).toEqual({ ListWarmPools: pageCount });
  });

  it('serves the first page as the whole records of the data set, 25 by default', async () => {
    for (const query of [{}, { pageSize: 0 }]) {
      const first = await callListWarmPools(url, { query });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        pagination: { nextToken: expect.any(String) as string },
        warmPools: warmPools.slice(0, 25),
      });
    }
    const viaBody = await callListWarmPools(url, { body: { pagination: { pageSize: 0 } } });
    expect((viaBody.body as { warmPools: unknown[] }).warmPools).toEqual(warmPools.slice(0, 25));
  });

  it('accepts an empty body as the empty message', async () => {
    const empty = await callListWarmPools(url, { body: '' });
    const braces = await callListWarmPools(url, { body: {} });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(braces.body);
  });

  it('continues from a token sent in the body as from one sent in the query', async () => {
    const first = await callListWarmPools(url, { query: { pageSize: 10 } });
    const token = (first.body as { pagination: { nextToken: string } }).pagination.nextToken;
    const viaQuery = await callListWarmPools(url, { query: { pageSize: 10, token } });
    const viaBody = await callListWarmPools(url, { body: { pagination: { pageSize: 10, token } } });
    expect((viaQuery.body as { warmPools: unknown[] }).warmPools).toEqual(warmPools.slice(10, 20));
    expect(viaBody.body).toEqual(viaQuery.body);
  });

  it('lets the query string win over the body when both carry a page size or a token', async () => {
    const sized = await callListWarmPools(url, {
      query: { pageSize: 3 },
      body: { pagination: { pageSize: 50 } },
    });
    expect((sized.body as { warmPools: unknown[] }).warmPools).toEqual(warmPools.slice(0, 3));

    const first = await callListWarmPools(url, { query: { pageSize: 4 } });
    const token = (first.body as { pagination: { nextToken: string } }).pagination.nextToken;
    // As the SDK's auto-pagination does: the original body (with its own token) resent, the next token in the query.
    const next = await callListWarmPools(url, {
      query: { token, pageSize: 4 },
      body: { pagination: { token: 'not-a-token', pageSize: 9 } },
    });
    expect(next.status).toBe(200);
    expect((next.body as { warmPools: unknown[] }).warmPools).toEqual(warmPools.slice(4, 8));
  });

  it('lets the page size change between pages of one walk', async () => {
    const first = await callListWarmPools(url, { query: { pageSize: 5 } });
    const token = (first.body as { pagination: { nextToken: string } }).pagination.nextToken;
    const second = await callListWarmPools(url, { query: { pageSize: 30, token } });
    expect((second.body as { warmPools: unknown[] }).warmPools).toEqual(warmPools.slice(5, 35));
  });

  it('accepts page sizes 0..100 given as integers or decimal strings (protojson), and the proto field name', async () => {
    const asString = await callListWarmPools(url, { body: { pagination: { pageSize: '6' } } });
    const protoName = await callListWarmPools(url, { body: { pagination: { page_size: 6 } } });
    const max = await callListWarmPools(url, { query: { pageSize: 100 } });
    expect((asString.body as { warmPools: unknown[] }).warmPools).toEqual(warmPools.slice(0, 6));
    expect(protoName.body).toEqual(asString.body);
    expect((max.body as { warmPools: unknown[] }).warmPools).toEqual(warmPools.slice(0, 100));
  });

  it.each([
    [{ query: { pageSize: 101 } }, 'pagination.page_size (query parameter pageSize)', 101],
    [{ query: { pageSize: -1 } }, 'pagination.page_size (query parameter pageSize)', -1],
    [{ body: { pagination: { pageSize: 101 } } }, 'pagination.page_size', 101],
    [{ body: { pagination: { pageSize: -5 } } }, 'pagination.page_size', -5],
  ])('rejects an out-of-range page size %j with invalid_argument', async (options, field, got) => {
    const result = await callListWarmPools(url, options);
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      code: 'invalid_argument',
      message: `validation error: ${field}: value must be greater than or equal to 0 and less than or equal to 100 [int32.gte_lte], got ${got}`,
    });
  });

  it('rejects a page size that is not an integer', async () => {
    const query = await callListWarmPools(url, { query: { pageSize: 'ten' } });
    expect(query.body).toEqual({
      code: 'invalid_argument',
      message: 'query parameter pageSize must be an integer in [0, 100], got "ten"',
    });
    const body = await callListWarmPools(url, { body: { pagination: { pageSize: 2.5 } } });
    expect(body.status).toBe(400);
    expect(body.body).toEqual({
      code: 'invalid_argument',
      message:
        'unmarshal into *v1.ListWarmPoolsRequest: proto: invalid value for int32 field pagination.pageSize: 2.5',
    });
  });

  it('rejects a repeated query parameter', async () => {
    const result = await callListWarmPools(url, {
      path: '/gitpod.v1.PrebuildService/ListWarmPools?pageSize=1&pageSize=2',
    });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      code: 'invalid_argument',
      message: 'query parameter pageSize must be given at most once, got 2',
    });
  });
});

describe('ListWarmPools filters', () => {
  const project = warmPools[0]?.metadata.projectId as string;
  const otherProject = warmPools.find((p) => p.metadata.projectId !== project)?.metadata.projectId as string;
  const envClass = warmPools[1]?.metadata.environmentClassId as string;

  it.each([
    ['one project', [project], []],
    ['two projects', [project, otherProject], []],
    ['one environment class', [], [envClass]],
    ['a project and a class', [project], [envClass]],
    ['two projects and a class', [project, otherProject], [envClass]],
    ['empty lists (no filter)', [], []],
  ])('returns exactly the pools of %s, walked 3 at a time', async (_, projectIds, environmentClassIds) => {
    const walk = await walkWarmPools(url, {
      pageSize: 3,
      via: 'query',
      filter: { projectIds, environmentClassIds },
    });
    const expected = expectedIds(projectIds, environmentClassIds);
    expect(expected.length).toBeGreaterThan(0);
    expect(walk.ids).toEqual(expected);
  });

  it('matches ids case-insensitively and accepts the proto field names', async () => {
    const upper = await callListWarmPools(url, { body: { filter: { projectIds: [project.toUpperCase()] } } });
    const protoNames = await callListWarmPools(url, { body: { filter: { project_ids: [project] } } });
    expect((upper.body as { warmPools: Array<{ id: string }> }).warmPools.map((p) => p.id)).toEqual(
      expectedIds([project], []),
    );
    expect(protoNames.body).toEqual(upper.body);
  });

  it('answers an empty page for a filter nothing matches', async () => {
    const result = await callListWarmPools(url, {
      body: { filter: { projectIds: ['00000000-0000-4000-8000-000000000000'] } },
    });
    expect(result.body).toEqual({ pagination: {}, warmPools: [] });
  });

  it('rejects a filter id that is not a UUID', async () => {
    const result = await callListWarmPools(url, {
      body: { filter: { environmentClassIds: [envClass, 'gpu-large'] } },
    });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      code: 'invalid_argument',
      message:
        'validation error: filter.environment_class_ids[1]: value must be a valid UUID [string.uuid], got "gpu-large"',
    });
  });
});

describe('ListWarmPools page tokens', () => {
  const project = warmPools[0]?.metadata.projectId as string;

  async function firstToken(filter: object): Promise<string> {
    const result = await callListWarmPools(url, { query: { pageSize: 2 }, body: { filter } });
    return (result.body as { pagination: { nextToken: string } }).pagination.nextToken;
  }

  it('rejects a token reused with another filter', async () => {
    const unfiltered = await firstToken({});
    const filtered = await callListWarmPools(url, {
      query: { token: unfiltered },
      body: { filter: { projectIds: [project] } },
    });
    expect(filtered.status).toBe(400);
    expect(filtered.body).toEqual({
      code: 'invalid_argument',
      message: `pagination token "${unfiltered}" was issued for a different filter; send the filter of the request that returned it`,
    });

    const projectToken = await firstToken({ projectIds: [project] });
    const dropped = await callListWarmPools(url, { query: { token: projectToken } });
    expect(dropped.status).toBe(400);
  });

  it('accepts a token with the same filter written differently (order, repetition, empty lists)', async () => {
    const classes = [...new Set(warmPools.map((p) => p.metadata.environmentClassId as string))].slice(0, 3);
    const token = await firstToken({ environmentClassIds: classes });
    const reordered = await callListWarmPools(url, {
      query: { token, pageSize: 2 },
      body: {
        filter: { environmentClassIds: [...classes].reverse().concat(classes[0] as string), projectIds: [] },
      },
    });
    expect((reordered.body as { warmPools: Array<{ id: string }> }).warmPools.map((p) => p.id)).toEqual(
      expectedIds([], classes).slice(2, 4),
    );
  });

  it.each(['abc', 'not a token', Buffer.from('wp1:x:12345678').toString('base64url')])(
    'rejects the malformed token %j',
    async (token) => {
      const result = await callListWarmPools(url, { query: { token } });
      expect(result.status).toBe(400);
      expect(result.body).toEqual({
        code: 'invalid_argument',
        message: `invalid pagination token "${token}": not a token returned by ListWarmPools`,
      });
    },
  );
});
