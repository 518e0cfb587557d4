/**
 * Timestamps the simulators never send: Fireworks is pointed at a rogue server answering
 * ListClusters with protojson's nanoseconds, an offset, lower-case letters and text that is not
 * RFC 3339. Every instant comes back as UTC with milliseconds, truncated; a value that is not an
 * instant (or falls outside the years 0000–9999 in UTC) fails only its own field with
 * UPSTREAM_ERROR; and an instant the graph returned, fed back as an inclusive bound, still selects
 * a vendor value with finer digits (checked here at the nanosecond, as a vendor that keeps them
 * compares).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, loc } from '../helpers/ground-truth.js';

let rogue: Server;
let clusters: { name: string; createTime: string }[] = [];
let received: URLSearchParams[] = [];
let gw: TestGateway;

beforeAll(async () => {
  rogue = createServer((req, res) => {
    received.push(new URL(req.url ?? '/', 'http://rogue').searchParams);
    const body = JSON.stringify({ clusters, totalSize: clusters.length });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
  const { port } = rogue.address() as AddressInfo;
  gw = await startTestGateway({
    FIREWORKS_BASE_URL: `http://127.0.0.1:${port}`,
    FIREWORKS_API_KEY: 'fw-rogue-test-key-0002',
    FIREWORKS_ACCOUNT_ID: 'rogue',
  });
});
afterAll(async () => {
  await gw.stop();
  await new Promise((resolve) => rogue.close(resolve));
});
beforeEach(() => {
  received = [];
});

const cluster = (id: string, createTime: string) => ({ name: `accounts/rogue/clusters/${id}`, createTime });

/** Nanoseconds since the epoch of an RFC 3339 text, exactly (BigInt), as a nanosecond vendor compares. */
function nanos(text: string): bigint {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!m) throw new Error(`not RFC 3339: ${text}`);
  const seconds = BigInt(Date.parse(`${m[1]}${m[3]!.toUpperCase()}`)) / 1000n;
  return seconds * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

describe('vendor timestamps in any RFC 3339 form', () => {
  it('come back as UTC with three fraction digits, finer digits truncated', async () => {
    clusters = [
      cluster('whole', '2026-01-02T03:04:05Z'),
      cluster('nanos', '2026-01-02T03:04:05.123456789Z'),
      cluster('offset', '2026-01-02T05:04:05.5+02:00'),
      cluster('lower', '2026-01-02t03:04:05.999999z'),
    ];
    expect(await gql(gw, '{ clusters(first: 10) { nodes { clusterId createdAt } } }')).toEqual({
      status: 200,
      data: {
        clusters: {
          nodes: [
            { clusterId: 'whole', createdAt: '2026-01-02T03:04:05.000Z' },
            { clusterId: 'nanos', createdAt: '2026-01-02T03:04:05.123Z' },
            { clusterId: 'offset', createdAt: '2026-01-02T03:04:05.500Z' },
            { clusterId: 'lower', createdAt: '2026-01-02T03:04:05.999Z' },
          ],
        },
      },
    });
  });

  it('a value that is not an instant fails only its own field, with UPSTREAM_ERROR', async () => {
    clusters = [
      cluster('good', '2026-01-02T03:04:05Z'),
      cluster('words', 'yesterday'),
      cluster('feb30', '2026-02-30T00:00:00Z'),
      cluster('year10000', '9999-12-31T23:59:59-01:00'),
      cluster('yearminus1', '0000-01-01T00:00:00+01:00'),
      cluster('leap', '2016-12-31T23:59:60Z'),
      cluster('eleven', '2026-01-02T03:04:05.12345678912Z'),
    ];
    const query = '{ clusters(first: 10) { nodes { clusterId createdAt } } }';
    const error = (index: number) => ({
      message:
        'The vendor sent a timestamp that is not an RFC 3339 instant within the years 0000–9999; this field ' +
        'cannot be answered. The rest of the response is unaffected.',
      locations: [loc(query, 'createdAt')],
      path: ['clusters', 'nodes', index, 'createdAt'],
      extensions: { code: 'UPSTREAM_ERROR' },
    });
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        clusters: {
          nodes: [
            { clusterId: 'good', createdAt: '2026-01-02T03:04:05.000Z' },
            { clusterId: 'words', createdAt: null },
            { clusterId: 'feb30', createdAt: null },
            { clusterId: 'year10000', createdAt: null },
            { clusterId: 'yearminus1', createdAt: null },
            { clusterId: 'leap', createdAt: null },
            { clusterId: 'eleven', createdAt: '2026-01-02T03:04:05.123Z' },
          ],
        },
      },
      errors: [error(1), error(2), error(3), error(4), error(5)],
    });
  });
});

describe('an output fed back as a bound selects a vendor value with finer digits', () => {
  const vendorValue = '2026-01-02T03:04:05.123456789Z';

  it.each([
    ['createdBefore', 'create_time <= "2026-01-02T03:04:05.123999999Z"'],
    ['createdAfter', 'create_time >= "2026-01-02T03:04:05.123Z"'],
  ])('%s', async (bound, expectedFilter) => {
    clusters = [cluster('nanos', vendorValue)];
    const out = await gql(gw, '{ clusters(first: 1) { nodes { createdAt } } }');
    const t = (out.data as { clusters: { nodes: { createdAt: string }[] } }).clusters.nodes[0]!.createdAt;
    expect(t).toBe('2026-01-02T03:04:05.123Z');
    received = [];
    await gql(
      gw,
      `query($t: DateTime) { clusters(first: 1, filter: { ${bound}: $t }) { nodes { clusterId } } }`,
      {
        t,
      },
    );
    expect(received.map((q) => q.get('filter'))).toEqual([expectedFilter]);
    // The comparison a nanosecond vendor makes: the vendor value satisfies the bound sent.
    const [, op, literal] = /^create_time (<=|>=) "(.*)"$/.exec(expectedFilter)!;
    const [value, sent] = [nanos(vendorValue), nanos(literal!)];
    expect(op === '<=' ? value <= sent : value >= sent).toBe(true);
  });

  it('TimeMatch.equals on the output is its millisecond, which holds the vendor value', async () => {
    clusters = [cluster('nanos', vendorValue)];
    await gql(
      gw,
      '{ clusters(first: 1, filter: { updatedAt: { equals: "2026-01-02T03:04:05.123Z" } }) { nodes { clusterId } } }',
    );
    const filter = received.map((q) => q.get('filter'));
    expect(filter).toEqual([
      '(update_time >= "2026-01-02T03:04:05.123Z") AND (update_time <= "2026-01-02T03:04:05.123999999Z")',
    ]);
    const value = nanos(vendorValue);
    expect(
      value >= nanos('2026-01-02T03:04:05.123Z') && value <= nanos('2026-01-02T03:04:05.123999999Z'),
    ).toBe(true);
  });
});
