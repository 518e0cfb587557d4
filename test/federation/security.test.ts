/**
 * The subgraph endpoint under the gateway's rules: API keys, the shared secret, production (no
 * endpoint without a secret, no introspection, `_service` still served), and the query limits,
 * which count `_entities` per reference like any other lookup. Every refusal is made before any
 * upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';
import { NO_CALLS, globalId, groundTruth } from '../helpers/ground-truth.js';

const SECRET = 'shared-subgraph-secret-0123456789';
const API_KEY = 'client-api-key-0123456789abcdef';

async function post(
  gw: TestGateway,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse & { text: string }> {
  const res = await fetch(gw.url.replace(/\/graphql$/, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, ...(JSON.parse(text) as object) };
}

const SERVICE = { query: '{ _service { sdl } }' };

describe('API keys (GATEWAY_API_KEYS) and the shared secret (SUBGRAPH_SECRET)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ GATEWAY_API_KEYS: API_KEY, SUBGRAPH_SECRET: SECRET });
  });
  afterAll(() => gw.stop());

  it('refuses /subgraph without an API key, even with the secret', async () => {
    const res = await post(gw, '/subgraph', SERVICE, { 'x-fleetgraph-subgraph-secret': SECRET });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  for (const [what, secret] of [
    ['without the secret', undefined],
    ['with a wrong secret', 'shared-subgraph-secret-0123456780'],
    ['with a prefix of the secret', SECRET.slice(0, -1)],
  ] as const) {
    it(`refuses /subgraph ${what}, naming the header, never echoing the secret`, async () => {
      gw.reset();
      const res = await post(
        gw,
        '/subgraph',
        { query: '{ nodePools(first: 1) { totalCount } }' },
        { 'x-api-key': API_KEY, ...(secret ? { 'x-fleetgraph-subgraph-secret': secret } : {}) },
      );
      expect(res.status).toBe(401);
      expect(res.errors).toEqual([
        {
          message:
            'This subgraph answers only its federation gateway: send the shared secret (SUBGRAPH_SECRET) in x-fleetgraph-subgraph-secret.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ]);
      expect(res.text).not.toContain(SECRET);
      expect(gw.calls()).toEqual(NO_CALLS);
    });
  }

  it('answers with both, and /graphql does not ask for the secret', async () => {
    const sub = await post(gw, '/subgraph', SERVICE, {
      'x-api-key': API_KEY,
      'x-fleetgraph-subgraph-secret': SECRET,
    });
    expect(sub.status).toBe(200);
    expect(sub.data).toEqual({ _service: { sdl: expect.stringContaining('type NodePool') } });
    const standalone = await post(gw, '/graphql', { query: '{ __typename }' }, { 'x-api-key': API_KEY });
    expect(standalone.data).toEqual({ __typename: 'Query' });
  });

  it('keeps the federation fields off /graphql', async () => {
    const res = await post(gw, '/graphql', SERVICE, { 'x-api-key': API_KEY });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toBe('Cannot query field "_service" on type "Query".');
  });
});

describe('production', () => {
  let closed: TestGateway;
  let open: TestGateway;
  beforeAll(async () => {
    closed = await startTestGateway({ NODE_ENV: 'production', DEMO: 'true' });
    open = await startTestGateway({ NODE_ENV: 'production', DEMO: 'true', SUBGRAPH_SECRET: SECRET });
  });
  afterAll(async () => {
    await closed.stop();
    await open.stop();
  });

  it('does not serve /subgraph without SUBGRAPH_SECRET', async () => {
    const res = await post(closed, '/subgraph', SERVICE);
    expect(res.status).toBe(404);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('serves _service to the secret holder, with introspection off as on /graphql', async () => {
    const headers = { 'x-fleetgraph-subgraph-secret': SECRET };
    const sdl = await post(open, '/subgraph', SERVICE, headers);
    expect(sdl.status).toBe(200);
    expect(sdl.data).toEqual({ _service: { sdl: expect.stringContaining('@key(fields: "id")') } });
    const introspection = await post(
      open,
      '/subgraph',
      { query: '{ __schema { types { name } } }' },
      headers,
    );
    expect(introspection.status).toBe(400);
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('query limits count _entities per reference', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ MAX_UPSTREAM_CALLS: '10', MAX_QUERY_NODES: '1000' });
  });
  afterAll(() => gw.stop());

  it('refuses references whose nested connections exceed MAX_QUERY_NODES, before any call', async () => {
    gw.reset();
    const fleet = groundTruth(gw.world);
    const res = await post(gw, '/subgraph', {
      query:
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on NodePool { batchJobs(first: 100) { totalCount } } } }',
      variables: { r: fleet.nodePools.map((p) => ({ __typename: 'NodePool', name: p.name })) },
    });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limit: 'MAX_QUERY_NODES',
      maximum: 1000,
      actual: 1700,
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('refuses references whose lookups exceed MAX_UPSTREAM_CALLS, before any call', async () => {
    gw.reset();
    const fleet = groundTruth(gw.world);
    // 3 pods of 3 different workloads: two walks each at most (live, then deleted) of at most
    // 2 calls (1000 pods), 12 > 10.
    const byWorkload = new Map(fleet.pods.map((p) => [p.workloadId, p]));
    const pods = [...byWorkload.values()].slice(0, 3);
    expect(pods).toHaveLength(3);
    const res = await post(gw, '/subgraph', {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Pod { podId } } }',
      variables: {
        r: pods.map((p) => ({ __typename: 'Pod', id: globalId('Pod', `${p.workloadId}/${p.id}`) })),
      },
    });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limit: 'MAX_UPSTREAM_CALLS',
      maximum: 10,
      actual: 12,
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('SUBGRAPH_SECRET', () => {
  it('must be 16+ printable characters: a bad value stops the start, naming the variable', () => {
    expect(() => loadConfig({ SUBGRAPH_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUBGRAPH_SECRET: 'has a space in it, long enough' })).toThrow(
      /SUBGRAPH_SECRET/,
    );
    expect(loadConfig({ SUBGRAPH_SECRET: SECRET }).federation).toEqual({ subgraph: true, secret: SECRET });
    expect(loadConfig({ NODE_ENV: 'production', DEMO: 'true' }).federation).toEqual({
      subgraph: false,
      secret: undefined,
    });
  });
});
