/**
 * The edges of DateTime arguments and metrics windows, from outside: instants outside the years
 * 0000–9999 in UTC, leap seconds and fractions past nine digits; the same bad value inline and as
 * a variable; sample counts and windows reversed below the millisecond, refused before any call;
 * and the METRIC_UNAVAILABLE message worded for the field that asked.
 */
import { describe, expect, it } from 'vitest';
import type { RunaiPod } from '../../src/vendors/runai/simulator/index.js';
import { shareGateway, type TestGateway } from '../helpers/gateway.js';
import { CREDENTIALS, gql, globalId, loc, NO_CALLS, type Fleet } from '../helpers/ground-truth.js';
import { getWithBearer } from '../helpers/http.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

const EXAMPLE = '"2026-01-02T03:04:05.000Z"';
const OUT_OF_RANGE = (got: string) =>
  `DateTime ${JSON.stringify(got)} falls outside the years 0000–9999 in UTC, which neither vendor accepts; ` +
  'give an instant from "0000-01-01T00:00:00Z" to "9999-12-31T23:59:59.999999999Z".';

/** The list_pods and count_pods calls of a first page of 5 pods with `filterBy`. */
function podPage(filterBy: string) {
  const common = { method: 'GET', body: null, credential: CREDENTIALS.runai.masked, status: 200 };
  return [
    {
      operation: 'list_pods',
      path: '/api/v1/workloads/pods',
      query: { offset: '0', limit: '6', filterBy },
      ...common,
    },
    { operation: 'count_pods', path: '/api/v1/workloads/pods/count', query: { filterBy }, ...common },
  ];
}

const PODS = (filter: string) => `{ pods(first: 5, filter: {${filter}}) { nodes { podId } totalCount } }`;

describe('DateTime arguments outside what the vendors represent', () => {
  it.each([['9999-12-31T23:59:59-01:00'], ['0000-01-01T00:00:00+01:00']])(
    '%s is refused inline and as a variable with BAD_USER_INPUT, before any call',
    async (value) => {
      const inline = PODS(`createdBefore: ${JSON.stringify(value)}`);
      expect(await gql(gw, inline)).toEqual({
        status: 400,
        errors: [
          {
            message: OUT_OF_RANGE(value),
            locations: [loc(inline, JSON.stringify(value))],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
      const query = `query($t: DateTime) { pods(first: 5, filter: {createdBefore: $t}) { nodes { podId } } }`;
      expect(await gql(gw, query, { t: value })).toEqual({
        status: 400,
        errors: [
          {
            message: `Variable "$t" got invalid value ${JSON.stringify(value)}; ${OUT_OF_RANGE(value)}`,
            locations: [loc(query, '$t')],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
      expect(gw.calls()).toEqual(NO_CALLS);
    },
  );

  it.each([
    ['"2026-13-01T00:00:00Z"', '2026-13-01T00:00:00Z', `got "2026-13-01T00:00:00Z"`],
    ['5', 5, 'got 5'],
  ])(
    'a bad literal %s answers as the same variable would: BAD_USER_INPUT',
    async (literal, variable, got) => {
      const message = `DateTime must be an RFC 3339 timestamp such as ${EXAMPLE}, ${got}.`;
      const inline = PODS(`createdBefore: ${literal}`);
      expect(await gql(gw, inline)).toEqual({
        status: 400,
        errors: [
          { message, locations: [loc(inline, `${literal}}`)], extensions: { code: 'BAD_USER_INPUT' } },
        ],
      });
      const query = `query($t: DateTime) { pods(first: 5, filter: {createdBefore: $t}) { nodes { podId } } }`;
      expect(await gql(gw, query, { t: variable })).toEqual({
        status: 400,
        errors: [
          {
            message: `Variable "$t" got invalid value ${JSON.stringify(variable)}; ${message}`,
            locations: [loc(query, '$t')],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
      expect(gw.calls()).toEqual(NO_CALLS);
    },
  );

  it('a leap second is refused, saying the vendors do not represent it', async () => {
    const inline = PODS('createdAfter: "2016-12-31T23:59:60Z"');
    expect(await gql(gw, inline)).toEqual({
      status: 400,
      errors: [
        {
          message:
            'DateTime "2016-12-31T23:59:60Z" is a leap second (seconds 60), which neither vendor represents; ' +
            'give the instant as second 59 or the next minute.',
          locations: [loc(inline, '"2016')],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('fraction digits past nine are truncated to the nanosecond before they are sent', async () => {
    // A second in the middle of the fleet's creation times, with eleven fraction digits.
    const times = fleet.pods.map((p) => Date.parse(p.createdAt)).sort((a, b) => a - b);
    const second = new Date(Math.floor(times[times.length >> 1]! / 1000) * 1000).toISOString().slice(0, 19);
    const bound = `${second}.12345678912Z`;
    const sent = `${second}.123456789Z`;
    // The fleet's times have at most millisecond digits: at or after .123456789 is at or after .124.
    const pods = fleet.pods.filter((p) => Date.parse(p.createdAt) >= Date.parse(`${second}.124Z`));
    expect(pods.length).toBeGreaterThan(0);
    expect(await gql(gw, PODS(`createdAfter: "${bound}"`))).toEqual({
      status: 200,
      data: { pods: { nodes: pods.slice(0, 5).map((p) => ({ podId: p.id })), totalCount: pods.length } },
    });
    expect(gw.requests('runai')).toEqual(podPage(`createdAt>=${sent}`));
  });

  it('the first years of the calendar reach Run:ai, which reads them as such (every pod is later)', async () => {
    expect(await gql(gw, PODS('createdAfter: "0099-06-01T00:00:00Z"'))).toEqual({
      status: 200,
      data: {
        pods: { nodes: fleet.pods.slice(0, 5).map((p) => ({ podId: p.id })), totalCount: fleet.pods.length },
      },
    });
    expect(gw.requests('runai')).toEqual(podPage('createdAt>=0099-06-01T00:00:00Z'));
    gw.reset();
    expect(await gql(gw, PODS('createdBefore: "0001-01-01T00:30:00+01:00"'))).toEqual({
      status: 200,
      data: { pods: { nodes: [], totalCount: 0 } },
    });
    // A short first page is its own count: no count_pods.
    expect(gw.requests('runai')).toEqual(podPage('createdAt<=0000-12-31T23:30:00.000999999Z').slice(0, 1));
  });
});

describe('the Run:ai simulator reads the years 0000–0099', () => {
  it.each([
    ['createdAt>=0099-06-01T00:00:00Z', () => fleet.pods.length],
    ['createdAt>=0100-06-01T00:00:00Z', () => fleet.pods.length],
    ['createdAt<=0000-06-01T00:00:00+01:00', () => 0],
  ])('%s → 200 with the pods it selects', async (filterBy, count) => {
    const res = await getWithBearer(
      `${gw.sims.runai.url}/api/v1/workloads/pods/count`,
      new URLSearchParams({ filterBy }),
      CREDENTIALS.runai.value,
    );
    expect(res).toMatchObject({ status: 200, body: { count: count() } });
  });
});

/** The window of whole seconds inside a pod's running time, as the gateway sends it upstream. */
function windowOf(pod: RunaiPod) {
  const from = Math.ceil(Date.parse(pod.containers[0]!.startedAt!) / 1000) * 1000 + 60_000;
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  return { start: iso(from), end: iso(from + 4 * 3_600_000) };
}

const running = () => fleet.pods.filter((p) => p.k8sPhase === 'Running' && !p.completedAt);

describe('metrics windows', () => {
  const WINDOW = 'start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z"';

  it.each([
    [
      'Pod.metrics',
      `{ pods(first: 1) { nodes { metrics(types: [CPU_USAGE_CORES], ${WINDOW}, samples: 0) { type } } } }`,
    ],
    ['Pod.gpuUtilization', `{ pods(first: 1) { nodes { gpuUtilization(${WINDOW}, samples: 0) } } }`],
    ['GpuCapacity.utilization', `{ fleetGpus { utilization(${WINDOW}, samples: 0) } }`],
  ])(
    'samples: 0 on %s is refused before any call, naming the field, the argument and its range',
    async (field, query) => {
      expect(await gql(gw, query)).toEqual({
        status: 400,
        errors: [
          {
            message: `${field}: \`samples\` must be from 1 to 1000, got 0.`,
            extensions: { code: 'BAD_USER_INPUT', argument: 'samples' },
          },
        ],
      });
      expect(gw.calls()).toEqual(NO_CALLS);
    },
  );

  it('samples: 1 asks Run:ai for one sample and answers it', async () => {
    const pod = running()[0]!;
    const window = windowOf(pod);
    const direct = await getWithBearer(
      `${gw.sims.runai.url}/api/v1/workloads/${pod.workloadId}/pods/${pod.id}/metrics`,
      new URLSearchParams({ metricType: 'CPU_USAGE_CORES', ...window, numberOfSamples: '1' }),
      CREDENTIALS.runai.value,
    );
    const [measurement] = (direct.body as { measurements: { values: { value: string }[] }[] }).measurements;
    expect(measurement!.values).toHaveLength(1);
    gw.reset();
    const query = `query($id: ID!, $start: DateTime!, $end: DateTime!) { node(id: $id) { ... on Pod {
      metrics(types: [CPU_USAGE_CORES], start: $start, end: $end, samples: 1) { type samples { value } } } } }`;
    const id = globalId('Pod', `${pod.workloadId}/${pod.id}`);
    expect(await gql(gw, query, { id, ...window })).toEqual({
      status: 200,
      data: {
        node: {
          metrics: [{ type: 'CPU_USAGE_CORES', samples: [{ value: Number(measurement!.values[0]!.value) }] }],
        },
      },
    });
    expect(gw.requests('runai').map((r) => [r.operation, r.query])).toEqual([
      ['get_workload_pods', { offset: '0', limit: '500' }],
      ['get_workload_pod_metrics', { metricType: 'CPU_USAGE_CORES', ...window, numberOfSamples: '1' }],
    ]);
  });

  it('a window reversed within one millisecond is refused before any call', async () => {
    const query = `{ pods(first: 1) { nodes {
      gpuUtilization(start: "2026-01-01T00:00:00.0009Z", end: "2026-01-01T00:00:00.0001Z") } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 400,
      errors: [
        {
          message: 'Pod.gpuUtilization: `start` must not be after `end`.',
          extensions: { code: 'BAD_USER_INPUT', argument: 'start' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});
