/**
 * Coalescing across GraphQL requests (always on): identical upstream requests in flight at once
 * are sent once, each caller keeps its own deadline, and different credentials never share.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dashboard } from '../../bench/queries.js';
import { RequestBudget } from '../../src/upstream/budget.js';
import { Coalescer } from '../../src/upstream/coalesce.js';
import { DEMO_CREDENTIALS } from '../helpers/demo.js';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** Every operation the dashboard sends, slowed down so that concurrent requests overlap. */
const SLOW = { latencyMs: 1000 };
function slowDown(g: TestGateway): void {
  g.faults('fireworks', { ListClusters: SLOW, ListNodePools: SLOW, ListBatchJobs: SLOW });
  g.faults('runai', { list_pods: SLOW, count_pods: SLOW });
}

type Cost = { actualUpstreamCalls: number; sharedUpstreamCalls?: number };
const costOf = (r: GraphQLResponse) => r.extensions?.cost as Cost;

describe('20 identical dashboards at once', () => {
  it('send one set of vendor calls, and every viewer gets the whole answer', async () => {
    gw = await startTestGateway();
    const alone = await gw.post({ query: dashboard.query });
    expect(alone.errors).toBeUndefined();
    const oneSet = gw.calls();
    const oneSetTotal = Object.values(oneSet).reduce(
      (n, ops) => n + Object.values(ops).reduce((a, b) => a + b, 0),
      0,
    );
    expect(costOf(alone).actualUpstreamCalls).toBe(oneSetTotal);
    gw.reset();
    slowDown(gw);
    const g = gw;
    const answers = await Promise.all(Array.from({ length: 20 }, () => g.post({ query: dashboard.query })));
    expect(gw.calls()).toEqual(oneSet);
    for (const answer of answers) expect(answer.data).toEqual(alone.data);
    // Each vendor call is counted once, by the request that sent it; the others shared it.
    const sent = answers.reduce((n, a) => n + costOf(a).actualUpstreamCalls, 0);
    const shared = answers.reduce((n, a) => n + (costOf(a).sharedUpstreamCalls ?? 0), 0);
    expect(sent).toBe(oneSetTotal);
    expect(shared).toBe(19 * oneSetTotal);
  });

  it('a viewer that goes away does not cancel the call the others wait for', async () => {
    gw = await startTestGateway();
    const query = '{ clusters(first: 3) { nodes { name } } }';
    const expected = await gw.query(query);
    gw.reset();
    gw.faults('fireworks', { ListClusters: { latencyMs: 400 } });
    const leaving = new AbortController();
    const first = fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      signal: leaving.signal,
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const staying = gw.query(query);
    await new Promise((resolve) => setTimeout(resolve, 100));
    leaving.abort();
    expect(await first).toBeInstanceOf(Error);
    expect(await staying).toEqual(expected);
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 1 }, runai: {}, gitpod: {} });
  });

  it('sends every call when UPSTREAM_COALESCE=false (the measurement switch)', async () => {
    gw = await startTestGateway({ UPSTREAM_COALESCE: 'false' });
    gw.faults('fireworks', { ListClusters: { latencyMs: 300 } });
    const g = gw;
    const query = '{ clusters(first: 3) { nodes { name } } }';
    const answers = await Promise.all([1, 2, 3].map(() => g.query(query)));
    expect(answers[1]).toEqual(answers[0]);
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 3 }, runai: {}, gitpod: {} });
  });

  it('never shares a call between two credentials', async () => {
    gw = await startTestGateway();
    gw.faults('runai', { list_pods: { latencyMs: 200 } });
    const query = '{ pods(first: 2) { nodes { podId } } }';
    const g = gw;
    const [own, other] = await Promise.all([
      g.query<{ pods: unknown }>(query),
      g.query(query, undefined, { 'x-runai-token': 'another-tenant-token-0001' }),
    ]);
    expect(own.errors).toBeUndefined();
    expect(own.data?.pods).not.toBeNull();
    // The simulator accepts only the demo token: the other tenant's call went out on its own.
    expect(other.data).toEqual({ pods: null });
    expect(other.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      upstream: 'runai',
      upstreamStatus: 401,
    });
    expect(gw.calls().runai).toEqual({ list_pods: 2 });
    expect(new Set(gw.requests('runai').map((r) => r.credential))).toEqual(
      new Set([`****${DEMO_CREDENTIALS.runai.slice(-4)}`, '****0001']),
    );
  });
});

describe('Coalescer', () => {
  const budget = (ms: number) => new RequestBudget(ms, new AbortController().signal);

  it('cancels the shared call only once every caller has left', async () => {
    const coalescer = new Coalescer();
    let sharedSignal: AbortSignal | undefined;
    let finish: (value: string) => void = () => undefined;
    const start = (shared: RequestBudget) => {
      sharedSignal = shared.signal;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const leftA = new AbortController();
    const leftB = new AbortController();
    const a = coalescer.run('k', new RequestBudget(5_000, leftA.signal), start, () => new Error('a left'));
    const b = coalescer.run('k', new RequestBudget(5_000, leftB.signal), start, () => new Error('b left'));
    const c = coalescer.run('k', budget(5_000), start, () => new Error('c left'));
    leftA.abort();
    await expect(a).rejects.toThrow('a left');
    expect(sharedSignal?.aborted).toBe(false);
    finish('answer');
    await expect(b).resolves.toEqual({ value: 'answer', joined: true });
    await expect(c).resolves.toEqual({ value: 'answer', joined: true });
    expect(coalescer.size).toBe(0);

    const leftE = new AbortController();
    const e = coalescer.run('k', new RequestBudget(5_000, leftE.signal), start, () => new Error('e left'));
    leftE.abort();
    await expect(e).rejects.toThrow('e left');
    expect(sharedSignal?.aborted).toBe(true);
  });

  it('keeps each caller to its own deadline', async () => {
    const coalescer = new Coalescer();
    const start = () => new Promise<string>((resolve) => setTimeout(() => resolve('late'), 300));
    const short = coalescer.run('k', budget(100), start, () => new Error('short deadline'));
    const long = coalescer.run('k', budget(2_000), start, () => new Error('long deadline'));
    await expect(short).rejects.toThrow('short deadline');
    await expect(long).resolves.toEqual({ value: 'late', joined: true });
  });
});
