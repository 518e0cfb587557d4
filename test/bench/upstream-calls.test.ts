/**
 * The bench's upstream call counts, as a CI smoke: each bench query (bench/queries.ts) runs once
 * on a real gateway over the simulators, and the calls the simulators counted must be the minimum
 * the vendors' APIs allow for that answer, as bench/queries.ts derives it. The baseline
 * (bench/baseline.ts) runs in-process on the same simulators: it must answer the same data, and
 * pays one call per object wherever the query joins. Counts only, never timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBaseline, type Baseline } from '../../bench/baseline.js';
import {
  BENCH_QUERIES,
  NODE_IDS_QUERY,
  addCalls,
  createFleet,
  pickNodeIds,
  totalCalls,
  type BenchQuery,
  type CallCounts,
  type Fleet,
  type Minimum,
  type Prep,
} from '../../bench/queries.js';
import { DEMO_CREDENTIALS } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Where Fleetgraph makes more calls than the minimum today; docs/benchmarks.md reports each gap
 * with its fix. An entry states the excess exactly, so the test fails on any change: a
 * regression, or the fix (then delete the entry).
 */
const KNOWN_EXCESS: Partial<Record<string, (minimum: Minimum) => Partial<CallCounts>>> = {};

/** Queries that join: the baseline fetches the joined side once per object, so it must pay more. */
const JOINS = new Set(['dashboard', 'reverse-jobs', 'reverse-pods', 'nodes']);

let gw: TestGateway;
let baseline: Baseline;
let fleet: Fleet;
let prep: Prep;

beforeAll(async () => {
  gw = await startTestGateway();
  const simulators = gw.gateway.simulators;
  if (!simulators) throw new Error('expected demo-mode simulators');
  fleet = createFleet(gw.world);
  baseline = await startBaseline({
    port: 0,
    host: '127.0.0.1',
    accountId: gw.world.accountId,
    fireworks: { baseUrl: simulators.urls.fireworks, credential: DEMO_CREDENTIALS.fireworks },
    runai: { baseUrl: simulators.urls.runai, credential: DEMO_CREDENTIALS.runai },
    gitpod: { baseUrl: simulators.urls.gitpod, credential: DEMO_CREDENTIALS.gitpod },
    clusterMap: simulators.clusterMap,
  });
  const ids = await gw.query(NODE_IDS_QUERY);
  expect(ids.errors).toBeUndefined();
  prep = { nodeIds: pickNodeIds(ids.data) };
});
afterAll(async () => {
  await baseline?.stop();
  await gw?.stop();
});

/** Runs a bench query once on `url` (the walk: every page); returns each answer's data. */
async function run(url: string, query: BenchQuery, variables: Record<string, unknown>): Promise<unknown[]> {
  const pages: unknown[] = [];
  let after: string | null = null;
  for (;;) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: query.query,
        variables: query.walk ? { ...variables, after } : variables,
      }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: unknown };
    expect({ status: res.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    pages.push(body.data);
    if (!query.walk) return pages;
    const page = query.walk.pageInfo(body.data);
    if (!page.hasNextPage) return pages;
    after = page.endCursor;
  }
}

/** The data without cursors (the two servers encode them differently). */
function withoutCursors(pages: unknown[]): unknown {
  return JSON.parse(
    JSON.stringify(pages, (key, value: unknown) =>
      key === 'cursor' || key === 'startCursor' || key === 'endCursor' ? undefined : value,
    ),
  );
}

describe.each(BENCH_QUERIES.map((q) => [q.name, q] as const))('bench query %s', (_name, query) => {
  it('costs Fleetgraph the minimum number of upstream calls the vendors allow', async () => {
    const variables = query.variables?.(prep) ?? {};
    gw.reset();
    const pages = await run(gw.url, query, variables);
    const minimum = query.minimum(pages[0], variables, fleet);
    const perAnswer = pages.reduce<CallCounts>((sum) => addCalls(sum, minimum.calls), {
      fireworks: {},
      runai: {},
      gitpod: {},
    });
    expect(gw.calls()).toEqual(addCalls(perAnswer, KNOWN_EXCESS[query.name]?.(minimum) ?? {}));
  });

  it('the baseline answers the same data, paying per object where the query joins', async () => {
    const variables = query.variables?.(prep) ?? {};
    gw.reset();
    const expected = await run(gw.url, query, variables);
    const minimum = totalCalls(query.minimum(expected[0], variables, fleet).calls) * expected.length;
    gw.reset();
    const answered = await run(baseline.url, query, variables);
    expect(withoutCursors(answered)).toEqual(withoutCursors(expected));
    const calls = totalCalls(gw.calls());
    if (JOINS.has(query.name)) expect(calls).toBeGreaterThan(minimum);
    else expect(calls).toBe(minimum);
  });
});
