/**
 * The supergraph example end to end: Fleetgraph (over its simulators) and the `teams` subgraph,
 * composed with @theguild/federation-composition and served by a real Hive Gateway process, all
 * on ephemeral loopback ports. The two queries of the example answer whole, every request each
 * subgraph received is stated (one `_entities` request per hop), and so are the vendor calls.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeExample } from '../../examples/supergraph/compose.js';
import { startHiveGateway, type HiveGateway } from '../../examples/supergraph/hive.js';
import { TEAMS, startTeamsSubgraph, type TeamsSubgraph } from '../../examples/supergraph/teams.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { MAPPING_ONLY, NO_CALLS, groundTruth, type Fleet } from '../helpers/ground-truth.js';

const SECRET = 'subgraph-secret-for-the-test-0123';

/** A pass-through proxy in front of Fleetgraph that records every GraphQL body it forwards. */
interface RecordingProxy {
  url: string;
  bodies: { query: string; variables?: { representations?: unknown[] } }[];
  headers: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

async function recordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const bodies: RecordingProxy['bodies'] = [];
  const headers: RecordingProxy['headers'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(JSON.parse(body.toString('utf8')) as RecordingProxy['bodies'][number]);
      headers.push(req.headers);
      const upstream = httpRequest(
        { host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${to.pathname}`,
    bodies,
    headers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A free loopback port for Hive Gateway (its CLI takes a port number, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let gw: TestGateway;
let fleet: Fleet;
let teams: TeamsSubgraph;
let proxy: RecordingProxy;
let hive: HiveGateway;

beforeAll(async () => {
  gw = await startTestGateway({ SUBGRAPH_SECRET: SECRET, ...MAPPING_ONLY });
  fleet = groundTruth(gw.world);
  teams = await startTeamsSubgraph(0);
  proxy = await recordingProxy(gw.url.replace(/\/graphql$/, '/subgraph'));
  const supergraph = join(mkdtempSync(join(tmpdir(), 'fleetgraph-supergraph-')), 'supergraph.graphql');
  writeFileSync(supergraph, composeExample({ fleetgraph: proxy.url, teams: teams.url }));
  hive = await startHiveGateway({ supergraph, port: await freePort(), env: { SUBGRAPH_SECRET: SECRET } });
}, 60_000);
afterAll(async () => {
  await hive?.stop();
  await proxy?.close();
  await teams?.stop();
  await gw?.stop();
});
beforeEach(() => {
  gw.reset();
  proxy.bodies.length = 0;
  proxy.headers.length = 0;
  teams.requests.length = 0;
});

async function supergraphQuery(query: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(hive.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

const poolByName = () => new Map(fleet.nodePools.map((p) => [p.name, p]));

describe('through Hive Gateway', () => {
  it('answers teams with their node pools: one _entities request to Fleetgraph, one ListNodePools', async () => {
    const res = await supergraphQuery(
      '{ teams { name nodePools { name state batchJobs(first: 2) { totalCount } } } }',
    );
    const pools = poolByName();
    expect(res).toEqual({
      status: 200,
      body: {
        data: {
          teams: Object.entries(TEAMS).map(([name, names]) => ({
            name,
            nodePools: names.map((n) => ({
              name: n,
              state: pools.get(n)?.state,
              batchJobs: { totalCount: fleet.batchJobsOf(n).length },
            })),
          })),
        },
      },
    });
    // teams answered the root field; Fleetgraph got every node pool in one _entities request.
    expect(teams.requests.map((r) => r.query.includes('_entities'))).toEqual([false]);
    expect(proxy.bodies).toHaveLength(1);
    expect(proxy.bodies[0]?.query).toContain('_entities(representations:');
    expect(proxy.bodies[0]?.variables?.representations).toEqual(
      Object.values(TEAMS)
        .flat()
        .map((name) => ({ __typename: 'NodePool', name })),
    );
    expect(proxy.headers[0]?.['x-fleetgraph-subgraph-secret']).toBe(SECRET);
    // All 17 node pools from one OR-filtered ListNodePools; one ListBatchJobs (its totalSize) per pool.
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListNodePools: 1, ListBatchJobs: 17 } });
  });

  it('answers node pools with their owners: one root request to Fleetgraph, one _entities request to teams', async () => {
    const res = await supergraphQuery('{ nodePools(first: 10) { nodes { name owner { name } } } }');
    const ownerOf = new Map(Object.entries(TEAMS).flatMap(([team, names]) => names.map((n) => [n, team])));
    expect(res).toEqual({
      status: 200,
      body: {
        data: {
          nodePools: {
            nodes: fleet.nodePools
              .slice(0, 10)
              .map((p) => ({ name: p.name, owner: { name: ownerOf.get(p.name) } })),
          },
        },
      },
    });
    expect(proxy.bodies).toHaveLength(1);
    expect(proxy.bodies[0]?.query).not.toContain('_entities');
    expect(teams.requests).toHaveLength(1);
    expect(teams.requests[0]?.query).toContain('_entities(representations:');
    expect(teams.requests[0]?.variables?.representations).toEqual(
      fleet.nodePools.slice(0, 10).map((p) => ({ __typename: 'NodePool', name: p.name })),
    );
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListNodePools: 1 } });
  });

  it('a failing vendor nulls only its own fields, with its coded errors passed through', async () => {
    gw.faults('fireworks', { ListBatchJobs: { status: 503 } });
    const res = await supergraphQuery(
      '{ teams { name nodePools { name state batchJobs(first: 2) { totalCount } } } }',
    );
    const pools = poolByName();
    const body = res.body as {
      data: unknown;
      errors: { path: unknown[]; extensions: Record<string, unknown> }[];
    };
    expect(res.status).toBe(200);
    expect(body.data).toEqual({
      teams: Object.entries(TEAMS).map(([name, names]) => ({
        name,
        nodePools: names.map((n) => ({ name: n, state: pools.get(n)?.state, batchJobs: null })),
      })),
    });
    // Fleetgraph puts each error on its own `_entities` path (subgraph.test.ts); Hive Gateway 2.15
    // reports all of them at one path, without the indexes of the entity batch.
    expect(body.errors.map((e) => [e.path, e.extensions.code, e.extensions.upstream])).toEqual(
      Array.from({ length: 17 }, () => [
        ['teams', 0, 'nodePools', 'batchJobs'],
        'UPSTREAM_UNAVAILABLE',
        'fireworks',
      ]),
    );
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListNodePools: 1, ListBatchJobs: 17 } });
  });

  it('the subgraph refuses a caller without the shared secret, before any upstream call', async () => {
    const res = await fetch(gw.url.replace(/\/graphql$/, '/subgraph'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ nodePools(first: 1) { totalCount } }' }),
    });
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(JSON.parse(text)).toEqual({
      errors: [
        {
          message:
            'This subgraph answers only its federation gateway: send the shared secret (SUBGRAPH_SECRET) in x-fleetgraph-subgraph-secret.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    expect(text).not.toContain(SECRET);
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});
