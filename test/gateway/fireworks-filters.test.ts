/**
 * The Fireworks filters and orders added for dashboards: node pools by spot, zone, machine type,
 * node counts and update time; batch jobs by start/end/update time, image, environment, shared,
 * ranks and annotations; names and display names by wildcard prefix, suffix and substring; several
 * order keys with the gateway's explicit `name` tie-break. Each answer is compared whole with an
 * independent evaluation over the simulator's records, and each AIP-160 / AIP-132 string sent is
 * stated character for character.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  byCodeUnit,
  gql,
  groundTruth,
  loc,
  NO_CALLS,
  type Fleet,
  type FireworksBatchJobRecord,
  type FireworksNodePoolRecord,
  fireworksListRequest,
  endOfMillisecond,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
let account: string;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
  account = gw.world.accountId;
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

function listRequest(collection: string, query: Record<string, string>) {
  return fireworksListRequest(account, collection, query);
}

const ms = (t: string | undefined | null) => (t ? Date.parse(t) : undefined);
const pick = <T>(values: (T | undefined | null)[]) => {
  const present = values.filter((v): v is T => v !== undefined && v !== null);
  return present[Math.floor(present.length / 2)] as T;
};

const POOLS = `query($f: NodePoolFilter) { nodePools(first: 100, filter: $f) { nodes { name } totalCount } }`;
const JOBS = `query($f: BatchJobFilter) { batchJobs(first: 100, filter: $f) { nodes { name } totalCount } }`;

describe('node pool filters', () => {
  const cases: [string, () => [Record<string, unknown>, string, (p: FireworksNodePoolRecord) => boolean]][] =
    [
      [
        'spot: true',
        () => [{ spot: true }, 'eks_node_pool.spot = true', (p) => p.eksNodePool?.spot === true],
      ],
      [
        'spot: false',
        () => [{ spot: false }, 'eks_node_pool.spot = false', (p) => p.eksNodePool?.spot === false],
      ],
      [
        'zone',
        () => {
          const zone = pick(fleet.nodePools.map((p) => p.eksNodePool?.zone));
          return [{ zone }, `eks_node_pool.zone = "${zone}"`, (p) => p.eksNodePool?.zone === zone];
        },
      ],
      [
        'machineType',
        () => {
          const type = pick(fleet.nodePools.map((p) => p.fakeNodePool?.machineType));
          return [
            { machineType: type },
            `fake_node_pool.machine_type = "${type}"`,
            (p) => p.fakeNodePool?.machineType === type,
          ];
        },
      ],
      [
        'minNodeCount range',
        () => [
          { minNodeCount: { atLeast: 2, atMost: 7 } },
          '(min_node_count >= 2) AND (min_node_count <= 7)',
          (p) => (p.minNodeCount ?? -1) >= 2 && (p.minNodeCount ?? 99) <= 7,
        ],
      ],
      [
        'maxNodeCount equals',
        () => {
          const max = pick(fleet.nodePools.map((p) => p.maxNodeCount));
          return [
            { maxNodeCount: { equals: max } },
            `max_node_count = ${max}`,
            (p) => p.maxNodeCount === max,
          ];
        },
      ],
      [
        'nodeCount notEquals',
        () => [
          { nodeCount: { notEquals: 0 } },
          'node_pool_stats.node_count != 0',
          (p) => p.nodePoolStats?.nodeCount !== 0,
        ],
      ],
      [
        'updatedAt atOrAfter',
        () => {
          const t = pick([...fleet.nodePools.map((p) => p.updateTime)].sort());
          return [
            { updatedAt: { atOrAfter: t } },
            `update_time >= "${t}"`,
            (p) => (ms(p.updateTime) ?? -Infinity) >= Date.parse(t),
          ];
        },
      ],
      [
        'displayNameMatch.startsWith',
        () => [
          { displayNameMatch: { startsWith: 'H100' } },
          'display_name = "H100*"',
          (p) => !!p.displayName?.startsWith('H100'),
        ],
      ],
      [
        'displayNameMatch.endsWith',
        () => [
          { displayNameMatch: { endsWith: 'west-2-prod' } },
          'display_name = "*west-2-prod"',
          (p) => !!p.displayName?.endsWith('west-2-prod'),
        ],
      ],
      [
        'displayNameMatch.contains',
        () => [
          { displayNameMatch: { contains: 'spot' } },
          'display_name = "*spot*"',
          (p) => !!p.displayName?.includes('spot'),
        ],
      ],
      [
        'nodePoolIdMatch.startsWith',
        () => [
          { nodePoolIdMatch: { startsWith: 'h100' } },
          `name = "accounts/${account}/clusters/*/nodePools/h100*"`,
          (p) => p.name.split('/')[5]!.startsWith('h100'),
        ],
      ],
    ];

  it.each(cases)('%s', async (_name, make) => {
    const [filter, upstream, test] = make();
    const pools = fleet.nodePools.filter(test);
    expect(pools.length).toBeGreaterThan(0);
    expect(pools.length).toBeLessThan(fleet.nodePools.length);
    expect(await gql(gw, POOLS, { f: filter })).toEqual({
      status: 200,
      data: { nodePools: { nodes: pools.map((p) => ({ name: p.name })), totalCount: pools.length } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('nodePools', { pageSize: '100', filter: upstream, orderBy: 'name', readMask: 'name' }),
    ]);
  });
});

describe('batch job filters', () => {
  const cases: [string, () => [Record<string, unknown>, string, (j: FireworksBatchJobRecord) => boolean]][] =
    [
      [
        'startedAt range',
        () => {
          const times = fleet.batchJobs
            .map((j) => j.startTime)
            .filter((t): t is string => !!t)
            .sort();
          const [a, b] = [times[100]!, times[160]!];
          return [
            { startedAt: { atOrAfter: a, atOrBefore: b } },
            `(start_time >= "${a}") AND (start_time <= "${endOfMillisecond(b)}")`,
            (j) =>
              !!j.startTime &&
              Date.parse(j.startTime) >= Date.parse(a) &&
              Date.parse(j.startTime) <= Date.parse(b),
          ];
        },
      ],
      [
        'endedAt atOrBefore',
        () => {
          const t = [...fleet.batchJobs.map((j) => j.endTime).filter((x): x is string => !!x)].sort()[40]!;
          return [
            { endedAt: { atOrBefore: t } },
            `end_time <= "${endOfMillisecond(t)}"`,
            (j) => !!j.endTime && Date.parse(j.endTime) <= Date.parse(t),
          ];
        },
      ],
      [
        'imageRef',
        () => {
          const image = pick(fleet.batchJobs.map((j) => j.imageRef));
          return [{ imageRef: image }, `image_ref = "${image}"`, (j) => j.imageRef === image];
        },
      ],
      [
        'environmentId',
        () => {
          const env = pick(fleet.batchJobs.map((j) => j.environmentId));
          return [{ environmentId: env }, `environment_id = "${env}"`, (j) => j.environmentId === env];
        },
      ],
      ['shared', () => [{ shared: true }, 'shared = true', (j) => j.shared === true]],
      [
        'numRanks atLeast',
        () => [{ numRanks: { atLeast: 32 } }, 'num_ranks >= 32', (j) => (j.numRanks ?? 0) >= 32],
      ],
      [
        'annotation key and value',
        () => [
          { annotationKey: 'fleetgraph.dev/priority', annotationValue: 'normal' },
          'annotations."fleetgraph.dev/priority" = "normal"',
          (j) => j.annotations?.['fleetgraph.dev/priority'] === 'normal',
        ],
      ],
      [
        'annotation key alone',
        () => [
          { annotationKey: 'fleetgraph.dev/note' },
          'annotations:"fleetgraph.dev/note"',
          (j) => j.annotations?.['fleetgraph.dev/note'] !== undefined,
        ],
      ],
      [
        'displayNameMatch.contains with createdBefore (inclusive)',
        () => {
          const t = fleet.batchJobs[300]!.createTime as string;
          return [
            { displayNameMatch: { contains: 'dpo' }, createdBefore: t },
            `(create_time <= "${endOfMillisecond(t)}") AND (display_name = "*dpo*")`,
            (j) => !!j.displayName?.includes('dpo') && Date.parse(j.createTime as string) <= Date.parse(t),
          ];
        },
      ],
    ];

  it.each(cases)('%s', async (_name, make) => {
    const [filter, upstream, test] = make();
    const jobs = fleet.batchJobs.filter(test);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.length).toBeLessThan(fleet.batchJobs.length);
    expect(await gql(gw, JOBS, { f: filter })).toEqual({
      status: 200,
      data: {
        batchJobs: { nodes: jobs.slice(0, 100).map((j) => ({ name: j.name })), totalCount: jobs.length },
      },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('batchJobs', {
        pageSize: '100',
        filter: upstream,
        orderBy: 'create_time desc, name',
        readMask: 'name',
      }),
    ]);
  });
});

describe('cluster names by wildcard', () => {
  const QUERY = `query($f: ClusterFilter) { clusters(first: 10, filter: $f) { nodes { clusterId } } }`;

  it.each([
    [{ clusterIdMatch: { contains: 'eu' } }, (id: string) => id.includes('eu'), '*eu*'],
    [{ clusterIdMatch: { startsWith: 'us-' } }, (id: string) => id.startsWith('us-'), 'us-*'],
    [{ clusterIdMatch: { endsWith: '-1-prod' } }, (id: string) => id.endsWith('-1-prod'), '*-1-prod'],
  ])('%j', async (filter, test, pattern) => {
    const ids = fleet.clusters.map((c) => c.name.split('/')[3]!).filter(test);
    expect(ids.length).toBeGreaterThan(0);
    expect(await gql(gw, QUERY, { f: filter })).toEqual({
      status: 200,
      data: { clusters: { nodes: ids.map((clusterId) => ({ clusterId })) } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('clusters', {
        pageSize: '10',
        filter: `name = "accounts/${account}/clusters/${pattern}"`,
        orderBy: 'name',
        readMask: 'name',
      }),
    ]);
  });

  it('a "*" in a pattern value is refused (AIP-160 cannot escape it), before any call', async () => {
    expect(await gql(gw, QUERY, { f: { displayNameMatch: { contains: 'a*b' } } })).toEqual({
      status: 200,
      data: { clusters: null },
      errors: [
        {
          message:
            'filter.displayNameMatch.contains cannot contain "*": Fireworks treats it as a wildcard in exact matches.',
          locations: [loc(QUERY, 'clusters')],
          path: ['clusters'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.displayNameMatch.contains' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('several order keys and the tie-break', () => {
  it('node pools by state desc then node count, ended by name', async () => {
    const query = `{ nodePools(first: 100, orderBy: [{field: STATE, direction: DESC}, {field: NODE_COUNT}]) { nodes { name } } }`;
    const STATES = ['STATE_UNSPECIFIED', 'CREATING', 'READY', 'DELETING', 'FAILED'];
    const rank = (p: FireworksNodePoolRecord) => STATES.indexOf(p.state as string);
    const expected = [...fleet.nodePools].sort(
      (a, b) =>
        rank(b) - rank(a) ||
        (a.nodePoolStats?.nodeCount ?? -1) - (b.nodePoolStats?.nodeCount ?? -1) ||
        byCodeUnit(a.name, b.name),
    );
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { nodePools: { nodes: expected.map((p) => ({ name: p.name })) } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('nodePools', {
        pageSize: '100',
        orderBy: 'state desc, node_pool_stats.node_count, name',
        readMask: 'name',
      }),
    ]);
  });

  it('batch jobs by ranks desc then start time, ended by name', async () => {
    const query = `{ batchJobs(first: 50, orderBy: [{field: NUM_RANKS, direction: DESC}, {field: START_TIME}]) { nodes { name } } }`;
    // An unset start time sorts before every set one (the simulator's documented AIP-132 rule).
    const start = (j: FireworksBatchJobRecord) => (j.startTime ? Date.parse(j.startTime) : -Infinity);
    const expected = [...fleet.batchJobs].sort(
      (a, b) =>
        (b.numRanks ?? 0) - (a.numRanks ?? 0) ||
        (start(a) === start(b) ? 0 : start(a) < start(b) ? -1 : 1) ||
        byCodeUnit(a.name, b.name),
    );
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { batchJobs: { nodes: expected.slice(0, 50).map((j) => ({ name: j.name })) } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('batchJobs', {
        pageSize: '50',
        orderBy: 'num_ranks desc, start_time, name',
        readMask: 'name',
      }),
    ]);
  });

  it('an order that names `name` itself gets no second tie-break', async () => {
    const query = `{ clusters(first: 10, orderBy: [{field: NAME, direction: DESC}]) { nodes { clusterId } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        clusters: { nodes: [...fleet.clusters].reverse().map((c) => ({ clusterId: c.name.split('/')[3] })) },
      },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('clusters', { pageSize: '10', orderBy: 'name desc', readMask: 'name' }),
    ]);
  });

  it('a field named twice is refused before any call', async () => {
    const query = `{ clusters(first: 10, orderBy: [{field: STATE}, {field: STATE, direction: DESC}]) { nodes { clusterId } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { clusters: null },
      errors: [
        {
          message: 'orderBy names a field twice.',
          locations: [loc(query, 'clusters')],
          path: ['clusters'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'orderBy' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});
