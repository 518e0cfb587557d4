/**
 * Operations: client authentication, request ids and redacted JSON logs, production mode, the
 * GraphQL-over-HTTP basics Apollo's CSRF prevention relies on, CORS for browser apps, and graceful
 * shutdown.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { startGateway, type Gateway } from '../../src/server.js';
import { LOOPBACK_ENV } from '../helpers/gateway.js';

const BASE_ENV = { ...LOOPBACK_ENV, LOG_LEVEL: 'info' };

/** Starts a gateway whose JSON log lines are collected in `lines`. */
async function start(
  env: Record<string, string> = {},
): Promise<{ gateway: Gateway; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ ...BASE_ENV, ...env });
  const gateway = await startGateway(config, createLogger(config, sink));
  return { gateway, lines };
}

function totalCalls(gateway: Gateway): number {
  const sims = gateway.simulators?.servers;
  if (!sims) throw new Error('expected simulators');
  return Object.values(sims).reduce(
    (sum, sim) => sum + Object.values(sim.stats().operations).reduce((a, b) => a + b, 0),
    0,
  );
}

/** The smallest real query: one Fireworks call. */
const CLUSTER_COUNT = '{ clusters(first: 1) { totalCount } }';
const QUERY = JSON.stringify({ query: CLUSTER_COUNT });
/** The answer to QUERY (and to its GET form), with the cost report every response carries. */
const ANSWER = {
  data: { clusters: { totalCount: 4 } },
  extensions: {
    cost: {
      requestedNodes: 1,
      estimatedUpstreamCalls: 1,
      actualUpstreamCalls: 1,
      limits: { maxNodes: 50000, maxUpstreamCalls: 1000 },
    },
  },
};
const KEY = 'fleetgraph-client-key-0123456789';

describe('client authentication (GATEWAY_API_KEYS)', () => {
  let gw: { gateway: Gateway; lines: Record<string, unknown>[] };
  beforeAll(async () => (gw = await start({ GATEWAY_API_KEYS: `${KEY},another-client-key-abcdefgh` })));
  afterAll(() => gw.gateway.stop());
  beforeEach(() => Object.values(gw.gateway.simulators!.servers).forEach((s) => s.reset()));

  it.each([
    ['no credential', {}],
    ['a wrong bearer key', { authorization: 'Bearer not-the-key-000000000000' }],
    ['a wrong x-api-key', { 'x-api-key': 'not-the-key-000000000000' }],
  ])('answers 401 with UNAUTHENTICATED and makes no upstream call for %s', async (_name, headers) => {
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: QUERY,
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="fleetgraph"');
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'This gateway requires an API key: send Authorization: Bearer <key> or x-api-key.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    expect(totalCalls(gw.gateway)).toBe(0);
  });

  it.each([
    ['a bearer key', { authorization: `Bearer ${KEY}` }],
    ['an x-api-key', { 'x-api-key': 'another-client-key-abcdefgh' }],
  ])('serves a caller presenting %s', async (_name, headers) => {
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: QUERY,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ANSWER);
  });

  it('never writes a client key or a vendor credential into a log line', () => {
    const text = JSON.stringify(gw.lines);
    for (const secret of [
      KEY,
      'another-client-key-abcdefgh',
      'fw-demo-key-4011',
      'runai-demo-token-4012',
      'gitpod-demo-key-4013',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('request ids and request logs', () => {
  let gw: { gateway: Gateway; lines: Record<string, unknown>[] };
  beforeAll(async () => (gw = await start()));
  afterAll(() => gw.gateway.stop());

  it('echoes a sane x-request-id and logs one line per request with the upstream calls made', async () => {
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'dash-42',
        'x-fireworks-api-key': 'fw-demo-key-4011',
      },
      body: QUERY,
    });
    expect(res.headers.get('x-request-id')).toBe('dash-42');
    await res.json();
    await new Promise((r) => setTimeout(r, 20));
    const line = gw.lines.find((l) => l.reqId === 'dash-42');
    expect(line).toMatchObject({
      level: 30,
      msg: 'graphql request',
      method: 'POST',
      status: 200,
      upstreamCalls: { fireworks: 1, runai: 0, gitpod: 0 },
    });
    expect(JSON.stringify(gw.lines)).not.toContain('fw-demo-key-4011');
  });

  it('replaces an unsafe request id with a fresh UUID', async () => {
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces' },
      body: QUERY,
    });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GraphQL over HTTP with CSRF prevention', () => {
  let gw: { gateway: Gateway; lines: Record<string, unknown>[] };
  beforeAll(async () => (gw = await start()));
  afterAll(() => gw.gateway.stop());

  it('answers a GET query that carries a preflight header', async () => {
    const url = `${gw.gateway.url}?query=${encodeURIComponent(CLUSTER_COUNT)}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ANSWER);
  });

  it('refuses a simple (non-preflighted) GET as a possible CSRF, before any upstream call', async () => {
    gw.gateway.simulators!.servers.fireworks.reset();
    const url = `${gw.gateway.url}?query=${encodeURIComponent(CLUSTER_COUNT)}`;
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect(totalCalls(gw.gateway)).toBe(0);
  });

  it('answers 400 with application/graphql-response+json for a syntax error when that type is accepted', async () => {
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ clusters(first: 1) { ' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/graphql-response+json');
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers a CORS preflight from another origin with the headers browser clients send', async () => {
    const res = await fetch(gw.gateway.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://studio.apollographql.com', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-fireworks-api-key');
  });

  it('refuses a body over the limit with 413 and no upstream call', async () => {
    gw.gateway.simulators!.servers.fireworks.reset();
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ clusters(first: 1) { totalCount } }${' '.repeat(300 * 1024)}` }),
    });
    expect(res.status).toBe(413);
    expect(totalCalls(gw.gateway)).toBe(0);
  });
});

describe('CORS for browser apps', () => {
  let gw: { gateway: Gateway; lines: Record<string, unknown>[] };
  beforeAll(async () => (gw = await start()));
  afterAll(() => gw.gateway.stop());

  it('lets a page read the request id and send an API key', async () => {
    const preflight = await fetch(gw.gateway.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-request-id');
    const res = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { origin: 'https://dash.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });
});

const PRODUCTION_CURSOR_SECRET = 'operations-test-cursor-secret-0123456789';

describe('production mode', () => {
  let gw: { gateway: Gateway; lines: Record<string, unknown>[] };
  beforeAll(
    async () =>
      (gw = await start({
        NODE_ENV: 'production',
        DEMO: 'true',
        SHUTDOWN_NOTICE_MS: '0',
        CURSOR_SECRET: PRODUCTION_CURSOR_SECRET,
      })),
  );
  afterAll(() => gw.gateway.stop());

  it('refuses introspection by default and gives no "Did you mean" suggestions', async () => {
    const post = (query: string) =>
      fetch(gw.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      }).then(
        (r) => r.json() as Promise<{ errors?: { message: string; extensions?: Record<string, unknown> }[] }>,
      );
    const introspection = await post('{ __schema { types { name } } }');
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(introspection.errors?.[0]?.message).toBe(
      'Introspection is off on this gateway (production default); set INTROSPECTION=true to enable it.',
    );
    const typo = await post('{ clustrs(first: 1) { totalCount } }');
    expect(typo.errors?.[0]?.message).toBe('Cannot query field "clustrs" on type "Query".');
    expect(JSON.stringify(typo)).not.toContain('stacktrace');
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request, refuses new ones, and stops', async () => {
    const { gateway } = await start();
    gateway.simulators!.servers.fireworks.addFaults({ ListClusters: { latencyMs: 400 } });
    const inFlight = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: QUERY,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    // Stop once the request is in flight (its upstream call has reached the simulator), not after
    // a fixed wait that a loaded machine can outrun.
    const fireworks = gateway.simulators!.servers.fireworks;
    while (!fireworks.stats().operations.ListClusters) await new Promise((r) => setTimeout(r, 10));
    const stopped = gateway.stop();
    const refused = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: QUERY,
    }).then(
      (r) => r.status,
      () => 'connection refused',
    );
    expect(['connection refused', 503]).toContain(refused);
    expect(await inFlight).toEqual({ status: 200, body: ANSWER });
    await stopped;
  });
});
