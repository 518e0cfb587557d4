/**
 * Answers the simulators cannot give: Fireworks is pointed at a rogue HTTP server that answers
 * ListClusters with an empty 200, JSON of the wrong kind or shape, a body cut off mid-way (the
 * connection reset, or stalled), or an HTML error page. Each becomes an error of the closed set on
 * the field, never a crash: a malformed answer is UPSTREAM_ERROR after one call (retrying would
 * get the same), a body cut off by a reset is a failed connection (retried, then
 * UPSTREAM_UNAVAILABLE), a stalled body is UPSTREAM_TIMEOUT. The next good answer is served.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, loc } from '../helpers/ground-truth.js';
import { SMALL_BUDGETS, timed } from '../helpers/resilience.js';

type Answer = (res: ServerResponse) => void;

const json =
  (status: number, body: string): Answer =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

let rogue: Server;
let answer: Answer = json(200, '{}');
let received: string[] = [];
let gw: TestGateway;

beforeAll(async () => {
  rogue = createServer((req: IncomingMessage, res: ServerResponse) => {
    received.push(`${req.method} ${new URL(req.url ?? '/', 'http://rogue').pathname}`);
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
  const { port } = rogue.address() as AddressInfo;
  gw = await startTestGateway({
    ...SMALL_BUDGETS,
    FIREWORKS_BASE_URL: `http://127.0.0.1:${port}`,
    FIREWORKS_API_KEY: 'fw-rogue-test-key-0001',
    FIREWORKS_ACCOUNT_ID: 'rogue',
  });
});
afterAll(async () => {
  await gw.stop();
  rogue.closeAllConnections();
  await new Promise((resolve) => rogue.close(resolve));
});
beforeEach(() => {
  received = [];
});

const QUERY = '{ clusters(first: 2) { nodes { name } } }';
const LIST_CLUSTERS = 'GET /v1/accounts/rogue/clusters';
const GOOD = json(200, '{"clusters": [{"name": "accounts/rogue/clusters/c1"}], "totalSize": 1}');

function fieldError(message: string, code: string, extra: Record<string, unknown> = {}) {
  return {
    status: 200,
    data: { clusters: null },
    errors: [
      {
        message,
        locations: [loc(QUERY, 'clusters')],
        path: ['clusters'],
        extensions: { code, upstream: 'fireworks', ...extra },
      },
    ],
  };
}

describe('a 2xx answer that is not what ListClusters answers → UPSTREAM_ERROR after one call', () => {
  it.each([
    ['an empty body', json(200, ''), 'Fireworks answered an empty body.'],
    [
      'a body cut short but complete on the wire',
      json(200, '{"clusters": [{"na'),
      'Fireworks answered a body that is not valid JSON.',
    ],
    ['HTML', json(200, '<html>maintenance</html>'), 'Fireworks answered a body that is not valid JSON.'],
    ['null', json(200, 'null'), 'Fireworks answered JSON that is not an object.'],
    ['an array', json(200, '[]'), 'Fireworks answered JSON that is not an object.'],
    ['a string', json(200, '"ok"'), 'Fireworks answered JSON that is not an object.'],
    [
      'a list of the wrong type',
      json(200, '{"clusters": 5}'),
      'Fireworks answered a list in an unexpected shape.',
    ],
    [
      'a cluster without a name',
      json(200, '{"clusters": [{"state": "READY"}]}'),
      'Fireworks answered a resource without a name.',
    ],
  ])('%s', async (_what, bad, message) => {
    answer = bad;
    expect(await gql(gw, QUERY)).toEqual(fieldError(message, 'UPSTREAM_ERROR'));
    expect(received).toEqual([LIST_CLUSTERS]);

    answer = GOOD;
    expect(await gql(gw, QUERY)).toEqual({
      status: 200,
      data: { clusters: { nodes: [{ name: 'accounts/rogue/clusters/c1' }] } },
    });
  });
});

describe('a body that never arrives whole', () => {
  it.each([
    ['with a content-length', { 'content-length': '4096' }],
    ['chunked', {}],
  ])(
    'reset mid-body (%s): a failed connection, retried, then UPSTREAM_UNAVAILABLE',
    async (_what, headers) => {
      answer = (res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.write('{"clusters": [{"name": "accounts/rogue/clu');
        setTimeout(() => res.socket?.destroy(), 20);
      };
      expect(await gql(gw, QUERY)).toEqual(
        fieldError('Fireworks could not be reached (connection failed).', 'UPSTREAM_UNAVAILABLE'),
      );
      expect(received).toEqual([LIST_CLUSTERS, LIST_CLUSTERS, LIST_CLUSTERS]);
    },
  );

  it('stalled mid-body: UPSTREAM_TIMEOUT at the body timeout, after one call', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write('{"clusters": [');
    };
    const [res, ms] = await timed(() => gql(gw, QUERY));
    expect(res).toEqual(fieldError('Fireworks did not answer within the time budget.', 'UPSTREAM_TIMEOUT'));
    expect(received).toEqual([LIST_CLUSTERS]);
    expect(ms).toBeGreaterThanOrEqual(Number(SMALL_BUDGETS.UPSTREAM_BODY_TIMEOUT_MS) - 5);
    expect(ms).toBeLessThan(Number(SMALL_BUDGETS.REQUEST_DEADLINE_MS) + 1_000);
  });
});

describe('an error status with a body that is not the vendor error format', () => {
  it('503 with an HTML page: mapped by its status, retried, UPSTREAM_UNAVAILABLE', async () => {
    answer = (res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body>Service Unavailable</body></html>');
    };
    expect(await gql(gw, QUERY)).toEqual(
      fieldError('Fireworks answered HTTP 503 (UPSTREAM_UNAVAILABLE).', 'UPSTREAM_UNAVAILABLE', {
        upstreamStatus: 503,
      }),
    );
    expect(received).toEqual([LIST_CLUSTERS, LIST_CLUSTERS, LIST_CLUSTERS]);
  });
});
