/**
 * The fault matrix: every fault the simulators inject × every vendor, once on the vendor's root
 * list alone and once in a query mixing all three vendors. Each case states the whole response
 * (the error's code, upstream and message on its path, and the data that still arrives), the
 * upstream calls made including retries, a generous bound on the response time, and that the next
 * query with the fault gone is answered in full (the process stays up, nothing is left stuck).
 *
 * Budgets (SMALL_BUDGETS): a 1.5 s request deadline, a 400 ms headers timeout, 3 attempts with
 * backoff from 5 ms capped at 50 ms. The breaker is out of the way here (breaker.test.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulators/harness.js';
import { shareGateway, startTestGateway, type TestGateway, type VendorName } from '../helpers/gateway.js';
import { gql, loc, NO_CALLS, type Fleet } from '../helpers/ground-truth.js';
import {
  mixedQuery,
  rootData,
  ROOTS,
  SMALL_BUDGETS,
  timed,
  VENDOR_NAME,
  VENDORS,
} from '../helpers/resilience.js';

/** What one fault does to the call that meets it. */
interface Expectation {
  fault: Fault;
  /** Upstream requests the one gateway call makes, retries included. */
  calls: number;
  /** The error on the field, or none when the fault is absorbed. */
  error?: (vendor: VendorName) => { message: string; extensions: Record<string, unknown> };
  /** The response cannot come sooner than this (the fault's own delay). */
  atLeastMs?: number;
}

const answered =
  (status: number, code: string, extra: Record<string, unknown> = {}) =>
  (vendor: VendorName) => ({
    message: `${VENDOR_NAME[vendor]} answered HTTP ${status} (${code}).`,
    extensions: { code, upstream: vendor, upstreamStatus: status, ...extra },
  });
const failed = (code: string, what: string) => (vendor: VendorName) => ({
  message: `${VENDOR_NAME[vendor]} ${what}`,
  extensions: { code, upstream: vendor },
});

const FAULTS: [string, Expectation][] = [
  ['latency 100 ms (within budget)', { fault: { latencyMs: 100 }, calls: 1, atLeastMs: 100 }],
  [
    '429 with Retry-After: 0 (honoured, retried)',
    {
      fault: { status: 429, retryAfter: 0 },
      calls: 3,
      error: answered(429, 'RATE_LIMITED', { retryAfter: 0 }),
    },
  ],
  [
    '429 with Retry-After: 1 (over the 50 ms cap: not retried)',
    {
      fault: { status: 429, retryAfter: 1 },
      calls: 1,
      error: answered(429, 'RATE_LIMITED', { retryAfter: 1 }),
    },
  ],
  [
    '429 without Retry-After (backoff)',
    { fault: { status: 429 }, calls: 3, error: answered(429, 'RATE_LIMITED') },
  ],
  ['500 (not retried)', { fault: { status: 500 }, calls: 1, error: answered(500, 'UPSTREAM_ERROR') }],
  ['502', { fault: { status: 502 }, calls: 3, error: answered(502, 'UPSTREAM_UNAVAILABLE') }],
  ['503', { fault: { status: 503 }, calls: 3, error: answered(503, 'UPSTREAM_UNAVAILABLE') }],
  ['504', { fault: { status: 504 }, calls: 3, error: answered(504, 'UPSTREAM_TIMEOUT') }],
  [
    'hang (headers timeout, not retried)',
    {
      fault: { hang: true },
      calls: 1,
      error: failed('UPSTREAM_TIMEOUT', 'did not answer within the time budget.'),
      atLeastMs: 400,
    },
  ],
  [
    'malformed body (not retried)',
    {
      fault: { malformed: true },
      calls: 1,
      error: failed('UPSTREAM_ERROR', 'answered a body that is not valid JSON.'),
    },
  ],
  [
    'connection reset',
    {
      fault: { reset: true },
      calls: 3,
      error: failed('UPSTREAM_UNAVAILABLE', 'could not be reached (connection failed).'),
    },
  ],
];

const DEADLINE_MS = Number(SMALL_BUDGETS.REQUEST_DEADLINE_MS);
const TABLE = VENDORS.flatMap((vendor) =>
  FAULTS.map(([name, expectation]) => [vendor, name, expectation] as const),
);

let gw: TestGateway;
let fleet: Fleet;
shareGateway(SMALL_BUDGETS, (shared) => ({ gw, fleet } = shared));

/** Every recorded request of `vendor` is the same request (a retry repeats it exactly). */
function expectIdenticalRequests(vendor: VendorName, calls: number): void {
  const requests = gw.requests(vendor).map(({ status: _status, ...request }) => JSON.stringify(request));
  expect(requests).toHaveLength(calls);
  expect(new Set(requests).size).toBe(1);
}

describe('each vendor root list alone', () => {
  it.each(TABLE)('%s, %s', async (vendor, _name, expected) => {
    const root = ROOTS[vendor];
    gw.faults(vendor, { [root.operation]: expected.fault });
    const [res, ms] = await timed(() => gql(gw, root.query));
    const error = expected.error?.(vendor);
    expect(res).toEqual(
      error
        ? {
            status: 200,
            data: { [root.field]: null },
            errors: [{ ...error, locations: [loc(root.query, root.field)], path: [root.field] }],
          }
        : { status: 200, data: rootData(fleet, vendor) },
    );
    expect(gw.calls()).toEqual({ ...NO_CALLS, [vendor]: { [root.operation]: expected.calls } });
    expectIdenticalRequests(vendor, expected.calls);
    expect(ms).toBeGreaterThanOrEqual((expected.atLeastMs ?? 0) - 5);
    expect(ms).toBeLessThan(DEADLINE_MS + 1_000);

    gw.reset();
    expect(await gql(gw, root.query)).toEqual({ status: 200, data: rootData(fleet, vendor) });
    expect(gw.calls()).toEqual({ ...NO_CALLS, [vendor]: { [root.operation]: 1 } });
  });
});

describe('one vendor failing in a query that needs all three: the others still answer', () => {
  it.each(TABLE)('%s, %s', async (vendor, _name, expected) => {
    const mixed = mixedQuery(fleet);
    const slot = mixed.slots[vendor];
    gw.faults(vendor, { [slot.operation]: expected.fault });
    const [res, ms] = await timed(() => gql(gw, mixed.query, mixed.variables));
    const error = expected.error?.(vendor);
    expect(res).toEqual(
      error
        ? {
            status: 200,
            data: mixed.data(vendor),
            errors: [{ ...error, locations: [loc(mixed.query, 'nodes(')], path: ['nodes', slot.index] }],
          }
        : { status: 200, data: mixed.data() },
    );
    const healthy = {
      fireworks: { GetCluster: 1 },
      runai: { get_workload_pods: 1 },
      gitpod: { ListWarmPools: 1 },
    };
    expect(gw.calls()).toEqual({ ...healthy, [vendor]: { [slot.operation]: expected.calls } });
    expectIdenticalRequests(vendor, expected.calls);
    expect(ms).toBeGreaterThanOrEqual((expected.atLeastMs ?? 0) - 5);
    expect(ms).toBeLessThan(DEADLINE_MS + 1_000);

    gw.reset();
    expect(await gql(gw, mixed.query, mixed.variables)).toEqual({ status: 200, data: mixed.data() });
    expect(gw.calls()).toEqual(healthy);
  });
});

describe('latency beyond the request deadline (deadline 500 ms, per-attempt timeouts 5 s)', () => {
  const DEADLINE = 500;
  let slow: TestGateway;
  beforeAll(async () => {
    slow = await startTestGateway({
      ...SMALL_BUDGETS,
      REQUEST_DEADLINE_MS: String(DEADLINE),
      UPSTREAM_HEADERS_TIMEOUT_MS: '5000',
      UPSTREAM_BODY_TIMEOUT_MS: '5000',
    });
  });
  afterAll(() => slow.stop());
  beforeEach(() => slow.reset());

  const deadlineError = (vendor: VendorName) => ({
    message: `${VENDOR_NAME[vendor]} did not answer before the request deadline (${DEADLINE} ms).`,
    extensions: { code: 'UPSTREAM_TIMEOUT', upstream: vendor },
  });

  it.each(VENDORS)('%s root list: UPSTREAM_TIMEOUT at the deadline, after one call', async (vendor) => {
    const root = ROOTS[vendor];
    slow.faults(vendor, { [root.operation]: { latencyMs: 3_000 } });
    const [res, ms] = await timed(() => gql(slow, root.query));
    expect(res).toEqual({
      status: 200,
      data: { [root.field]: null },
      errors: [{ ...deadlineError(vendor), locations: [loc(root.query, root.field)], path: [root.field] }],
    });
    expect(slow.calls()).toEqual({ ...NO_CALLS, [vendor]: { [root.operation]: 1 } });
    expect(ms).toBeGreaterThanOrEqual(DEADLINE - 5);
    expect(ms).toBeLessThan(DEADLINE + 1_000);

    slow.reset();
    expect(await gql(slow, root.query)).toEqual({ status: 200, data: rootData(fleet, vendor) });
  });

  it.each(VENDORS)(
    '%s in the mixed query: its slot is cut at the deadline, the others answer',
    async (vendor) => {
      const mixed = mixedQuery(fleet);
      const slot = mixed.slots[vendor];
      slow.faults(vendor, { [slot.operation]: { latencyMs: 3_000 } });
      const [res, ms] = await timed(() => gql(slow, mixed.query, mixed.variables));
      expect(res).toEqual({
        status: 200,
        data: mixed.data(vendor),
        errors: [
          { ...deadlineError(vendor), locations: [loc(mixed.query, 'nodes(')], path: ['nodes', slot.index] },
        ],
      });
      expect(slow.calls()).toEqual({
        fireworks: { GetCluster: 1 },
        runai: { get_workload_pods: 1 },
        gitpod: { ListWarmPools: 1 },
      });
      expect(ms).toBeGreaterThanOrEqual(DEADLINE - 5);
      expect(ms).toBeLessThan(DEADLINE + 1_000);

      slow.reset();
      expect(await gql(slow, mixed.query, mixed.variables)).toEqual({ status: 200, data: mixed.data() });
    },
  );
});
