/**
 * Retries and the request deadline together: a Retry-After within the cap is waited for; one that
 * would outlast the cap or the deadline is not (RATE_LIMITED with retryAfter at once); retries stop
 * at the deadline; MAX_ATTEMPTS can be set per vendor; and a client that disconnects takes its
 * upstream calls down with it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, loc, NO_CALLS } from '../helpers/ground-truth.js';
import { probeConcurrency, ROOTS, SMALL_BUDGETS, sleep, timed } from '../helpers/resilience.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function start(env: Record<string, string>): Promise<TestGateway> {
  gw = await startTestGateway({ ...SMALL_BUDGETS, ...env });
  return gw;
}

const { runai, gitpod, fireworks } = ROOTS;

describe('Retry-After', () => {
  it('is waited for when within the cap and the deadline', async () => {
    const gw = await start({
      REQUEST_DEADLINE_MS: '3000',
      UPSTREAM_RETRY_MAX_DELAY_MS: '2000',
      UPSTREAM_MAX_ATTEMPTS: '2',
    });
    gw.faults('runai', { list_pods: { status: 503, retryAfter: 1 } });
    const [res, ms] = await timed(() => gql(gw, runai.query));
    expect(res).toEqual({
      status: 200,
      data: { pods: null },
      errors: [
        {
          message: 'Run:ai answered HTTP 503 (UPSTREAM_UNAVAILABLE).',
          locations: [loc(runai.query, runai.field)],
          path: [runai.field],
          extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', upstreamStatus: 503, retryAfter: 1 },
        },
      ],
    });
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 2 } });
    expect(ms).toBeGreaterThanOrEqual(1_000);
    expect(ms).toBeLessThan(3_000);
  });

  it('within the cap but past the deadline is not waited for: RATE_LIMITED with retryAfter at once', async () => {
    const gw = await start({ REQUEST_DEADLINE_MS: '800', GITPOD_RETRY_MAX_DELAY_MS: '5000' });
    gw.faults('gitpod', { ListWarmPools: { status: 429, retryAfter: 2 } });
    const [res, ms] = await timed(() => gql(gw, gitpod.query));
    expect(res).toEqual({
      status: 200,
      data: { warmPools: null },
      errors: [
        {
          message: 'Gitpod answered HTTP 429 (RATE_LIMITED).',
          locations: [loc(gitpod.query, gitpod.field)],
          path: [gitpod.field],
          extensions: { code: 'RATE_LIMITED', upstream: 'gitpod', upstreamStatus: 429, retryAfter: 2 },
        },
      ],
    });
    expect(gw.calls()).toEqual({ ...NO_CALLS, gitpod: { ListWarmPools: 1 } });
    expect(ms).toBeLessThan(300);
  });
});

describe('the request deadline', () => {
  it('ends a chain of retries: the attempt in flight at the deadline is cut, none starts after it', async () => {
    // Attempts start at ~0, ~400 and ~800 ms; the third is cut at 1000 ms.
    const gw = await start({
      REQUEST_DEADLINE_MS: '1000',
      UPSTREAM_HEADERS_TIMEOUT_MS: '5000',
      UPSTREAM_MAX_ATTEMPTS: '10',
    });
    gw.faults('fireworks', { ListClusters: { status: 503, latencyMs: 400 } });
    const [res, ms] = await timed(() => gql(gw, fireworks.query));
    expect(res).toEqual({
      status: 200,
      data: { clusters: null },
      errors: [
        {
          message: 'Fireworks did not answer before the request deadline (1000 ms).',
          locations: [loc(fireworks.query, fireworks.field)],
          path: [fireworks.field],
          extensions: { code: 'UPSTREAM_TIMEOUT', upstream: 'fireworks' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListClusters: 3 } });
    expect(ms).toBeGreaterThanOrEqual(1_000 - 5);
    expect(ms).toBeLessThan(2_000);
  });
});

describe('MAX_ATTEMPTS', () => {
  it('applies per vendor: RUNAI_MAX_ATTEMPTS=1 turns Run:ai retries off, the others keep 3 attempts', async () => {
    const gw = await start({ RUNAI_MAX_ATTEMPTS: '1' });
    gw.faults('runai', { list_pods: { status: 503 } });
    gw.faults('fireworks', { ListClusters: { status: 503 } });
    await gql(gw, runai.query);
    await gql(gw, fireworks.query);
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 3 }, runai: { list_pods: 1 }, gitpod: {} });
  });
});

describe('a client that disconnects', () => {
  it('cancels its upstream calls, and the gateway keeps serving', async () => {
    const gw = await start({ REQUEST_DEADLINE_MS: '10000', UPSTREAM_HEADERS_TIMEOUT_MS: '10000' });
    gw.faults('runai', { list_pods: { hang: true } });
    const probe = probeConcurrency(gw.sims.runai);
    const client = new AbortController();
    const request = fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: runai.query }),
      signal: client.signal,
    }).catch((error: unknown) => error);
    await sleep(150);
    expect(probe.now).toBe(1);
    client.abort();
    await request;
    await sleep(150);
    expect(probe.now).toBe(0);
    probe.stop();
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 1 } });

    gw.reset();
    expect((await gql(gw, runai.query)).errors).toBeUndefined();
  });
});
