/**
 * Every Run:ai `filterBy` field × operator the seed allows (5 string fields × 8 operators, 3 date
 * fields × 4), reached through PodFilter's StringMatch and TimeMatch inputs; the two sortBy values
 * PodOrderField lacked; `filter.cluster` through the cluster map; and `deleted`/`search` on the
 * per-workload and per-revision endpoints. Each answer is compared whole with an independent
 * evaluation over the simulator's data, and each upstream request is stated exactly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  byCodeUnit,
  CREDENTIALS,
  gql,
  groundTruth,
  loc,
  NO_CALLS,
  podOrder,
  type Fleet,
  type RunaiPod,
  endOfMillisecond,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

const PAGE = 100;
const QUERY = `query($f: PodFilter, $o: PodOrder) {
  pods(first: ${PAGE}, filter: $f, orderBy: $o) { nodes { podId } totalCount }
}`;

function request(path: string, operation: string, query: Record<string, string>) {
  return {
    operation,
    method: 'GET',
    path,
    query,
    body: null,
    credential: CREDENTIALS.runai.masked,
    status: 200,
  };
}

/** list_pods, then count_pods when the first page does not reach the end. */
function podRequests(query: Record<string, string>, total: number) {
  const list = request('/api/v1/workloads/pods', 'list_pods', {
    offset: '0',
    limit: `${PAGE + 1}`,
    ...query,
  });
  if (total <= PAGE) return [list];
  const { sortBy: _s, sortOrder: _o, ...countQuery } = query;
  return [list, request('/api/v1/workloads/pods/count', 'count_pods', countQuery)];
}

function answer(pods: readonly RunaiPod[]) {
  return {
    status: 200,
    data: { pods: { nodes: pods.slice(0, PAGE).map((p) => ({ podId: p.id })), totalCount: pods.length } },
  };
}

type StringField = 'clusterId' | 'workloadId' | 'revisionId' | 'nodeName' | 'currentNodepool';
type DateField = 'createdAt' | 'completedAt' | 'deletedAt';

/** A pod's value for a Run:ai field, null when it has none (read here, not through the simulator). */
function read(pod: RunaiPod, field: StringField | DateField): string | null {
  if (field === 'currentNodepool') return pod.currentNodePool ?? null;
  return (pod[field] as string | null | undefined) ?? null;
}

// The seed's operators, written out independently of the compiler and the simulator.
const STRING_CASES: [string, string, (actual: string, value: string) => boolean][] = [
  ['equals', '==', (a, v) => a === v],
  ['notEquals', '!=', (a, v) => a !== v],
  ['atMost', '<=', (a, v) => a <= v],
  ['atLeast', '>=', (a, v) => a >= v],
  ['contains', '=@', (a, v) => a.includes(v)],
  ['notContains', '!@', (a, v) => !a.includes(v)],
  ['startsWith', '=^', (a, v) => a.startsWith(v)],
  ['endsWith', '=$', (a, v) => a.endsWith(v)],
];
const TIME_CASES: [string, string, (actual: number, value: number) => boolean][] = [
  ['equals', '==', (a, v) => a === v],
  ['notEquals', '!=', (a, v) => a !== v],
  ['atOrBefore', '<=', (a, v) => a <= v],
  ['atOrAfter', '>=', (a, v) => a >= v],
];

/** A value for the operator taken from a real pod, so each condition selects a proper subset. */
function sample(field: StringField, condition: string): string {
  const values = fleet.pods.map((p) => read(p, field)).filter((v): v is string => !!v && !v.includes(','));
  const value = [...values].sort(byCodeUnit)[Math.floor(values.length / 2)] as string;
  if (condition === 'contains' || condition === 'notContains') return value.slice(2, 8);
  if (condition === 'startsWith') return value.slice(0, 6);
  if (condition === 'endsWith') return value.slice(-4);
  return value;
}

describe('PodFilter: every string field × operator', () => {
  const FIELDS: [string, StringField][] = [
    ['clusterUuid', 'clusterId'],
    ['workload', 'workloadId'],
    ['revision', 'revisionId'],
    ['nodeNameMatch', 'nodeName'],
    ['nodePool', 'currentNodepool'],
  ];
  for (const [input, field] of FIELDS) {
    it.each(STRING_CASES)(`${input}.%s compiles to ${field}%s`, async (condition, operator, test) => {
      const value = sample(field, condition);
      const expected = fleet.pods.filter((p) => {
        const actual = read(p, field);
        return actual !== null && test(actual, value);
      });
      expect(expected.length).toBeGreaterThan(0);
      expect(await gql(gw, QUERY, { f: { [input]: { [condition]: value } } })).toEqual(answer(expected));
      expect(gw.requests('runai')).toEqual(
        podRequests({ filterBy: `${field}${operator}${value}` }, expected.length),
      );
    });
  }

  it('several conditions on several fields become several ANDed entries, in a fixed order', async () => {
    const pool = sample('currentNodepool', 'equals');
    const expected = fleet.pods.filter(
      (p) => p.currentNodePool === pool && !!p.nodeName?.startsWith('ip-') && p.nodeName.endsWith('0'),
    );
    const f = { nodeNameMatch: { endsWith: '0', startsWith: 'ip-' }, nodePool: { equals: pool } };
    expect(await gql(gw, QUERY, { f })).toEqual(answer(expected));
    expect(gw.requests('runai')).toEqual(
      podRequests({ filterBy: `currentNodepool==${pool},nodeName=^ip-,nodeName=$0` }, expected.length),
    );
  });

  it('a value holding "," is refused, naming the condition, before any call', async () => {
    expect(await gql(gw, QUERY, { f: { nodePool: { contains: 'a,b' } } })).toEqual({
      status: 200,
      data: { pods: null },
      errors: [
        {
          message:
            'filter.nodePool.contains cannot contain ",": Run:ai separates filter conditions with commas, so the value cannot be sent.',
          locations: [loc(QUERY, 'pods')],
          path: ['pods'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.nodePool.contains' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('PodFilter: every date field × operator', () => {
  const FIELDS: [string, DateField, boolean][] = [
    ['createdAt', 'createdAt', false],
    ['completedAt', 'completedAt', false],
    ['deletedAt', 'deletedAt', true],
  ];
  for (const [input, field, deleted] of FIELDS) {
    it.each(TIME_CASES)(`${input}.%s compiles to ${field}%s`, async (condition, operator, test) => {
      const pool = deleted ? fleet.deletedPods : fleet.pods;
      const instants = pool
        .map((p) => read(p, field))
        .filter((v): v is string => !!v)
        .sort();
      // Sent as the DateTime scalar normalises input: UTC, whole seconds without a fraction.
      const value = new Date(Date.parse(instants[Math.floor(instants.length / 2)] as string))
        .toISOString()
        .replace('.000Z', 'Z');
      const expected = pool.filter((p) => {
        const actual = read(p, field);
        return actual !== null && test(Date.parse(actual), Date.parse(value));
      });
      expect(expected.length).toBeGreaterThan(0);
      const f = { [input]: { [condition]: value }, ...(deleted ? { deleted: true } : {}) };
      expect(await gql(gw, QUERY, { f })).toEqual(answer(expected));
      // An input of whole seconds stands for its whole millisecond: `<=` reaches its last
      // nanosecond, and `equals` is that millisecond's range (Run:ai ANDs the two entries).
      const filterBy =
        condition === 'equals'
          ? `${field}>=${value},${field}<=${endOfMillisecond(value)}`
          : condition === 'atOrBefore'
            ? `${field}<=${endOfMillisecond(value)}`
            : `${field}${operator}${value}`;
      expect(gw.requests('runai')).toEqual(
        podRequests({ filterBy, ...(deleted ? { deleted: 'true' } : {}) }, expected.length),
      );
    });
  }
});

describe('PodOrder: the sortBy values added', () => {
  it.each([
    ['NODE_POOL', 'currentNodepool', 'ASC'],
    ['NODE_POOL', 'currentNodepool', 'DESC'],
    ['REVISION_ID', 'revisionId', 'ASC'],
    ['REVISION_ID', 'revisionId', 'DESC'],
  ] as const)('%s maps to sortBy=%s (%s)', async (orderField, sortBy, direction) => {
    const key = (p: RunaiPod) => read(p, sortBy);
    // Nulls after every value ascending and before every value descending, ties by id ascending.
    const sign = direction === 'ASC' ? 1 : -1;
    const expected = [...fleet.pods].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const primary = x === y ? 0 : x === null ? 1 : y === null ? -1 : byCodeUnit(x, y);
      return sign * primary || byCodeUnit(a.id, b.id);
    });
    expect(new Set(expected.map(key)).size).toBeGreaterThan(1);
    const result = await gql(gw, QUERY, { o: { field: orderField, direction } });
    expect(result).toEqual(answer(expected));
    expect(gw.requests('runai')).toEqual(
      podRequests({ sortBy, sortOrder: direction.toLowerCase() }, expected.length),
    );
  });
});

describe('PodFilter.cluster: the Fireworks cluster id, through the cluster map', () => {
  const ids = () => fleet.clusters.map((c) => c.name.split('/')[3] as string);

  it('equals sends the mapped UUID as one clusterId entry', async () => {
    const cluster = fleet.clusters[1]!;
    const expected = fleet.podsOfCluster(cluster.name);
    expect(await gql(gw, QUERY, { f: { cluster: { equals: ids()[1] } } })).toEqual(answer(expected));
    expect(gw.requests('runai')).toEqual(
      podRequests({ filterBy: `clusterId==${fleet.uuidOf(cluster.name)}` }, expected.length),
    );
  });

  it('notEquals excludes the one cluster with clusterId!=', async () => {
    const cluster = fleet.clusters[0]!;
    const uuid = fleet.uuidOf(cluster.name);
    const expected = fleet.pods.filter((p) => p.clusterId !== uuid);
    expect(await gql(gw, QUERY, { f: { cluster: { notEquals: ids()[0] } } })).toEqual(answer(expected));
    expect(gw.requests('runai')).toEqual(podRequests({ filterBy: `clusterId!=${uuid}` }, expected.length));
  });

  it('a condition no mapped cluster meets answers an empty page without a call', async () => {
    expect(await gql(gw, QUERY, { f: { cluster: { startsWith: 'no-such-cluster' } } })).toEqual(answer([]));
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a positive condition that several clusters meet is refused, naming them and how to narrow', async () => {
    const all = [...ids()].sort(byCodeUnit);
    const needle = all[0]!.slice(0, 1);
    const matching = all.filter((id) => id.includes(needle));
    expect(matching.length).toBeGreaterThan(1);
    expect(await gql(gw, QUERY, { f: { cluster: { contains: needle } } })).toEqual({
      status: 200,
      data: { pods: null },
      errors: [
        {
          message:
            `filter.cluster matches ${matching.length} clusters (${matching.join(', ')}); Run:ai cannot OR cluster conditions, ` +
            'so narrow it to one cluster (e.g. `equals`) or exclude the others with `notEquals`/`notContains`.',
          locations: [loc(QUERY, 'pods')],
          path: ['pods'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.cluster' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('workloadPods(deleted, search) and revisionPods(deleted)', () => {
  const WORKLOAD = `query($w: ID!, $d: Boolean, $s: String) {
    workloadPods(workloadId: $w, first: 100, deleted: $d, search: $s) { nodes { podId } totalCount }
  }`;
  const REVISION = `query($r: ID!, $d: Boolean) {
    revisionPods(revisionId: $r, first: 100, deleted: $d) { nodes { podId } totalCount }
  }`;
  const page = (pods: readonly RunaiPod[]) => ({
    nodes: pods.map((p) => ({ podId: p.id })),
    totalCount: pods.length,
  });

  it('deleted: true lists the workload’s deleted pods with deleted=true', async () => {
    const pod = fleet.deletedPods[0]!;
    const expected = fleet.deletedPods.filter((p) => p.workloadId === pod.workloadId);
    expect(await gql(gw, WORKLOAD, { w: pod.workloadId, d: true })).toEqual({
      status: 200,
      data: { workloadPods: page(expected) },
    });
    expect(gw.requests('runai')).toEqual([
      request(`/api/v1/workloads/${pod.workloadId}/pods`, 'get_workload_pods', {
        offset: '0',
        limit: '500',
        deleted: 'true',
      }),
    ]);
  });

  it('search narrows the workload’s pods, sent as search=', async () => {
    const workloadId = fleet.pods.find((p) => fleet.podsOfWorkload(p.workloadId).length > 2)!.workloadId;
    const all = fleet.podsOfWorkload(workloadId);
    const needle = all[0]!.name.slice(-5).toUpperCase();
    const expected = all.filter((p) =>
      [p.name, p.workloadName, p.projectName, p.nodeName].some(
        (t) => typeof t === 'string' && t.toLowerCase().includes(needle.toLowerCase()),
      ),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(await gql(gw, WORKLOAD, { w: workloadId, s: needle })).toEqual({
      status: 200,
      data: { workloadPods: page(expected) },
    });
    expect(gw.requests('runai')).toEqual([
      request(`/api/v1/workloads/${workloadId}/pods`, 'get_workload_pods', {
        offset: '0',
        limit: '500',
        search: needle,
      }),
    ]);
  });

  it('deleted: true lists the revision’s deleted pods with deleted=true', async () => {
    const pod = fleet.deletedPods.find((p) => p.revisionId)!;
    const expected = podOrder(fleet.deletedPods.filter((p) => p.revisionId === pod.revisionId));
    expect(await gql(gw, REVISION, { r: pod.revisionId, d: true })).toEqual({
      status: 200,
      data: { revisionPods: page(expected) },
    });
    expect(gw.requests('runai')).toEqual([
      request(`/api/v1/workloads/inferences/revisions/${pod.revisionId}/pods`, 'get_revision_pods', {
        deleted: 'true',
      }),
    ]);
  });
});
