/**
 * Live updates: the exact events of scripted simulator changes over both transports, shared
 * polling (the vendor calls per interval do not depend on the number of subscribers), failures,
 * clean-up, limits and authentication, and Apollo Client's GraphQLWsLink.
 */
import { ApolloClient, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateFireworksData } from '../../src/vendors/fireworks/simulator/index.js';
import { generateGitpodData } from '../../src/vendors/gitpod/simulator/index.js';
import { generateRunaiData } from '../../src/vendors/runai/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { collect, mutate, readSse, subscribed, waitFor, wsClient, type Collected } from '../helpers/live.js';
import { graphTime } from '../helpers/ground-truth.js';

const POLL = {
  FIREWORKS_POLL_MS: '150',
  RUNAI_POLL_MS: '150',
  GITPOD_POLL_MS: '150',
  UPSTREAM_MAX_ATTEMPTS: '1',
};

const JOB_EVENTS = `subscription Jobs($filter: BatchJobFilter) {
  batchJobEvents(filter: $filter) { kind changedFields node { name state nodePool { nodePoolId } } }
}`;

let t: TestGateway;
const clients: Client[] = [];
const open = (params?: Record<string, string>) => {
  const client = wsClient(t, params);
  clients.push(client);
  return client;
};
beforeAll(async () => (t = await startTestGateway(POLL)));
afterAll(() => t.stop());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await waitFor(() => t.gateway.live.registry.size === 0, 5_000, 'pollers to stop');
  t.reset();
});

/** Waits until a subscription holds `n` results, a little past the next poll. */
const results = async (c: Collected, n: number) => {
  await waitFor(() => c.results.length >= n, 5_000, `${n} results`);
  return c.results;
};

describe('events of scripted changes over WebSocket', () => {
  const fireworks = () => generateFireworksData(t.world);

  it('a batch job changing state is CHANGED with the fields that changed, relations resolved', async () => {
    const job = fireworks().batchJobs.find((j) => j.state === 'RUNNING' && j.endTime === undefined)!;
    const sub = collect(open(), JOB_EVENTS);
    await subscribed(t, 1);
    expect((await mutate(t, { batchJob: job.name, set: { state: 'FAILED' } })).status).toBe(200);
    expect(await results(sub, 1)).toEqual([
      {
        data: {
          batchJobEvents: {
            kind: 'CHANGED',
            changedFields: ['endedAt', 'state', 'status', 'updatedAt'],
            node: { name: job.name, state: 'FAILED', nodePool: { nodePoolId: job.nodePoolId } },
          },
        },
      },
    ]);
  });

  it('with a filter, a job leaving it is REMOVED and one entering it is ADDED', async () => {
    const job = fireworks().batchJobs.find((j) => j.state === 'QUEUED')!;
    const sub = collect(open(), JOB_EVENTS, { filter: { states: ['QUEUED'] } });
    await subscribed(t, 1);
    await mutate(t, { batchJob: job.name, set: { state: 'PENDING' } });
    await results(sub, 1);
    await mutate(t, { batchJob: job.name, set: { state: 'QUEUED' } });
    const node = (state: string) => ({ name: job.name, state, nodePool: { nodePoolId: job.nodePoolId } });
    expect(await results(sub, 2)).toEqual([
      {
        data: {
          batchJobEvents: {
            kind: 'REMOVED',
            changedFields: ['state', 'status', 'updatedAt'],
            node: node('PENDING'),
          },
        },
      },
      { data: { batchJobEvents: { kind: 'ADDED', changedFields: [], node: node('QUEUED') } } },
    ]);
  });

  it('a pod phase, a node pool node count and a warm pool phase each reach their subscription', async () => {
    const pod = generateRunaiData(t.world).pods.find((p) => p.k8sPhase === 'Running' && !p.deletedAt)!;
    const pool = fireworks().nodePools.find((p) => p.state === 'READY' && p.eksNodePool)!;
    const warm = generateGitpodData(t.world).warmPools.find(
      (w) => w.status?.phase === 'WARM_POOL_PHASE_READY',
    )!;
    const client = open();
    const pods = collect(
      client,
      'subscription { podEvents { kind changedFields node { podId phase completedAt nodePool { nodePoolId } } } }',
    );
    const pools = collect(
      client,
      'subscription { nodePoolEvents { kind changedFields node { name stats { nodeCount } } } }',
    );
    const warms = collect(
      client,
      'subscription { warmPoolEvents(filter: { projectIds: ["' +
        warm.metadata.projectId +
        '"] }) { kind changedFields node { warmPoolId status { phase failureMessage } } } }',
    );
    await subscribed(t, 3);
    const count = (pool.nodePoolStats?.nodeCount ?? 0) + 1;
    const changes = [
      await mutate(t, { pod: pod.id, set: { phase: 'Failed' } }),
      await mutate(t, { nodePool: pool.name, set: { nodeCount: count } }),
      await mutate(t, { warmPool: warm.id, set: { phase: 'WARM_POOL_PHASE_DEGRADED' } }),
    ].map((r) => (r.body.change as { updateTime: string }).updateTime);
    expect(await results(pods, 1)).toEqual([
      {
        data: {
          podEvents: {
            kind: 'CHANGED',
            changedFields: ['completedAt', 'phase', 'phaseUpdatedAt', 'updatedAt'],
            node: {
              podId: pod.id,
              phase: 'FAILED',
              completedAt: graphTime(changes[0]!),
              nodePool: { nodePoolId: pod.currentNodePool },
            },
          },
        },
      },
    ]);
    expect(await results(pools, 1)).toEqual([
      {
        data: {
          nodePoolEvents: {
            kind: 'CHANGED',
            changedFields: ['stats.nodeCount', 'updatedAt'],
            node: { name: pool.name, stats: { nodeCount: count } },
          },
        },
      },
    ]);
    expect(await results(warms, 1)).toEqual([
      {
        data: {
          warmPoolEvents: {
            kind: 'CHANGED',
            changedFields: ['status.failureMessage', 'status.phase', 'updatedAt'],
            node: {
              warmPoolId: warm.id,
              status: {
                phase: 'DEGRADED',
                failureMessage: 'instances failed their readiness check after 10m0s',
              },
            },
          },
        },
      },
    ]);
  });
});

describe('events over Server-Sent Events at /graphql/stream', () => {
  it('streams the same event as the WebSocket transport', async () => {
    const job = generateFireworksData(t.world).batchJobs.find((j) => j.state === 'PENDING')!;
    const res = await fetch(t.url.replace(/\/graphql$/, '/graphql/stream'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: JOB_EVENTS, variables: { filter: { nodePoolId: job.nodePoolId } } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await subscribed(t, 1);
    await mutate(t, { batchJob: job.name, set: { state: 'RUNNING' } });
    expect(await readSse(res, 1)).toEqual([
      {
        data: {
          batchJobEvents: {
            kind: 'CHANGED',
            changedFields: job.startTime
              ? ['state', 'status', 'updatedAt']
              : ['startedAt', 'state', 'status', 'updatedAt'],
            node: { name: job.name, state: 'RUNNING', nodePool: { nodePoolId: job.nodePoolId } },
          },
        },
      },
    ]);
    await waitFor(() => t.gateway.live.registry.size === 0, 5_000, 'the SSE subscriber to leave');
  });

  it('refuses a query with a coded error, before any upstream call', async () => {
    const res = await fetch(t.url.replace(/\/graphql$/, '/graphql/stream'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: '{ clusters { totalCount } }' }),
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'This endpoint serves subscriptions; send queries as POST /graphql.',
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      },
    });
    expect(t.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
  });
});

describe('one poller per field, filter and credential', () => {
  /** Calls made by exactly `polls` polls of the one running poller (read between two polls). */
  async function callsOverPolls(polls: number) {
    const poller = t.gateway.live.registry.get(t.gateway.live.registry.keys()[0]!)!;
    await waitFor(() => poller.polls > 0);
    const start = poller.polls;
    // Read right after a poll ends: the next one is an interval away.
    await waitFor(() => poller.polls !== start, 5_000);
    t.reset();
    const from = poller.polls;
    await waitFor(() => poller.polls === from + polls, 5_000);
    return { calls: t.calls(), filters: t.requests('fireworks').map((r) => r.query.filter) };
  }

  it.each([1, 100, 1000])(
    '%i subscribers on one filter cost one ListBatchJobs per interval',
    async (n) => {
      const connections = Array.from({ length: Math.ceil(n / 100) }, () => open());
      const subs = Array.from({ length: n }, (_, i) =>
        collect(connections[i % connections.length]!, JOB_EVENTS, { filter: { states: ['RUNNING'] } }),
      );
      await subscribed(t, n);
      expect(t.gateway.live.registry.size).toBe(1);
      const { calls, filters } = await callsOverPolls(3);
      expect(calls).toEqual({ fireworks: { ListBatchJobs: 3 }, runai: {}, gitpod: {} });
      expect(filters.every((f) => typeof f === 'string' && /^update_time >= "[^"]+"$/.test(f))).toBe(true);

      // A job no other case touched (the world keeps every change of this file's gateway).
      const job = generateFireworksData(t.world).batchJobs.filter((j) => j.state === 'CREATING')[
        String(n).length
      ]!;
      await mutate(t, { batchJob: job.name, set: { state: 'RUNNING' } });
      await waitFor(
        () => subs.every((s) => s.results.length === 1),
        10_000,
        'every subscriber to get the event',
      );
      expect(new Set(subs.map((s) => JSON.stringify(s.results)))).toEqual(
        new Set([
          JSON.stringify([
            {
              data: {
                batchJobEvents: {
                  kind: 'ADDED',
                  changedFields: [],
                  node: { name: job.name, state: 'RUNNING', nodePool: { nodePoolId: job.nodePoolId } },
                },
              },
            },
          ]),
        ]),
      );
    },
    60_000,
  );

  it('the last subscriber leaving stops the poller: no timer, no upstream call left', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const client = open();
    const subs = [
      collect(client, JOB_EVENTS),
      collect(client, JOB_EVENTS),
      collect(client, 'subscription { podEvents { kind } }'),
    ];
    await subscribed(t, 3);
    expect(t.gateway.live.registry.size).toBe(2);
    subs[0]!.stop();
    await subscribed(t, 2);
    expect(t.gateway.live.registry.size).toBe(2);
    subs[1]!.stop();
    subs[2]!.stop();
    await waitFor(() => t.gateway.live.registry.size === 0);
    // The lazy client closes its socket with its last subscription: the gateway holds none.
    await waitFor(() => t.gateway.webSocket.connections === 0, 5_000, 'the socket to close');
    t.reset();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(t.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('subscribers with different credentials get different pollers; the key holds no credential', async () => {
    const client = open({ 'x-fireworks-api-key': 'fw-demo-key-4011' });
    const other = open({ 'x-fireworks-api-key': 'fw-someone-else-key' });
    const ok = collect(client, JOB_EVENTS);
    const refused = collect(other, JOB_EVENTS);
    collect(open({ 'x-fireworks-api-key': 'fw-demo-key-4011' }), JOB_EVENTS);
    await waitFor(() => refused.results.length === 1 || refused.ended !== undefined);
    await subscribed(t, 3);
    expect(t.gateway.live.registry.keys().length).toBe(2);
    expect(refused.results[0]?.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(ok.results).toEqual([]);
    for (const key of t.gateway.live.registry.keys()) {
      expect(key).not.toContain('fw-demo-key-4011');
      expect(key).not.toContain('fw-someone-else-key');
    }
  });
});

describe("identical subscriptions share each event's execution", () => {
  it('100 subscribers selecting a relation cost its lookup once per event', async () => {
    const job = generateFireworksData(t.world).batchJobs.filter((j) => j.state === 'CREATING')[9]!;
    const client = open();
    const query = 'subscription { batchJobEvents { kind node { name cluster { name state } } } }';
    const subs = Array.from({ length: 100 }, () => collect(client, query));
    await subscribed(t, 100);
    t.reset();
    await mutate(t, { batchJob: job.name, set: { state: 'QUEUED' } });
    await waitFor(() => subs.every((s) => s.results.length === 1), 10_000);
    const cluster = job.name.slice(0, job.name.indexOf('/batchJobs/'));
    expect(new Set(subs.map((s) => JSON.stringify(s.results)))).toEqual(
      new Set([
        JSON.stringify([
          {
            data: {
              batchJobEvents: {
                kind: 'CHANGED',
                node: { name: job.name, cluster: { name: cluster, state: 'READY' } },
              },
            },
          },
        ]),
      ]),
    );
    const calls = t.calls().fireworks;
    expect(calls.GetCluster).toBe(1);
  });
});

describe('keep-alive and shutdown', () => {
  it('pings an idle WebSocket every SUBSCRIPTION_KEEPALIVE_MS', async () => {
    const gw = await startTestGateway({ SUBSCRIPTION_KEEPALIVE_MS: '1000' });
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(gw.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    try {
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      const started = Date.now();
      await new Promise((resolve) => socket.once('ping', resolve));
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      socket.close();
      await gw.stop();
    }
  });

  it('stopping the gateway completes open subscriptions at once instead of waiting for the drain', async () => {
    const gw = await startTestGateway({ ...POLL, SHUTDOWN_GRACE_MS: '20000' });
    const client = wsClient(gw);
    const sub = collect(client, 'subscription { podEvents { kind } }');
    const sse = await fetch(gw.url.replace(/\/graphql$/, '/graphql/stream'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { warmPoolEvents { kind } }' }),
    });
    await subscribed(gw, 2);
    const started = Date.now();
    await gw.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await readSse(sse, 1)).toEqual([]);
    await waitFor(() => sub.ended !== undefined);
    expect(gw.gateway.live.registry.size).toBe(0);
    await client.dispose();
  });
});

describe('a failing vendor', () => {
  it('sends every subscriber a coded error event and backs off, then carries on', async () => {
    const job = generateFireworksData(t.world).batchJobs.find((j) => j.state === 'CANCELLING')!;
    const sub = collect(open(), JOB_EVENTS);
    await subscribed(t, 1);
    t.faults('fireworks', { ListBatchJobs: { status: 503 } });
    await results(sub, 2);
    const errors = sub.results.slice(0, 2).map((r) => ({
      data: r.data,
      errors: r.errors?.map((e) => ({
        code: e.extensions?.code,
        upstream: e.extensions?.upstream,
        retryInMs: e.extensions?.retryInMs,
        path: e.path,
      })),
    }));
    expect(errors).toEqual([
      {
        data: null,
        errors: [
          { code: 'UPSTREAM_UNAVAILABLE', upstream: 'fireworks', retryInMs: 300, path: ['batchJobEvents'] },
        ],
      },
      {
        data: null,
        errors: [
          { code: 'UPSTREAM_UNAVAILABLE', upstream: 'fireworks', retryInMs: 600, path: ['batchJobEvents'] },
        ],
      },
    ]);
    t.reset();
    await mutate(t, { batchJob: job.name, set: { state: 'CANCELLED' } });
    await waitFor(() => sub.results.some((r) => r.data?.batchJobEvents), 5_000);
    expect(sub.results.at(-1)).toEqual({
      data: {
        batchJobEvents: {
          kind: 'CHANGED',
          changedFields: ['endedAt', 'state', 'status', 'updatedAt'],
          node: { name: job.name, state: 'CANCELLED', nodePool: { nodePoolId: job.nodePoolId } },
        },
      },
    });
    expect(sub.ended).toBeUndefined();
  });
});

describe('what a subscription is refused', () => {
  it('a bad filter: BAD_USER_INPUT, no upstream call', async () => {
    const sub = collect(open(), JOB_EVENTS, { filter: { displayName: 'a*b' } });
    await waitFor(() => sub.ended !== undefined);
    expect(sub.results.map((r) => r.errors?.map((e) => e.extensions?.code))).toEqual([['BAD_USER_INPUT']]);
    expect(t.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
  });

  it('a query over the WebSocket', async () => {
    const sub = collect(open(), '{ clusters { totalCount } }');
    await waitFor(() => sub.ended !== undefined);
    expect(sub.ended).toEqual([
      {
        message: 'This endpoint serves subscriptions; send queries as POST /graphql.',
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
  });

  it('a subscription sent as an HTTP POST', async () => {
    const res = await t.query('subscription { podEvents { kind } }');
    expect(res.errors?.map((e) => ({ message: e.message, code: e.extensions?.code }))).toEqual([
      {
        message:
          'Subscriptions are served over WebSocket at /graphql (graphql-transport-ws) and over Server-Sent Events at /graphql/stream.',
        code: 'BAD_USER_INPUT',
      },
    ]);
    expect(t.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
  });
});

describe('limits and authentication, from outside', () => {
  let limited: TestGateway;
  const mine: Client[] = [];
  beforeAll(async () => {
    limited = await startTestGateway({
      ...POLL,
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
      MAX_SUBSCRIPTIONS_PER_CLIENT: '3',
      MAX_QUERY_DEPTH: '3',
      GATEWAY_API_KEYS: 'live-test-key-0123456789',
      MAX_BODY_BYTES: '2048',
    });
  });
  afterAll(async () => {
    await Promise.all(mine.map((c) => c.dispose()));
    await limited.stop();
  });
  const client = (params: Record<string, string> = { 'x-api-key': 'live-test-key-0123456789' }) => {
    const c = wsClient(limited, params);
    mine.push(c);
    return c;
  };

  it('a connection without the API key is closed with 4403', async () => {
    const sub = collect(client({}), 'subscription { podEvents { kind } }');
    await waitFor(() => sub.ended !== undefined);
    expect((sub.ended as { code: number }).code).toBe(4403);
  });

  it('an SSE request without the API key is 401', async () => {
    const res = await fetch(limited.url.replace(/\/graphql$/, '/graphql/stream'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { podEvents { kind } }' }),
    });
    expect(res.status).toBe(401);
  });

  it('MAX_BODY_BYTES bounds an SSE body (413) and a WebSocket message (closed with 1009)', async () => {
    const huge = JSON.stringify({ query: `subscription { podEvents { kind } } # ${'x'.repeat(4096)}` });
    const res = await fetch(limited.url.replace(/\/graphql$/, '/graphql/stream'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-api-key': 'live-test-key-0123456789',
      },
      body: huge,
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 413,
      body: {
        errors: [
          {
            message: 'Request body exceeds the limit of 2048 bytes (MAX_BODY_BYTES).',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      },
    });
    const sub = collect(client(), `subscription { podEvents { kind } } # ${'x'.repeat(4096)}`);
    await waitFor(() => sub.ended !== undefined);
    expect((sub.ended as { code: number }).code).toBe(1009);
    expect(limited.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
  });

  it('the per-client limit holds over SSE too (400 with the limit named)', async () => {
    const open = () =>
      fetch(limited.url.replace(/\/graphql$/, '/graphql/stream'), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'x-api-key': 'live-test-key-0123456789',
        },
        body: JSON.stringify({ query: 'subscription { warmPoolEvents { kind } }' }),
      });
    const streams = [await open(), await open(), await open()];
    expect(streams.map((r) => r.status)).toEqual([200, 200, 200]);
    const refused = await open();
    expect({ status: refused.status, body: await refused.json() }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message:
              'This client already has 3 active subscriptions, the limit (MAX_SUBSCRIPTIONS_PER_CLIENT); complete one first.',
            extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_SUBSCRIPTIONS_PER_CLIENT', maximum: 3 },
          },
        ],
      },
    });
    await Promise.all(streams.map((r) => r.body?.cancel()));
    await waitFor(() => limited.gateway.live.registry.size === 0, 5_000, 'the SSE subscribers to leave');
  });

  it('per connection, per client and depth limits are enforced', async () => {
    const first = client();
    const a = collect(first, 'subscription { podEvents { kind } }');
    const b = collect(first, 'subscription { podEvents { kind } }');
    const c = collect(first, 'subscription { podEvents { kind } }');
    await waitFor(() => c.ended !== undefined);
    expect(c.ended).toEqual([
      {
        message:
          'This connection already has 2 active subscriptions, the limit (MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one first.',
        extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_SUBSCRIPTIONS_PER_CONNECTION', maximum: 2 },
      },
    ]);
    const second = client();
    const d = collect(second, 'subscription { podEvents { kind } }');
    await waitFor(() => limited.gateway.live.registry.subscribers === 3);
    const e = collect(second, 'subscription { podEvents { kind } }');
    await waitFor(() => e.ended !== undefined);
    expect((e.ended as { extensions: unknown }[])[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limit: 'MAX_SUBSCRIPTIONS_PER_CLIENT',
      maximum: 3,
    });
    const deep = collect(second, 'subscription { podEvents { node { nodePool { cluster { name } } } } }');
    await waitFor(() => deep.ended !== undefined);
    expect((deep.ended as { extensions: unknown }[])[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limit: 'MAX_QUERY_DEPTH',
      maximum: 3,
      actual: 5,
    });
    for (const s of [a, b, d]) s.stop();
    await waitFor(() => limited.gateway.live.registry.size === 0);
  });
});

describe('Apollo Client', () => {
  it('receives events through GraphQLWsLink', async () => {
    const job = generateFireworksData(t.world).batchJobs.find(
      (j) => j.state === 'QUEUED' && j.displayName?.startsWith('llama'),
    )!;
    const apollo = new ApolloClient({ link: new GraphQLWsLink(open()), cache: new InMemoryCache() });
    const received: unknown[] = [];
    const subscription = apollo
      .subscribe({ query: gql(JOB_EVENTS), variables: { filter: { states: ['QUEUED'] } } })
      .subscribe({ next: (result) => received.push(result.data) });
    await subscribed(t, 1);
    await mutate(t, { batchJob: job.name, set: { state: 'PENDING' } });
    await waitFor(() => received.length === 1, 5_000);
    expect(received).toEqual([
      {
        batchJobEvents: {
          __typename: 'BatchJobEvent',
          kind: 'REMOVED',
          changedFields: ['state', 'status', 'updatedAt'],
          node: {
            __typename: 'BatchJob',
            name: job.name,
            state: 'PENDING',
            nodePool: { __typename: 'NodePool', nodePoolId: job.nodePoolId },
          },
        },
      },
    ]);
    subscription.unsubscribe();
    apollo.stop();
  });
});
