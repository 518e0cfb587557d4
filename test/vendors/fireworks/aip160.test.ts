/**
 * The AIP-160 filter compiler as a table: each filter's matches over the generated data set must
 * equal those of a plain JS predicate written here; malformed filters must fail with
 * INVALID_ARGUMENT naming the problem and its offset.
 */
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/simulators/world.js';
import {
  Aip160FilterError,
  compileAip160Filter,
  generateFireworksData,
  parseAip160Filter,
  type FireworksBatchJobRecord as Job,
  type FireworksClusterRecord as Cluster,
  type FireworksNodePoolRecord as Pool,
} from '../../../src/vendors/fireworks/simulator/index.js';
import type { Aip160Expression } from '../../../src/vendors/fireworks/simulator/aip160.js';
import {
  BATCH_JOB_FIELDS,
  CLUSTER_FIELDS,
  NODE_POOL_FIELDS,
} from '../../../src/vendors/fireworks/simulator/fields.js';
import { quote } from '../../helpers/fireworks-sim.js';

const data = generateFireworksData(createWorld());
const t = (iso: string | undefined) => (iso === undefined ? NaN : Date.parse(iso));
const names = (items: readonly { name: string }[]) => items.map((i) => i.name);

function matches<T extends { name: string }>(
  filter: string,
  records: readonly T[],
  fields: typeof BATCH_JOB_FIELDS,
) {
  const predicate = compileAip160Filter(filter, fields);
  return names(records.filter((r) => predicate(r)));
}

const JOB_CASES: [string, (j: Job) => boolean][] = [
  ['state = RUNNING', (j) => j.state === 'RUNNING'],
  ['state != RUNNING', (j) => j.state !== 'RUNNING'],
  ['state:RUNNING', (j) => j.state === 'RUNNING'],
  ['state = RUNNING OR state = PENDING', (j) => j.state === 'RUNNING' || j.state === 'PENDING'],
  ['state = (RUNNING OR PENDING)', (j) => j.state === 'RUNNING' || j.state === 'PENDING'],
  // The comparator distributes over the OR: state != RUNNING OR state != PENDING, always true.
  ['state != (RUNNING OR PENDING)', () => true],
  ['state = STATE_UNSPECIFIED', (j) => j.state === 'STATE_UNSPECIFIED'],
  [
    'node_pool_id = "a100-ondemand-1" AND state = COMPLETED',
    (j) => j.nodePoolId === 'a100-ondemand-1' && j.state === 'COMPLETED',
  ],
  ['nodePoolId = a100-ondemand-1', (j) => j.nodePoolId === 'a100-ondemand-1'],
  ["node_pool_id = 'l4-spot-2'", (j) => j.nodePoolId === 'l4-spot-2'],
  ['num_ranks >= 32', (j) => (j.numRanks ?? 0) >= 32],
  ['num_ranks < 2', (j) => (j.numRanks ?? 0) < 2],
  ['num_ranks = 8', (j) => j.numRanks === 8],
  ['num_ranks <= 4', (j) => (j.numRanks ?? 0) <= 4],
  ['num_ranks > 16.5', (j) => (j.numRanks ?? 0) > 16.5],
  ['num_ranks != 8', (j) => j.numRanks !== 8],
  ['create_time > "2026-01-15T00:00:00Z"', (j) => t(j.createTime) > Date.parse('2026-01-15T00:00:00Z')],
  [
    "create_time <= '2026-01-10T12:00:00+02:00'",
    (j) => t(j.createTime) <= Date.parse('2026-01-10T10:00:00Z'),
  ],
  [
    'create_time >= "2026-01-10T00:00:00.500Z"',
    (j) => t(j.createTime) >= Date.parse('2026-01-10T00:00:00.500Z'),
  ],
  ['end_time < "2026-01-12T00:00:00Z"', (j) => t(j.endTime) < Date.parse('2026-01-12T00:00:00Z')],
  ['start_time:*', (j) => j.startTime !== undefined],
  ['NOT end_time:*', (j) => j.endTime === undefined],
  ['-end_time:*', (j) => j.endTime === undefined],
  ['shared = true', (j) => j.shared === true],
  ['shared != true', (j) => j.shared !== true],
  ['python_executor.target_type = MODULE', (j) => j.pythonExecutor?.targetType === 'MODULE'],
  ['pythonExecutor.targetType = FILENAME', (j) => j.pythonExecutor?.targetType === 'FILENAME'],
  ['python_executor:*', (j) => j.pythonExecutor !== undefined],
  ['notebook_executor:*', (j) => j.notebookExecutor !== undefined],
  [
    'shell_executor.command = "*nvidia-smi*"',
    (j) => j.shellExecutor?.command?.includes('nvidia-smi') === true,
  ],
  ['python_executor.args:"--config"', (j) => j.pythonExecutor?.args?.includes('--config') === true],
  [
    'python_executor.args:"--seed=1*"',
    (j) => j.pythonExecutor?.args?.some((a) => a.startsWith('--seed=1')) === true,
  ],
  ['python_executor.args:*', (j) => (j.pythonExecutor?.args?.length ?? 0) > 0],
  ['annotations:"fleetgraph.dev/priority"', (j) => j.annotations?.['fleetgraph.dev/priority'] !== undefined],
  ['annotations:fleetgraph.dev/note', (j) => j.annotations?.['fleetgraph.dev/note'] !== undefined],
  [
    'annotations.fleetgraph.dev/priority = high',
    (j) => j.annotations?.['fleetgraph.dev/priority'] === 'high',
  ],
  ['annotations.fleetgraph.dev/priority:high', (j) => j.annotations?.['fleetgraph.dev/priority'] === 'high'],
  [
    'annotations.fleetgraph.dev/priority != high',
    (j) => j.annotations?.['fleetgraph.dev/priority'] !== 'high',
  ],
  [
    'annotations."fleetgraph.dev/note" = "rerun of \\"baseline\\""',
    (j) => j.annotations?.['fleetgraph.dev/note'] === 'rerun of "baseline"',
  ],
  ['annotations:*', (j) => j.annotations !== undefined],
  [
    'env_vars.EXTRA_ARGS = "--flag=a,b --name=\\"x y\\""',
    (j) => j.envVars?.EXTRA_ARGS === '--flag=a,b --name="x y"',
  ],
  ['envVars:NCCL_DEBUG', (j) => j.envVars?.NCCL_DEBUG !== undefined],
  ['environment_id != "x"', (j) => j.environmentId !== 'x'],
  ['environment_id:*', (j) => j.environmentId !== undefined],
  ['image_ref = "ghcr.io/*"', (j) => j.imageRef?.startsWith('ghcr.io/') === true],
  [
    'snapshot_id:* AND NOT environment_id:*',
    (j) => j.snapshotId !== undefined && j.environmentId === undefined,
  ],
  ['role = "*-batch-research"', (j) => j.role?.endsWith('-batch-research') === true],
  ['status = "exit code 0"', (j) => j.status === 'exit code 0'],
  ['status = "*NCCL*"', (j) => j.status?.includes('NCCL') === true],
  ['created_by = "ops+batch@fleetgraph.dev"', (j) => j.createdBy === 'ops+batch@fleetgraph.dev'],
  ['created_by = "*.*@fleetgraph.dev"', (j) => /^.*\..*@fleetgraph\.dev$/.test(j.createdBy ?? '')],
  ['display_name = llama*', (j) => j.displayName?.startsWith('llama') === true],
  ['display_name = "*#1?"', () => false],
  ['display_name < "d"', (j) => (j.displayName ?? '') < 'd'],
  ['name = "*/clusters/us-west-2-prod/*"', (j) => j.name.includes('/clusters/us-west-2-prod/')],
  // OR binds tighter than AND: (FAILED OR CANCELLED) AND shared.
  [
    'state = FAILED OR state = CANCELLED AND shared = true',
    (j) => (j.state === 'FAILED' || j.state === 'CANCELLED') && j.shared === true,
  ],
  [
    'shared = true AND state = FAILED OR state = CANCELLED',
    (j) => j.shared === true && (j.state === 'FAILED' || j.state === 'CANCELLED'),
  ],
  ['state = RUNNING shared = true', (j) => j.state === 'RUNNING' && j.shared === true],
  ['NOT (state = RUNNING OR state = COMPLETED)', (j) => j.state !== 'RUNNING' && j.state !== 'COMPLETED'],
  [
    '-(state = RUNNING) AND (num_ranks = 1 OR num_ranks = 64)',
    (j) => j.state !== 'RUNNING' && (j.numRanks === 1 || j.numRanks === 64),
  ],
  ['  state   =   RUNNING\t', (j) => j.state === 'RUNNING'],
];

const POOL_CASES: [string, (p: Pool) => boolean][] = [
  ['name = "*-spot-*"', (p) => p.name.includes('-spot-')],
  ['eks_node_pool.instance_type = "p5.48xlarge"', (p) => p.eksNodePool?.instanceType === 'p5.48xlarge'],
  ['eks_node_pool.instance_type = p4d.24xlarge', (p) => p.eksNodePool?.instanceType === 'p4d.24xlarge'],
  ['eks_node_pool.spot = true', (p) => p.eksNodePool?.spot === true],
  ['fake_node_pool:*', (p) => p.fakeNodePool !== undefined],
  ['eks_node_pool.placement_group:*', (p) => p.eksNodePool?.placementGroup !== undefined],
  ['node_pool_stats.node_count > 5', (p) => (p.nodePoolStats?.nodeCount ?? 0) > 5],
  [
    'node_pool_stats.batch_job_count.RUNNING >= 10',
    (p) => (p.nodePoolStats?.batchJobCount?.RUNNING ?? 0) >= 10,
  ],
  [
    'node_pool_stats.batch_job_count:STATE_UNSPECIFIED',
    (p) => p.nodePoolStats?.batchJobCount?.STATE_UNSPECIFIED !== undefined,
  ],
  [
    'annotations.kubernetes.io/description:*',
    (p) => p.annotations?.['kubernetes.io/description'] !== undefined,
  ],
  [
    'annotations."fleetgraph.dev/team" = research',
    (p) => p.annotations?.['fleetgraph.dev/team'] === 'research',
  ],
  [
    'state = FAILED AND status.code = RESOURCE_EXHAUSTED',
    (p) => p.state === 'FAILED' && p.status?.code === 'RESOURCE_EXHAUSTED',
  ],
  ['status.message = "*capacity*"', (p) => p.status?.message?.includes('capacity') === true],
  ['state != READY', (p) => p.state !== 'READY'],
];

const CLUSTER_CASES: [string, (c: Cluster) => boolean][] = [
  ['eks_cluster.region = "us-west-2"', (c) => c.eksCluster?.region === 'us-west-2'],
  ['fake_cluster:*', (c) => c.fakeCluster !== undefined],
  ['NOT eksCluster.awsAccountId:*', (c) => c.eksCluster?.awsAccountId === undefined],
  ['display_name = "*(prod)"', (c) => c.displayName?.endsWith('(prod)') === true],
];

describe('compileAip160Filter', () => {
  describe.each(JOB_CASES)('batch jobs: %s', (filter, predicate) => {
    it('matches exactly the jobs the plain predicate selects', () => {
      const expected = names(data.batchJobs.filter(predicate));
      expect(matches(filter, data.batchJobs, BATCH_JOB_FIELDS)).toEqual(expected);
    });
  });

  describe.each(POOL_CASES)('node pools: %s', (filter, predicate) => {
    it('matches exactly the pools the plain predicate selects', () => {
      expect(matches(filter, data.nodePools, NODE_POOL_FIELDS)).toEqual(
        names(data.nodePools.filter(predicate)),
      );
    });
  });

  describe.each(CLUSTER_CASES)('clusters: %s', (filter, predicate) => {
    it('matches exactly the clusters the plain predicate selects', () => {
      expect(matches(filter, data.clusters, CLUSTER_FIELDS)).toEqual(names(data.clusters.filter(predicate)));
    });
  });

  it('the table discriminates: most filters select some records but not all', () => {
    const trivial = JOB_CASES.filter(([, p]) => {
      const n = data.batchJobs.filter(p).length;
      return n === 0 || n === data.batchJobs.length;
    }).map(([f]) => f);
    // Each of these is trivial on purpose: an always-true OR of inequalities, a pattern that
    // matches no name, an absent field under `!=`, and the data's snapshot-needs-environment rule.
    expect(trivial).toEqual([
      'state != (RUNNING OR PENDING)',
      'environment_id != "x"',
      'snapshot_id:* AND NOT environment_id:*',
      'display_name = "*#1?"',
    ]);
  });

  it('matches every hostile display name literally when quoted (injection stays data)', () => {
    const hostile = [...new Set(data.batchJobs.map((j) => j.displayName ?? ''))].filter((n) =>
      /["\\,:]/.test(n),
    );
    expect(hostile.length).toBeGreaterThan(20);
    for (const name of hostile.filter((n) => !n.includes('*'))) {
      expect(matches(`display_name = ${quote(name)}`, data.batchJobs, BATCH_JOB_FIELDS)).toEqual(
        names(data.batchJobs.filter((j) => j.displayName === name)),
      );
    }
  });

  it('does not let `" OR name:*` inside a quoted string widen the match', () => {
    const injected = data.batchJobs.find((j) => j.displayName?.startsWith('name = "x" OR name:*'));
    expect(injected).toBeDefined();
    // The '*' inside the value is still a wildcard (AIP-160 has no escape for it) but only within
    // the one string: the match stays on display_name and never becomes `... OR name:*`.
    const found = matches(
      `display_name = ${quote(injected?.displayName ?? '')}`,
      data.batchJobs,
      BATCH_JOB_FIELDS,
    );
    expect(found).toEqual([injected?.name]);
    expect(matches('display_name = "x\\" OR name:*"', data.batchJobs, BATCH_JOB_FIELDS)).toEqual([]);
    expect(matches("display_name = 'x\\' OR name:*'", data.batchJobs, BATCH_JOB_FIELDS)).toEqual([]);
  });

  it('compiles an empty or blank filter to match everything', () => {
    expect(matches('', data.nodePools, NODE_POOL_FIELDS)).toEqual(names(data.nodePools));
    expect(matches('   ', data.nodePools, NODE_POOL_FIELDS)).toEqual(names(data.nodePools));
  });
});

function show(expr: Aip160Expression | undefined): string {
  if (expr === undefined) return '∅';
  switch (expr.type) {
    case 'and':
    case 'or':
      return `(${show(expr.left)} ${expr.type.toUpperCase()} ${show(expr.right)})`;
    case 'not':
      return `NOT ${show(expr.operand)}`;
    case 'restriction': {
      const arg = (a: typeof expr.arg): string =>
        a.type === 'value'
          ? JSON.stringify(a.value.text)
          : a.type === 'not'
            ? `NOT ${arg(a.operand)}`
            : `(${arg(a.left)} ${a.type.toUpperCase()} ${arg(a.right)})`;
      return `${expr.member.map((s) => s.text).join('.')}${expr.comparator}${arg(expr.arg)}`;
    }
  }
}

describe('parseAip160Filter', () => {
  it.each([
    ['a = 1 OR b = 2 AND c = 3', '((a="1" OR b="2") AND c="3")'],
    ['a = 1 AND b = 2 OR c = 3', '(a="1" AND (b="2" OR c="3"))'],
    ['a = 1 b = 2 AND c = 3', '((a="1" AND b="2") AND c="3")'],
    ['NOT a = 1 OR -b:*', '(NOT a="1" OR NOT b:"*")'],
    ['(a = 1 OR b = 2) AND NOT (c = 3)', '((a="1" OR b="2") AND NOT c="3")'],
    ['x.y.z >= -1.5e3', 'x.y.z>="-1.5e3"'],
    ["m.\"k.e y\" = 'v\\'s'", 'm.k.e y="v\'s"'],
    ['s = "a\\\\b\\"c"', 's="a\\\\b\\"c"'],
    ['s = (a OR NOT b)', 's=("a" OR NOT "b")'],
    ['name = *-spot-*', 'name="*-spot-*"'],
    ['', '∅'],
  ])('parses %s', (filter, expected) => {
    expect(show(parseAip160Filter(filter))).toBe(expected);
  });

  it('records which "*" are wildcards and where each restriction starts', () => {
    const ast = parseAip160Filter('  name = "a*b"');
    expect(ast).toEqual({
      type: 'restriction',
      member: [{ text: 'name', quoted: false, offset: 2 }],
      comparator: '=',
      arg: { type: 'value', value: { text: 'a*b', wildcards: [1], quoted: true, offset: 9 } },
      offset: 2,
    });
  });
});

describe('malformed filters', () => {
  it.each([
    ['state = ', 'expected a value after "=", got the end of the filter', 8],
    ['(state = RUNNING', 'expected ")" to close the "(" at offset 0, got the end of the filter', 16],
    ['state = RUNNING)', 'unexpected ")"; parentheses are unbalanced', 15],
    ['foo = 1', 'unknown field "foo" in "foo"', 0],
    [
      'state = running',
      '"running" is not a value of "state"; expected one of: STATE_UNSPECIFIED, CREATING,',
      8,
    ],
    ['num_ranks = abc', '"num_ranks" is a number, got "abc"', 12],
    ['create_time > "yesterday"', '"create_time" is a timestamp: expected RFC 3339', 14],
    ['create_time > "2026-13-01T00:00:00Z"', '"create_time" is a timestamp', 14],
    ['create_time > 2026-01-02T00:00:00Z', 'unexpected ":"; quote values that contain ":"', 27],
    ['display_name = "unterminated', 'unterminated string starting with "', 15],
    ["display_name = 'x", "unterminated string starting with '", 15],
    ['display_name = "bad \\n escape"', 'unsupported escape "\\n" in a string', 20],
    ['state', 'expected a comparator (= != < <= > >= :) after "state", got the end of the filter', 5],
    ['state RUNNING', 'expected a comparator (= != < <= > >= :) after "state", got "RUNNING"', 6],
    ['annotations = x', '"annotations" is a map: use annotations:KEY', 14],
    ['python_executor = x', '"python_executor" is a message: test its presence with python_executor:*', 18],
    ['python_executor.args = x', '"python_executor.args" is a repeated field', 23],
    ['shared = yes', '"shared" is a boolean: expected true or false, got "yes"', 9],
    ['state < RUNNING', '"state" is an enum: only = != : apply, got "<"', 8],
    ['display_name > "a*"', 'compared with a "*" wildcard: only = != : apply, got ">"', 15],
    ['num_ranks = 8*', '"num_ranks" is a number: "*" wildcards apply only to strings', 12],
    ['AND state = RUNNING', 'expected a field name, got "AND"', 0],
    ['state = RUNNING AND', 'expected a field name, got the end of the filter', 19],
    ['state = RUNNING OR', 'expected a field name, got the end of the filter', 18],
    ['state == RUNNING', 'expected a value after "=", got "="', 7],
    ['f(x)', 'expected a comparator (= != < <= > >= :) after "f", got "("', 1],
    ['state = a,b', 'unexpected ","; functions are not supported', 9],
    ['state ! RUNNING', 'unexpected "!"; use "!=" or NOT', 6],
    ['"state" = RUNNING', 'a field name cannot be quoted, got string "state"', 0],
    ['name.foo = x', 'field "name" has no subfields, got "name.foo"', 0],
    ['eks_node_pool. zone = x', 'expected a name right after ".", got "zone"', 13],
    ['state = ()', 'expected a value after "=", got ")"', 9],
    ['state = -x', 'expected a value after "=", got "-"', 8],
    ['constructor = x', 'unknown field "constructor"', 0],
  ])('rejects %s', (filter, message, offset) => {
    const fields = filter.startsWith('eks_node_pool') ? NODE_POOL_FIELDS : BATCH_JOB_FIELDS;
    let error: unknown;
    try {
      compileAip160Filter(filter, fields);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Aip160FilterError);
    const { message: text, offset: at } = error as Aip160FilterError;
    expect(text.startsWith('invalid filter: ')).toBe(true);
    expect(text).toContain(message);
    expect(text.endsWith(`(at offset ${offset})`)).toBe(true);
    expect(at).toBe(offset);
  });
});
