/**
 * The concurrency cap of each upstream: at most MAX_CONCURRENT calls in flight, MAX_QUEUE more
 * waiting for a slot, the rest refused at once with UPSTREAM_UNAVAILABLE; a waiting call gives up
 * at its request's deadline without being sent, and does not hold up the calls queued after it.
 *
 * The query asks four clusters for their pods: one Fireworks call for the clusters, then four
 * Run:ai list_pods started together. A refused or cut pod list is null with its error; the
 * cluster around it and the other aliases keep their data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, groundTruth, loc, type Fleet } from '../helpers/ground-truth.js';
import { probeConcurrency, SMALL_BUDGETS, timed } from '../helpers/resilience.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const ALIASES = ['a', 'b', 'c', 'd'] as const;

/** The query over the first `n` clusters (aliases a, b, …), and each alias's answer. */
function clusterPods(fleet: Fleet, n = 4) {
  const clusters = fleet.clusters.slice(0, n);
  const query = `{\n${clusters
    .map((c, i) => `  ${ALIASES[i]}: cluster(name: "${c.name}") { name pods(first: 1) { nodes { podId } } }`)
    .join('\n')}\n}`;
  const answer = (i: number) => {
    const cluster = clusters[i]!;
    return {
      name: cluster.name,
      pods: {
        nodes: fleet
          .podsOfCluster(cluster.name)
          .slice(0, 1)
          .map((p) => ({ podId: p.id })),
      },
    };
  };
  return { query, answer };
}

describe('Run:ai capped at 1 call in flight and 1 waiting', () => {
  it('answers the first two pod lists and refuses the overflow at once, never sending more than one at a time', async () => {
    gw = await startTestGateway({ ...SMALL_BUDGETS, RUNAI_MAX_CONCURRENT: '1', RUNAI_MAX_QUEUE: '1' });
    const fleet = groundTruth(gw.world);
    const { query, answer } = clusterPods(fleet);
    gw.faults('runai', { list_pods: { latencyMs: 150 } });
    const probe = probeConcurrency(gw.sims.runai);
    const [res, ms] = await timed(() => gql(gw!, query));
    probe.stop();
    const refused = (alias: 'c' | 'd') => ({
      message:
        'Run:ai call refused: too many concurrent calls to this upstream (1 in flight, 1 waiting). Retry shortly.',
      locations: [loc(query, 'pods', ALIASES.indexOf(alias) + 1)],
      path: [alias, 'pods'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai' },
    });
    expect(res).toEqual({
      status: 200,
      data: { a: answer(0), b: answer(1), c: { ...answer(2), pods: null }, d: { ...answer(3), pods: null } },
      errors: [refused('c'), refused('d')],
    });
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 1 }, runai: { list_pods: 2 }, gitpod: {} });
    expect(probe.max).toBe(1);
    // The queued call waited for the first: two latencies back to back.
    expect(ms).toBeGreaterThanOrEqual(300 - 5);
    expect(ms).toBeLessThan(Number(SMALL_BUDGETS.REQUEST_DEADLINE_MS) + 1_000);

    gw.reset();
    expect(await gql(gw, clusterPods(fleet, 1).query)).toEqual({ status: 200, data: { a: answer(0) } });
  });
});

describe('Run:ai capped at 1 call in flight, 10 waiting, with an 800 ms deadline', () => {
  it('cuts the waiting calls at the deadline unsent, and the next request is not held up by them', async () => {
    gw = await startTestGateway({
      ...SMALL_BUDGETS,
      REQUEST_DEADLINE_MS: '800',
      RUNAI_HEADERS_TIMEOUT_MS: '5000',
      RUNAI_MAX_CONCURRENT: '1',
      RUNAI_MAX_QUEUE: '10',
    });
    const fleet = groundTruth(gw.world);
    const { query, answer } = clusterPods(fleet);
    // a: 0–500 ms; b: sent at ~500 ms, cut at 800 ms; c and d: still waiting at 800 ms, never sent.
    gw.faults('runai', { list_pods: { latencyMs: 500 } });
    const probe = probeConcurrency(gw.sims.runai);
    const [res, ms] = await timed(() => gql(gw!, query));
    const cut = (alias: 'b' | 'c' | 'd') => ({
      message: 'Run:ai did not answer before the request deadline (800 ms).',
      locations: [loc(query, 'pods', ALIASES.indexOf(alias) + 1)],
      path: [alias, 'pods'],
      extensions: { code: 'UPSTREAM_TIMEOUT', upstream: 'runai' },
    });
    expect(res).toEqual({
      status: 200,
      data: {
        a: answer(0),
        b: { ...answer(1), pods: null },
        c: { ...answer(2), pods: null },
        d: { ...answer(3), pods: null },
      },
      errors: [cut('b'), cut('c'), cut('d')],
    });
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 1 }, runai: { list_pods: 2 }, gitpod: {} });
    expect(probe.max).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(800 - 5);
    expect(ms).toBeLessThan(800 + 1_000);

    gw.reset();
    const [next, nextMs] = await timed(() => gql(gw!, query));
    probe.stop();
    expect(next).toEqual({ status: 200, data: { a: answer(0), b: answer(1), c: answer(2), d: answer(3) } });
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 1 }, runai: { list_pods: 4 }, gitpod: {} });
    expect(nextMs).toBeLessThan(800);
    expect(probe.max).toBe(1);
  });
});
