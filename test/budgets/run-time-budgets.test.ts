/**
 * Budgets enforced while a request runs, tried from outside against a real gateway and the
 * simulators: the upstream calls a request sends (`MAX_UPSTREAM_CALLS`, counted as they are sent,
 * not only estimated), the size of one vendor answer (`<VENDOR>_MAX_BODY_BYTES`), the size of the
 * response (`MAX_RESPONSE_BYTES`) and the deadline, which covers building the response too.
 */
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { finishWithin, DEADLINE_SLACK_MS } from '../../src/http/response-limits.js';
import { RequestBudget } from '../../src/upstream/budget.js';
import { UpstreamSession, type UpstreamRequest } from '../../src/upstream/http.js';
import type { SharedUpstream } from '../../src/upstream/shared.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { globalId, groundTruth, loc, NO_CALLS } from '../helpers/ground-truth.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const WARM_POOLS = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on WarmPool { warmPoolId } } }`;

const ESTIMATE_REFUSED = (estimate: number) =>
  `Query upstream call estimate ${estimate} exceeds the limit of 5 (MAX_UPSTREAM_CALLS). Nest fewer per-parent ` +
  'connections (NodePool.batchJobs, NodePool.pods, Cluster.pods, Pod.metrics), ask for smaller pages, or split the query.';

const LIMITS = (maxUpstreamCalls: number) => ({ maxNodes: 50_000, maxUpstreamCalls });

describe('MAX_UPSTREAM_CALLS at run time', () => {
  it('refuses before any call an operation whose estimate passes the limit (the estimate bounds the calls)', async () => {
    // Scale 10: 1400 warm pools; 100 of them by ID span enough projects × classes for 13 pages.
    gw = await startTestGateway({ MAX_UPSTREAM_CALLS: '5', SIM_SCALE: '10' });
    const fleet = groundTruth(gw.world);
    const ids = fleet.warmPools
      .slice(0, 100)
      .map((w) => globalId('WarmPool', `${w.id}/${w.metadata.projectId}/${w.metadata.environmentClassId}`));
    const res = await gw.post({ query: WARM_POOLS, variables: { ids } });
    expect(res).toEqual({
      status: 400,
      errors: [
        {
          message: ESTIMATE_REFUSED(13),
          extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_UPSTREAM_CALLS', maximum: 5, actual: 13 },
        },
      ],
      extensions: {
        cost: { requestedNodes: 0, estimatedUpstreamCalls: 13, actualUpstreamCalls: 0, limits: LIMITS(5) },
      },
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('the session sends the calls up to the limit and refuses the next, naming the limit; repeats are free', async () => {
    // Defence in depth behind the estimate (which no operation can pass from outside, see
    // test/limits/estimate-bound.test.ts): the per-request count, on a session of its own.
    const sent: string[] = [];
    const upstream = {
      pool: { vendor: { id: 'gitpod', label: 'Gitpod' } },
      fetch: (request: UpstreamRequest) => {
        sent.push(request.path);
        return Promise.resolve({ origin: 'vendor', body: { path: request.path } });
      },
    } as unknown as SharedUpstream;
    const session = new UpstreamSession(
      upstream,
      'credential',
      new RequestBudget(5_000, undefined, { maxCalls: 2 }),
    );
    const get = (path: string) => session.json({ method: 'GET', path, operation: 'ListWarmPools' });
    expect(await get('/a')).toEqual({ path: '/a' });
    expect(await get('/b')).toEqual({ path: '/b' });
    expect(await get('/a')).toEqual({ path: '/a' });
    const refused = await get('/c').catch((error: unknown) => error as GraphQLError);
    expect(refused).toBeInstanceOf(GraphQLError);
    expect({
      message: (refused as GraphQLError).message,
      extensions: (refused as GraphQLError).extensions,
    }).toEqual({
      message:
        'This request reached its limit of 2 upstream calls (MAX_UPSTREAM_CALLS), so this field was not ' +
        'fetched. Ask for smaller pages, nest fewer connections, or split the query.',
      extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_UPSTREAM_CALLS', maximum: 2, upstream: 'gitpod' },
    });
    expect(sent).toEqual(['/a', '/b']);
    expect(session.served.vendor).toBe(2);
  });

  it('counts distinct requests of every vendor against one limit; retries are not counted', async () => {
    gw = await startTestGateway({ MAX_UPSTREAM_CALLS: '2', UPSTREAM_RETRY_BASE_DELAY_MS: '1' });
    gw.faults('runai', { list_pods: { status: 503, rate: 1 } });
    const query = '{ clusters(first: 1) { nodes { name } } pods(first: 1) { nodes { name } } }';
    const res = await gw.query(query);
    expect(res.data).toEqual({
      clusters: { nodes: [{ name: groundTruth(gw.world).clusters[0]!.name }] },
      pods: null,
    });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    // Three attempts of one list_pods: one call against the limit.
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListClusters: 1 }, runai: { list_pods: 3 } });
  });
});

describe('upstream body size (<VENDOR>_MAX_BODY_BYTES, then UPSTREAM_MAX_BODY_BYTES)', () => {
  const query = '{ clusters(first: 1) { nodes { name } } pods(first: 100) { nodes { name } } }';

  it('fails only that vendor’s field when its answer is larger, without a retry', async () => {
    gw = await startTestGateway({ RUNAI_MAX_BODY_BYTES: '2048', UPSTREAM_MAX_BODY_BYTES: '1048576' });
    const res = await gw.query(query);
    expect(res).toEqual({
      status: 200,
      data: { clusters: { nodes: [{ name: groundTruth(gw.world).clusters[0]!.name }] }, pods: null },
      errors: [
        {
          message:
            'Run:ai answered a body over 2048 bytes (RUNAI_MAX_BODY_BYTES or UPSTREAM_MAX_BODY_BYTES); ask for ' +
            'smaller pages or fewer samples.',
          locations: [loc(query, 'pods')],
          path: ['pods'],
          extensions: { code: 'UPSTREAM_ERROR', upstream: 'runai' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListClusters: 1 }, runai: { list_pods: 1 } });
  });

  it('UPSTREAM_MAX_BODY_BYTES applies to every vendor without its own knob', async () => {
    gw = await startTestGateway({ UPSTREAM_MAX_BODY_BYTES: '1024' });
    const res = await gw.query('{ batchJobs(first: 100) { nodes { name } } }');
    expect(res.data).toEqual({ batchJobs: null });
    expect(res.errors?.[0]?.message).toMatch(
      /^Fireworks answered a body over 1024 bytes \(FIREWORKS_MAX_BODY_BYTES/,
    );
  });
});

describe('MAX_RESPONSE_BYTES', () => {
  it('refuses a response over the limit with a coded error instead of sending it', async () => {
    gw = await startTestGateway({ MAX_RESPONSE_BYTES: '4096' });
    const res = await gw.post({ query: '{ pods(first: 100) { nodes { name workloadName } } }' });
    expect(res).toEqual({
      status: 400,
      errors: [
        {
          message:
            'The response exceeds the limit of 4096 bytes (MAX_RESPONSE_BYTES). Ask for smaller pages, fewer ' +
            'fields or fewer metric samples, or split the query.',
          extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_RESPONSE_BYTES', maximum: 4096 },
        },
      ],
    });
    const small = await gw.query('{ pods(first: 2) { nodes { name } } }');
    expect(small.status).toBe(200);
    expect(small.errors).toBeUndefined();
  });
});

describe('the deadline covers building the response', () => {
  it('a response not ready by deadline + slack is late, even when it arrives synchronously late', async () => {
    const startedAt = Date.now();
    const never = new Promise<never>(() => undefined);
    const t0 = Date.now();
    expect(await finishWithin(never, startedAt, 50)).toBe('late');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50 + DEADLINE_SLACK_MS - 5);

    // Built in one synchronous stretch past the limit (as a huge JSON.stringify would be).
    const blocking = Promise.resolve().then(() => {
      const until = Date.now() + 60;
      while (Date.now() < until);
      return { status: 200, headers: new Map(), body: { kind: 'complete', string: '{}' } } as never;
    });
    expect(await finishWithin(blocking, Date.now() - DEADLINE_SLACK_MS, 0)).toBe('late');

    const prompt = Promise.resolve({ status: 200 } as never);
    expect(await finishWithin(prompt, Date.now(), 1000)).toEqual({ status: 200 });
  });
});
