/**
 * The circuit breakers (process-wide, one per vendor operation): once an operation has made 3
 * attempts within the window and more than half of them failed (5xx, timeouts, failed
 * connections), its calls fail fast with UPSTREAM_UNAVAILABLE and no upstream request, and /readyz
 * reports the vendor and the operation; the vendor's other operations are untouched. After the
 * cooldown one trial call goes through, and closes it on success or opens it again on failure.
 * 429s, other 4xx and malformed bodies are answers: they never open it. Each test starts its own
 * gateway, so breakers start closed; the cooldown is 5 s where a test needs the breaker to stay
 * open, 500 ms where it waits it out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, groundTruth, HEADER_CREDENTIALS, loc, NO_CALLS } from '../helpers/ground-truth.js';
import {
  mixedQuery,
  readyz,
  rootData,
  ROOTS,
  SMALL_BUDGETS,
  sleep,
  timed,
  VENDORS,
} from '../helpers/resilience.js';

const BREAKER = {
  ...SMALL_BUDGETS,
  UPSTREAM_BREAKER_MIN_CALLS: '3',
  UPSTREAM_BREAKER_FAILURE_RATE: '0.5',
  UPSTREAM_BREAKER_COOLDOWN_MS: '5000',
};
const SHORT_COOLDOWN = { UPSTREAM_BREAKER_COOLDOWN_MS: '500' };
const SHORT_COOLDOWN_MS = 500;

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function start(env: Record<string, string> = {}): Promise<TestGateway> {
  gw = await startTestGateway({ ...BREAKER, ...env });
  return gw;
}

const OPEN_MESSAGE =
  /^Run:ai \(list_pods\) is failing: its circuit breaker is open, so calls fail fast until a trial call at \d{4}-\d\d-\d\dT[\d:.]+Z \(in \d+ ms\)\.$/;
const runai = ROOTS.runai;
/** The error of a call the open breaker refused; `retryAfter` is the cooldown left, rounded up. */
const openError = (retryAfter: number) => ({
  message: expect.stringMatching(OPEN_MESSAGE),
  locations: [loc(runai.query, runai.field)],
  path: [runai.field],
  extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', retryAfter },
});
const allClosed = {
  status: 200,
  body: { status: 'ok', upstreams: { fireworks: 'closed', runai: 'closed', gitpod: 'closed' } },
};
const runaiOpen = {
  status: 200,
  body: {
    status: 'degraded',
    upstreams: { fireworks: 'closed', runai: 'open', gitpod: 'closed' },
    open: ['runai'],
    operations: { runai: { list_pods: 'open' } },
  },
};

/** Opens Run:ai's breaker: one query whose 3 attempts all get 503. */
async function openRunai(gw: TestGateway): Promise<void> {
  gw.faults('runai', { list_pods: { status: 503 } });
  expect((await gql(gw, runai.query)).errors?.[0]?.extensions?.upstreamStatus).toBe(503);
  expect(gw.calls().runai).toEqual({ list_pods: 3 });
  gw.reset();
}

describe('opening', () => {
  it('opens once 3 attempts were made and over half failed; the next call fails fast with no upstream request', async () => {
    const gw = await start();
    const fleet = groundTruth(gw.world);
    expect(await readyz(gw)).toEqual(allClosed);
    await openRunai(gw);
    expect(await readyz(gw)).toEqual(runaiOpen);

    gw.faults('runai', { list_pods: { status: 503 } });
    const [res, ms] = await timed(() => gql(gw, runai.query));
    expect(res).toEqual({ status: 200, data: { pods: null }, errors: [openError(5)] });
    expect(gw.calls()).toEqual(NO_CALLS);
    expect(ms).toBeLessThan(200);

    // Only list_pods fails fast: the mixed query still gets every vendor, Run:ai's
    // get_workload_pods included.
    const mixed = mixedQuery(fleet);
    expect(await gql(gw, mixed.query, mixed.variables)).toEqual({ status: 200, data: mixed.data() });
    expect(gw.calls()).toEqual({
      fireworks: { GetCluster: 1 },
      runai: { get_workload_pods: 1 },
      gitpod: { ListWarmPools: 1 },
    });
  });

  // Three pod lists at once: three calls without retries, so three failures in one query.
  const THREE_LISTS = `{
    a: pods(first: 1) { nodes { podId } }
    b: pods(first: 2) { nodes { podId } }
    c: pods(first: 3) { nodes { podId } }
  }`;

  it.each([
    ['500s', { status: 500 }, runai.query, 3],
    ['hangs (headers timeouts)', { hang: true }, THREE_LISTS, 1],
    ['connection resets', { reset: true }, runai.query, 1],
  ] as const)('opens on %s', async (_what, fault, query, times) => {
    const gw = await start();
    gw.faults('runai', { list_pods: fault });
    for (let i = 0; i < times; i++) await gql(gw, query);
    expect(gw.calls().runai).toEqual({ list_pods: 3 });
    expect(await readyz(gw)).toEqual(runaiOpen);
  });

  it.each([
    ['429s (even retried)', { status: 429, retryAfter: 0 }],
    ['404s', { status: 404 }],
    ['malformed bodies', { malformed: true }],
  ] as const)('stays closed on %s: they are answers', async (_what, fault) => {
    const gw = await start();
    gw.faults('runai', { list_pods: fault });
    for (let i = 0; i < 5; i++) await gql(gw, runai.query);
    expect(await readyz(gw)).toEqual(allClosed);
    gw.reset();
    expect((await gql(gw, runai.query)).data).toEqual(rootData(groundTruth(gw.world), 'runai'));
  });

  it('stays closed on a wrong caller credential (401s)', async () => {
    const gw = await start();
    for (let i = 0; i < 5; i++) {
      const res = await gql(gw, runai.query, undefined, { 'x-runai-token': HEADER_CREDENTIALS.runai });
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(gw.calls().runai).toEqual({ list_pods: 5 });
    expect(await readyz(gw)).toEqual(allClosed);
  });

  it('opens on the failure rate, not on a run of failures: a success in between does not reset it', async () => {
    const gw = await start();
    const fleet = groundTruth(gw.world);
    gw.faults('runai', { list_pods: { status: 500 } });
    await gql(gw, runai.query);
    await gql(gw, runai.query);
    // 2 attempts, under the minimum of 3: closed.
    expect(await readyz(gw)).toEqual(allClosed);
    gw.reset();
    expect((await gql(gw, runai.query)).data).toEqual(rootData(fleet, 'runai'));
    gw.faults('runai', { list_pods: { status: 500 } });
    await gql(gw, runai.query);
    // 3 failures of 4 attempts: over half.
    expect(await readyz(gw)).toEqual(runaiOpen);
  });

  it('stays closed at a failure rate of one half (the threshold is exceeded, not reached)', async () => {
    const gw = await start();
    for (const failing of [true, false, false, true]) {
      gw.reset();
      if (failing) gw.faults('runai', { list_pods: { status: 500 } });
      await gql(gw, runai.query);
    }
    expect(await readyz(gw)).toEqual(allClosed);
  });

  it("keeps one breaker per operation: an open list_pods leaves Run:ai's other operations untouched", async () => {
    const gw = await start();
    const fleet = groundTruth(gw.world);
    await openRunai(gw);
    const pod = fleet.pods[0]!;
    const query = `{ pods(first: 1) { totalCount } workloadPods(workloadId: "${pod.workloadId}", first: 1) { nodes { podId } } }`;
    const res = await gql(gw, query);
    expect(res.data).toEqual({
      pods: null,
      workloadPods: { nodes: [{ podId: fleet.pods.filter((p) => p.workloadId === pod.workloadId)[0]!.id }] },
    });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['pods'], 'UPSTREAM_UNAVAILABLE'],
    ]);
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { get_workload_pods: 1 } });
  });

  it('keeps one breaker per vendor', async () => {
    const gw = await start();
    await openRunai(gw);
    for (const vendor of ['fireworks', 'gitpod'] as const) {
      expect(await gql(gw, ROOTS[vendor].query)).toEqual({
        status: 200,
        data: rootData(groundTruth(gw.world), vendor),
      });
    }
    expect(await readyz(gw)).toEqual(runaiOpen);
  });
});

describe('after the cooldown', () => {
  it('a successful trial call closes it', async () => {
    const gw = await start(SHORT_COOLDOWN);
    await openRunai(gw);
    await sleep(SHORT_COOLDOWN_MS + 50);
    // Past the cooldown the next call is a trial: /readyz reports half-open and counts it ready.
    expect(await readyz(gw)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        upstreams: { fireworks: 'closed', runai: 'half-open', gitpod: 'closed' },
        operations: { runai: { list_pods: 'half-open' } },
      },
    });
    expect(await gql(gw, runai.query)).toEqual({
      status: 200,
      data: rootData(groundTruth(gw.world), 'runai'),
    });
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 1 } });
    expect(await readyz(gw)).toEqual(allClosed);
  });

  it('a failed trial call opens it again, without retries, for another cooldown', async () => {
    const gw = await start(SHORT_COOLDOWN);
    await openRunai(gw);
    await sleep(SHORT_COOLDOWN_MS + 50);
    gw.faults('runai', { list_pods: { status: 503 } });
    expect(await gql(gw, runai.query)).toEqual({ status: 200, data: { pods: null }, errors: [openError(1)] });
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 1 } });
    expect(await readyz(gw)).toEqual(runaiOpen);
    await gql(gw, runai.query);
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 1 } });
  });

  it('calls arriving while the trial is in flight fail fast instead of queueing behind it', async () => {
    const gw = await start(SHORT_COOLDOWN);
    await openRunai(gw);
    await sleep(SHORT_COOLDOWN_MS + 50);
    gw.faults('runai', { list_pods: { hang: true } });
    const trial = timed(() => gql(gw, runai.query));
    await sleep(50);
    // Another page size: an identical request would join the trial in flight (coalescing).
    const [meanwhile, ms] = await timed(() => gql(gw, runai.query.replace('first: 2', 'first: 3')));
    expect(meanwhile).toEqual({
      status: 200,
      data: { pods: null },
      errors: [
        {
          ...openError(1),
          message:
            'Run:ai (list_pods) is failing: its circuit breaker is half-open and a trial call is in flight; calls fail fast until it succeeds.',
          extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai' },
        },
      ],
    });
    expect(ms).toBeLessThan(200);
    const [trialRes, trialMs] = await trial;
    expect(trialRes.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', upstream: 'runai' });
    expect(trialMs).toBeGreaterThanOrEqual(400);
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 1 } });
    expect(await readyz(gw)).toEqual(runaiOpen);
  });
});

describe('/readyz', () => {
  it('lists every open breaker', async () => {
    const gw = await start();
    for (const vendor of VENDORS) gw.faults(vendor, { [ROOTS[vendor].operation]: { status: 503 } });
    for (const vendor of ['fireworks', 'gitpod'] as const) await gql(gw, ROOTS[vendor].query);
    expect(await readyz(gw)).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        upstreams: { fireworks: 'open', runai: 'closed', gitpod: 'open' },
        open: ['fireworks', 'gitpod'],
        operations: { fireworks: { ListClusters: 'open' }, gitpod: { ListWarmPools: 'open' } },
      },
    });
  });
});
