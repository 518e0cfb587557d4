/**
 * list_pods and count_pods against independent computations over `generateRunaiData(world)`:
 * every expected list below is built with plain predicates and sorts written here, never with the
 * simulator's own query code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunaiPod } from '../../../src/vendors/runai/simulator/index.js';
import {
  brief,
  expectValidResponse,
  inDefaultOrder,
  runaiErrorBody,
  startRunai,
  walkPods,
  type RunaiHarness,
} from '../../helpers/runai-sim.js';

const LIST = '/api/v1/workloads/pods';
const COUNT = '/api/v1/workloads/pods/count';

let h: RunaiHarness;
let live: RunaiPod[];
let deleted: RunaiPod[];

beforeAll(async () => {
  h = await startRunai();
  live = inDefaultOrder(h.data.pods.filter((p) => !p.deletedAt));
  deleted = inDefaultOrder(h.data.pods.filter((p) => p.deletedAt));
});
afterAll(() => h.sim.close());

async function listAll(query: Record<string, string | string[]>, total: number): Promise<RunaiPod[]> {
  return (await walkPods(h, 'list_pods', LIST, query, 500, total)).pods;
}

async function count(query: Record<string, string | string[]>): Promise<number> {
  const res = await h.get(COUNT, query);
  expect(res.status).toBe(200);
  expectValidResponse('count_pods', 200, res.body);
  return (res.body as { count: number }).count;
}

async function expectBadRequest(
  path: string,
  operationId: string,
  query: Record<string, string | string[]>,
  message: string,
) {
  const res = await h.get(path, query);
  expect(res.status).toBe(400);
  expectValidResponse(operationId, 400, res.body);
  expect(res.body).toEqual(runaiErrorBody(400, message));
}

describe('paging (offset, limit, next)', () => {
  it.each([1, 7, 50, 500])(
    'walks every live pod exactly once at limit %i, in the default order',
    async (limit) => {
      const { pods, requests } = await walkPods(h, 'list_pods', LIST, {}, limit, live.length);
      expect(pods).toEqual(live.map(brief));
      expect(new Set(pods.map((p) => p.id)).size).toBe(live.length);
      expect(requests).toBe(Math.ceil(live.length / limit));
    },
  );

  it('serves 50 pods from offset 0 by default, with next = 50', async () => {
    const res = await h.get(LIST);
    expect(res.body).toEqual({ pods: live.slice(0, 50).map(brief), next: 50 });
  });

  it('answers an offset past the end with no pods and no next', async () => {
    const res = await h.get(LIST, { offset: String(live.length + 10) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ pods: [] });
  });

  it('omits next on the exact last page', async () => {
    const res = await h.get(LIST, { offset: String(live.length - 3), limit: '3' });
    expect(res.body).toEqual({ pods: live.slice(-3).map(brief) });
  });

  it.each([
    ['limit', '0', 'limit must be an integer from 1 to 500, got "0"'],
    ['limit', '501', 'limit must be an integer from 1 to 500, got "501"'],
    ['limit', '-5', 'limit must be an integer from 1 to 500, got "-5"'],
    ['limit', '1.5', 'limit must be an integer from 1 to 500, got "1.5"'],
    ['limit', 'ten', 'limit must be an integer from 1 to 500, got "ten"'],
    ['limit', '', 'limit must be an integer from 1 to 500, got ""'],
    ['offset', '-1', 'offset must be an integer from 0 to 2147483647, got "-1"'],
    ['offset', 'x', 'offset must be an integer from 0 to 2147483647, got "x"'],
    ['offset', '2147483648', 'offset must be an integer from 0 to 2147483647, got "2147483648"'],
  ])('rejects %s=%j with 400', async (name, value, message) => {
    await expectBadRequest(LIST, 'list_pods', { [name]: value }, message);
  });
});

type Key = string | number | null;

/** The documented order, implemented independently: nulls last ascending, first descending, ties by id. */
function independentSort(pods: RunaiPod[], key: (p: RunaiPod) => Key, order: 'asc' | 'desc'): RunaiPod[] {
  const cmp = (a: Key, b: Key): number => {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    return a < b ? -1 : 1;
  };
  const sign = order === 'asc' ? 1 : -1;
  return [...pods].sort((a, b) => sign * cmp(key(a), key(b)) || (a.id < b.id ? -1 : 1));
}

const time = (value: string | null | undefined): number | null => (value ? Date.parse(value) : null);
const SORT_KEYS: Record<string, (p: RunaiPod) => Key> = {
  clusterId: (p) => p.clusterId,
  workloadId: (p) => p.workloadId,
  revisionId: (p) => p.revisionId ?? null,
  nodeName: (p) => p.nodeName ?? null,
  currentNodepool: (p) => p.currentNodePool ?? null,
  createdAt: (p) => time(p.createdAt),
  completedAt: (p) => time(p.completedAt),
  deletedAt: (p) => time(p.deletedAt),
};

describe('sortBy and sortOrder', () => {
  for (const [field, key] of Object.entries(SORT_KEYS)) {
    for (const order of ['asc', 'desc'] as const) {
      it(`orders by ${field} ${order}, ties by id`, async () => {
        const pods = await listAll({ sortBy: field, sortOrder: order }, live.length);
        expect(pods.map((p) => p.id)).toEqual(independentSort(live, key, order).map((p) => p.id));
      });
    }
  }

  it('orders deleted pods by deletedAt desc', async () => {
    const pods = await listAll({ deleted: 'true', sortBy: 'deletedAt', sortOrder: 'desc' }, deleted.length);
    expect(pods).toEqual(
      independentSort(deleted, SORT_KEYS.deletedAt as (p: RunaiPod) => Key, 'desc').map(brief),
    );
  });

  it('applies sortOrder to the default createdAt order', async () => {
    const pods = await listAll({ sortOrder: 'desc' }, live.length);
    expect(pods.map((p) => p.id)).toEqual(
      independentSort(live, SORT_KEYS.createdAt as (p: RunaiPod) => Key, 'desc').map((p) => p.id),
    );
  });

  it('has ties on createdAt that only the id breaks (so the tie-break is exercised)', () => {
    expect(new Set(live.map((p) => p.createdAt)).size).toBeLessThan(live.length);
  });

  it.each([
    [
      'sortBy',
      'name',
      'sortBy must be one of clusterId, workloadId, revisionId, nodeName, currentNodepool, createdAt, completedAt, deletedAt, got "name"',
    ],
    [
      'sortBy',
      'currentNodePool',
      'sortBy must be one of clusterId, workloadId, revisionId, nodeName, currentNodepool, createdAt, completedAt, deletedAt, got "currentNodePool"',
    ],
    ['sortOrder', 'DESC', 'sortOrder must be asc or desc, got "DESC"'],
  ])('rejects %s=%s with 400', async (name, value, message) => {
    await expectBadRequest(LIST, 'list_pods', { [name]: value }, message);
  });
});

describe('filterBy', () => {
  const pick = (f: (p: RunaiPod) => boolean): RunaiPod => {
    const pod = live.find(f);
    if (!pod) throw new Error('fixture pod not found');
    return pod;
  };
  // Fixtures chosen from the data so every case selects some pods but not all.
  // The second-smallest cluster id, so that <= and >= both select some clusters but not all.
  const cluster = () => [...new Set(live.map((p) => p.clusterId))].sort()[1] as string;
  const revision = () => pick((p) => Boolean(p.revisionId)).revisionId as string;
  const workload = () => pick((p) => p.k8sPhase === 'Running').workloadId;
  const midCreated = () => live[Math.floor(live.length / 2)]?.createdAt as string;
  const completedPod = () => pick((p) => Boolean(p.completedAt));

  const cases: { name: string; filter: () => string | string[]; expected: (p: RunaiPod) => boolean }[] = [
    {
      name: 'clusterId ==',
      filter: () => `clusterId==${cluster()}`,
      expected: (p) => p.clusterId === cluster(),
    },
    {
      name: 'clusterId !=',
      filter: () => `clusterId!=${cluster()}`,
      expected: (p) => p.clusterId !== cluster(),
    },
    {
      name: 'clusterId <=',
      filter: () => `clusterId<=${cluster()}`,
      expected: (p) => p.clusterId <= cluster(),
    },
    {
      name: 'clusterId >=',
      filter: () => `clusterId>=${cluster()}`,
      expected: (p) => p.clusterId >= cluster(),
    },
    {
      name: 'workloadId ==',
      filter: () => `workloadId==${workload()}`,
      expected: (p) => p.workloadId === workload(),
    },
    {
      name: 'revisionId == (inference pods only)',
      filter: () => `revisionId==${revision()}`,
      expected: (p) => p.revisionId === revision(),
    },
    {
      name: 'revisionId != (null never matches)',
      filter: () => `revisionId!=${revision()}`,
      expected: (p) => p.revisionId !== null && p.revisionId !== undefined && p.revisionId !== revision(),
    },
    {
      name: 'revisionId =@ (contains)',
      filter: () => 'revisionId=@4',
      expected: (p) => typeof p.revisionId === 'string' && p.revisionId.includes('4'),
    },
    {
      name: 'nodeName =^ (starts with)',
      filter: () => 'nodeName=^ip-10-1-',
      expected: (p) => typeof p.nodeName === 'string' && p.nodeName.startsWith('ip-10-1-'),
    },
    {
      name: 'nodeName =$ (ends with)',
      filter: () => 'nodeName=$.ec2.internal',
      expected: (p) => typeof p.nodeName === 'string' && p.nodeName.endsWith('.ec2.internal'),
    },
    {
      name: 'nodeName =$ (ends with, not merely contains)',
      filter: () => 'nodeName=$1',
      expected: (p) => typeof p.nodeName === 'string' && p.nodeName.endsWith('1'),
    },
    {
      name: 'nodeName =^ (starts with, not merely contains)',
      filter: () => 'nodeName=^r',
      expected: (p) => typeof p.nodeName === 'string' && p.nodeName.startsWith('r'),
    },
    {
      name: 'nodeName !@ (does not contain; null never matches)',
      filter: () => 'nodeName!@ec2',
      expected: (p) => typeof p.nodeName === 'string' && !p.nodeName.includes('ec2'),
    },
    {
      name: 'nodeName == a name with = @ ^ $',
      filter: () => 'nodeName==gpu=node@rack^a$1',
      expected: (p) => p.nodeName === 'gpu=node@rack^a$1',
    },
    {
      name: 'nodeName =@ an operator-like substring',
      filter: () => 'nodeName=@=node@',
      expected: (p) => typeof p.nodeName === 'string' && p.nodeName.includes('=node@'),
    },
    {
      name: 'nodeName === reads the third = as part of the value',
      filter: () => 'nodeName===node',
      expected: (p) => p.nodeName === '=node',
    },
    {
      name: 'currentNodepool == (lowercase p, maps to currentNodePool)',
      filter: () => 'currentNodepool==h100-spot-1',
      expected: (p) => p.currentNodePool === 'h100-spot-1',
    },
    {
      name: 'currentNodepool =^',
      filter: () => 'currentNodepool=^a100',
      expected: (p) => typeof p.currentNodePool === 'string' && p.currentNodePool.startsWith('a100'),
    },
    {
      name: 'currentNodepool !=',
      filter: () => 'currentNodepool!=h100-spot-1',
      expected: (p) => typeof p.currentNodePool === 'string' && p.currentNodePool !== 'h100-spot-1',
    },
    {
      name: 'createdAt >= (instant)',
      filter: () => `createdAt>=${midCreated()}`,
      expected: (p) => Date.parse(p.createdAt) >= Date.parse(midCreated()),
    },
    {
      name: 'createdAt <= with another offset for the same instant',
      filter: () => `createdAt<=${shiftToOffset(midCreated())}`,
      expected: (p) => Date.parse(p.createdAt) <= Date.parse(midCreated()),
    },
    {
      name: 'createdAt == (instant, other notation)',
      filter: () => `createdAt==${shiftToOffset(midCreated())}`,
      expected: (p) => p.createdAt === midCreated(),
    },
    {
      name: 'createdAt !=',
      filter: () => `createdAt!=${midCreated()}`,
      expected: (p) => p.createdAt !== midCreated(),
    },
    {
      name: 'completedAt <= (null never matches)',
      filter: () => `completedAt<=${completedPod().completedAt}`,
      expected: (p) =>
        Boolean(p.completedAt) &&
        Date.parse(p.completedAt as string) <= Date.parse(completedPod().completedAt as string),
    },
    {
      name: 'two entries in one parameter are ANDed',
      filter: () => `currentNodepool=^h100,createdAt>=${midCreated()}`,
      expected: (p) =>
        typeof p.currentNodePool === 'string' &&
        p.currentNodePool.startsWith('h100') &&
        Date.parse(p.createdAt) >= Date.parse(midCreated()),
    },
    {
      name: 'repeated parameters are ANDed',
      filter: () => [`clusterId==${cluster()}`, 'currentNodepool=^a100', `createdAt>=${midCreated()}`],
      expected: (p) =>
        p.clusterId === cluster() &&
        typeof p.currentNodePool === 'string' &&
        p.currentNodePool.startsWith('a100') &&
        Date.parse(p.createdAt) >= Date.parse(midCreated()),
    },
  ];

  it.each(cases)('$name', async ({ filter, expected }) => {
    const want = live.filter(expected);
    const query = { filterBy: filter() };
    const got = await listAll(query, want.length);
    expect(got).toEqual(want.map(brief));
    expect(await count(query)).toBe(want.length);
    // A case that selected nothing or everything could not tell a broken filter from a working one,
    // except the deliberately empty `===` case.
    if (!String(query.filterBy).includes('===')) {
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(live.length);
    }
  });

  it('filters deleted pods by deletedAt', async () => {
    const cut = deleted[Math.floor(deleted.length / 2)]?.deletedAt as string;
    const want = deleted.filter((p) => Date.parse(p.deletedAt as string) >= Date.parse(cut));
    const query = { deleted: 'true', filterBy: `deletedAt>=${cut}` };
    expect(await listAll(query, want.length)).toEqual(want.map(brief));
    expect(await count(query)).toBe(want.length);
    expect(await count({ filterBy: `deletedAt>=${cut}` })).toBe(0);
  });

  it('treats an empty filterBy as no filter (form style: the empty array)', async () => {
    expect(await count({ filterBy: '' })).toBe(live.length);
  });

  const FORMAT =
    'must be <field><operator><value> with a field of clusterId, workloadId, revisionId, nodeName, currentNodepool, ' +
    'createdAt, completedAt, deletedAt, an operator of == != <= >= =@ !@ =^ =$ and a non-empty value';
  it.each([
    ['no operator', 'nodeName', `filterBy entry "nodeName" ${FORMAT}`],
    ['a one-character operator', 'nodeName<ip', `filterBy entry "nodeName<ip" ${FORMAT}`],
    ['an unknown field', 'podName==x', `filterBy entry "podName==x" ${FORMAT}`],
    ['a field in the wrong case', 'NodeName==x', `filterBy entry "NodeName==x" ${FORMAT}`],
    [
      'the camel-case currentNodePool',
      'currentNodePool==h100-spot-1',
      `filterBy entry "currentNodePool==h100-spot-1" ${FORMAT}`,
    ],
    ['an empty value', 'nodeName==', `filterBy entry "nodeName==" ${FORMAT}`],
    [
      'a value with a comma (split into two entries)',
      'nodeName==rack,7=node@b^c$',
      `filterBy entry "7=node@b^c$" ${FORMAT}`,
    ],
    ['a trailing comma', 'nodeName==x,', `filterBy entry "" ${FORMAT}`],
    [
      'a bad date',
      'createdAt>=yesterday',
      'filterBy entry "createdAt>=yesterday": createdAt expects an ISO 8601 timestamp such as 2026-01-01T00:00:00Z, got "yesterday"',
    ],
    [
      'a date without an offset',
      'createdAt>=2025-12-01T00:00:00',
      'filterBy entry "createdAt>=2025-12-01T00:00:00": createdAt expects an ISO 8601 timestamp such as 2026-01-01T00:00:00Z, got "2025-12-01T00:00:00"',
    ],
    [
      'a date that does not exist',
      'completedAt<=2025-02-30T00:00:00Z',
      'filterBy entry "completedAt<=2025-02-30T00:00:00Z": completedAt expects an ISO 8601 timestamp such as 2026-01-01T00:00:00Z, got "2025-02-30T00:00:00Z"',
    ],
    [
      'a date with =@',
      'createdAt=@2025',
      'filterBy entry "createdAt=@2025": createdAt is a date and accepts only == != <= >=, got =@',
    ],
    [
      'a date with =^',
      'deletedAt=^2025',
      'filterBy entry "deletedAt=^2025": deletedAt is a date and accepts only == != <= >=, got =^',
    ],
  ])('rejects %s with 400 naming the entry', async (_, filterBy, message) => {
    await expectBadRequest(LIST, 'list_pods', { filterBy }, message);
    await expectBadRequest(COUNT, 'count_pods', { filterBy }, message);
  });

  it('rejects a malformed entry among valid ones, in a repeated parameter too', async () => {
    await expectBadRequest(
      LIST,
      'list_pods',
      { filterBy: ['clusterId==x', 'bogus'] },
      `filterBy entry "bogus" ${FORMAT}`,
    );
  });
});

describe('search, completed, deleted, verbosity', () => {
  const searchable = (p: RunaiPod, term: string): boolean =>
    [p.name, p.workloadName, p.projectName, p.nodeName].some(
      (s) => typeof s === 'string' && s.toLowerCase().includes(term.toLowerCase()),
    );

  it.each([
    ['a project name', 'RecSys'],
    ['a node name with = @ ^ $', 'NODE@RACK^'],
    ['a workload name with a comma', 'sweep,lr='],
    ['a pod name fragment', '-master-'],
  ])(
    'search matches %s case-insensitively over name, workloadName, projectName, nodeName',
    async (_, term) => {
      const want = live.filter((p) => searchable(p, term));
      expect(want.length).toBeGreaterThan(0);
      expect(await listAll({ search: term }, want.length)).toEqual(want.map(brief));
      expect(await count({ search: term })).toBe(want.length);
    },
  );

  it('search, filterBy and deleted combine in count_pods exactly as in list_pods', async () => {
    const query = { deleted: 'true', search: 'a', filterBy: 'currentNodepool=^h100' };
    const want = deleted.filter(
      (p) =>
        searchable(p, 'a') && typeof p.currentNodePool === 'string' && p.currentNodePool.startsWith('h100'),
    );
    expect(want.length).toBeGreaterThan(0);
    expect(await listAll(query, want.length)).toEqual(want.map(brief));
    expect(await count(query)).toBe(want.length);
  });

  it('counts every live pod and every deleted pod', async () => {
    expect(await count({})).toBe(live.length);
    expect(await count({ deleted: 'false' })).toBe(live.length);
    expect(await count({ deleted: 'true' })).toBe(deleted.length);
    expect(live.length + deleted.length).toBe(h.data.pods.length);
  });

  it('deleted=true returns only deleted pods', async () => {
    expect(await listAll({ deleted: 'true' }, deleted.length)).toEqual(deleted.map(brief));
  });

  it.each([
    ['true', (p: RunaiPod) => Boolean(p.completedAt)],
    ['false', (p: RunaiPod) => !p.completedAt],
    ['all', () => true],
    ['', () => true],
  ])('completed=%j', async (completed, expected) => {
    const want = live.filter(expected);
    expect(await listAll({ completed }, want.length)).toEqual(want.map(brief));
  });

  it('verbosity=full adds workloadName and projectName; brief (the default) omits them', async () => {
    const full = await h.get(LIST, { verbosity: 'full', limit: '5' });
    expect(full.body).toEqual({ pods: live.slice(0, 5), next: 5 });
    expectValidResponse('list_pods', 200, full.body);
    const explicitBrief = await h.get(LIST, { verbosity: 'brief', limit: '5' });
    expect(explicitBrief.body).toEqual({ pods: live.slice(0, 5).map(brief), next: 5 });
    for (const pod of (explicitBrief.body as { pods: RunaiPod[] }).pods) {
      expect(pod).not.toHaveProperty('workloadName');
      expect(pod).not.toHaveProperty('projectName');
    }
  });

  it.each([
    ['completed', 'yes', 'completed must be true, false or all, got "yes"'],
    ['deleted', '1', 'deleted must be true or false, got "1"'],
    ['deleted', '', 'deleted must be true or false, got ""'],
    ['verbosity', 'verbose', 'verbosity must be brief or full, got "verbose"'],
  ])('rejects %s=%j with 400', async (name, value, message) => {
    await expectBadRequest(LIST, 'list_pods', { [name]: value }, message);
  });

  it('count_pods rejects a bad deleted too', async () => {
    await expectBadRequest(
      COUNT,
      'count_pods',
      { deleted: 'maybe' },
      'deleted must be true or false, got "maybe"',
    );
  });
});

/** The same instant written with a +02:00 offset. */
function shiftToOffset(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString().slice(0, 19);
  return `${shifted}+02:00`;
}
