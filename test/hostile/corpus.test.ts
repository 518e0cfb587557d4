/**
 * The hostile-input corpus: malformed, forged and cross-connection cursors; filter values with
 * quotes, backslashes, commas, wildcards and operators; traversal in names and ids; huge page
 * sizes; oversized and wrongly typed bodies. Each case gets an error with a code from the closed
 * set and a message, makes no upstream call when the gateway can refuse it itself, and the
 * process keeps serving.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeCursor, connectionBinding } from '../../src/pagination/connection.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => (gw = await startTestGateway()));
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

const NO_CALLS = { fireworks: {}, runai: {}, gitpod: {} };
const b64 = (text: string) => Buffer.from(text).toString('base64url');

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  code: string;
  /** A fragment of the message a person can act on. */
  message: RegExp;
}

const CONNECTIONS = [
  '{ clusters(first: 2, after: $c) { totalCount } }',
  '{ nodePools(first: 2, after: $c) { totalCount } }',
  '{ batchJobs(first: 2, after: $c) { totalCount } }',
  '{ pods(first: 2, after: $c) { totalCount } }',
  '{ warmPools(first: 2, after: $c) { totalCount } }',
];
const FORGED_CURSORS: [string, string][] = [
  ['empty string', ''],
  ['not base64url', '!!!'],
  ['base64 of plain text', b64('hello')],
  ['JSON array', b64('[1,2,3]')],
  ['JSON null', b64('null')],
  ['wrong version', b64(JSON.stringify({ v: 2, b: 'x', p: { o: 1 } }))],
  ['binding from nowhere', b64(JSON.stringify({ v: 1, b: 'AAAAAAAAAAAAAAAA', p: { o: 1 } }))],
  ['4 KiB of padding', 'A'.repeat(5000)],
  ['a global ID instead of a cursor', b64('Cluster:accounts/fleetgraph-demo/clusters/x')],
  ['SQL injection text', "' OR 1=1 --"],
];

const cursorCases: Case[] = CONNECTIONS.flatMap((connection) =>
  FORGED_CURSORS.map(([what, cursor]) => ({
    name: `${connection.slice(2, connection.indexOf('('))} with a cursor that is ${what}`,
    query: `query($c: String) ${connection}`,
    variables: { c: cursor },
    code: 'BAD_USER_INPUT',
    message: /cursor|another connection/,
  })),
);

const crossCursorCases: Case[] = [
  ['Query.pods', 'query($c: String) { clusters(first: 1, after: $c) { totalCount } }'],
  ['Query.clusters', 'query($c: String) { pods(first: 1, after: $c) { totalCount } }'],
  ['Query.clusters', 'query($c: String) { nodePools(first: 1, after: $c) { totalCount } }'],
  [
    'Query.batchJobs',
    'query($c: String) { batchJobs(first: 1, after: $c, orderBy: {field: NAME, direction: DESC}) { totalCount } }',
  ],
  ['Query.pods', 'query($c: String) { pods(first: 1, after: $c, filter: {completed: true}) { totalCount } }'],
].map(([identity, query]) => ({
  name: `a well-formed cursor of another connection or argument set (${identity}) in ${String(query).slice(22, 60)}`,
  query: query as string,
  variables: {
    c: encodeCursor(connectionBinding(identity as string, { filter: null, orderBy: 'name' }), {
      o: 3,
      t: '',
      i: 0,
    }),
  },
  code: 'BAD_USER_INPUT',
  message: /another connection/,
}));

const HOSTILE_FIREWORKS = ['a*', '*', 'x" OR name = "*', '**'];
const fireworksFilterCases: Case[] = [
  ['batchJobs', 'displayName'],
  ['batchJobs', 'createdBy'],
  ['batchJobs', 'nodePoolId'],
  ['nodePools', 'displayName'],
  ['nodePools', 'instanceType'],
  ['clusters', 'displayName'],
].flatMap(([field, arg]) =>
  HOSTILE_FIREWORKS.map((value) => ({
    name: `${field}(filter: {${arg}: ${JSON.stringify(value)}}) (a wildcard cannot be escaped in AIP-160)`,
    query: `query($v: String) { ${field}(first: 1, filter: {${arg}: $v}) { totalCount } }`,
    variables: { v: value },
    code: 'BAD_USER_INPUT',
    message: /cannot contain "\*"/,
  })),
);

const HOSTILE_RUNAI = ['a,b', 'x,workloadId==y', ',', 'gpu,node', ''];
const runaiFilterCases: Case[] = ['nodeName', 'nodeNameContains'].flatMap((arg) =>
  HOSTILE_RUNAI.map((value) => ({
    name: `pods(filter: {${arg}: ${JSON.stringify(value)}}) (Run:ai splits filterBy on commas)`,
    query: `query($v: String) { pods(first: 1, filter: {${arg}: $v}) { totalCount } }`,
    variables: { v: value },
    code: 'BAD_USER_INPUT',
    message: value === '' ? /cannot be empty/ : /cannot contain ","/,
  })),
);

const idFilterCases: Case[] = [
  ['pods', 'workloadId', 'not-a-uuid'],
  ['pods', 'workloadId', '00000000-0000-0000-0000-000000000000,x'],
  ['pods', 'revisionId', '../../etc/passwd'],
  ['warmPools', 'projectIds', ['not-a-uuid']],
  ['warmPools', 'environmentClassIds', ['1; DROP TABLE']],
].map(([field, arg, value]) => ({
  name: `${field}(filter: {${String(arg)}: ${JSON.stringify(value)}}) (ids must be UUIDs)`,
  query: `query($v: ${Array.isArray(value) ? '[ID!]' : 'ID'}) { ${String(field)}(first: 1, filter: {${String(arg)}: $v}) { totalCount } }`,
  variables: { v: value },
  code: 'BAD_USER_INPUT',
  message: /UUID/,
}));

const TRAVERSAL = [
  '../other-account',
  'accounts/fleetgraph-demo/clusters/../../accounts/other/clusters/x',
  'accounts/fleetgraph-demo/clusters/a%2Fb',
  'accounts/fleetgraph-demo/clusters/a/b',
  'x?pageSize=1',
  'x#frag',
  ' ',
  'a\u0000b',
  'accounts//clusters/x',
];
const nameCases: Case[] = [
  ...TRAVERSAL.map((name) => ({
    name: `cluster(name: ${JSON.stringify(name)})`,
    query: 'query($n: String!) { cluster(name: $n) { name } }',
    variables: { n: name },
    code: 'BAD_USER_INPUT',
    message: /is not a cluster name/,
  })),
  ...TRAVERSAL.map((name) => ({
    name: `nodePool(name: ${JSON.stringify(name)})`,
    query: 'query($n: String!) { nodePool(name: $n) { name } }',
    variables: { n: name },
    code: 'BAD_USER_INPUT',
    message: /is not a node pool name/,
  })),
  ...TRAVERSAL.map((name) => ({
    name: `batchJob(name: ${JSON.stringify(name)})`,
    query: 'query($n: String!) { batchJob(name: $n) { name } }',
    variables: { n: name },
    code: 'BAD_USER_INPUT',
    message: /is not a batch job name/,
  })),
  ...['accounts/other-account/clusters/us-east-1-prod', 'accounts/victim/clusters/x'].map((name) => ({
    name: `cluster(name: ${JSON.stringify(name)}) in another account`,
    query: 'query($n: String!) { cluster(name: $n) { name } }',
    variables: { n: name },
    code: 'NOT_FOUND',
    message: /this gateway serves account "fleetgraph-demo"/,
  })),
  ...[
    ['workloadPods(workloadId: "../x")', '{ workloadPods(workloadId: "../x", first: 1) { totalCount } }'],
    ['workloadPods(workloadId: "%2e%2e")', '{ workloadPods(workloadId: "%2e%2e", first: 1) { totalCount } }'],
    ['revisionPods(revisionId: "a/b")', '{ revisionPods(revisionId: "a/b", first: 1) { totalCount } }'],
  ].map(([name, query]) => ({
    name: name as string,
    query: query as string,
    code: 'BAD_USER_INPUT',
    message: /UUID/,
  })),
];

const idCases: Case[] = [
  'garbage',
  '',
  b64('Nope:1'),
  b64('Cluster:'),
  b64('Cluster:accounts/other/clusters/x'),
  b64('NodePool:../../x'),
  b64('BatchJob:accounts/fleetgraph-demo/clusters/x/nodePools/y'),
  'x'.repeat(2000),
].map((id) => ({
  name: `node(id: ${JSON.stringify(id.slice(0, 40))})`,
  query: 'query($id: ID!) { node(id: $id) { id } }',
  variables: { id },
  code: id === b64('Cluster:accounts/other/clusters/x') ? 'NOT_FOUND' : 'BAD_USER_INPUT',
  message: /Fleetgraph ID|not a|No object/,
}));

const pageSizeCases: Case[] = [
  ['clusters', 'first', 101],
  ['clusters', 'first', -1],
  ['clusters', 'first', 1_000_000],
  ['pods', 'last', 101],
  ['pods', 'first', 2_147_483_647],
  ['warmPools', 'first', 500],
  ['batchJobs', 'first', 101],
  ['nodePools', 'first', -100],
].map(([field, arg, value]) => ({
  name: `${String(field)}(${String(arg)}: ${String(value)})`,
  query: `{ ${String(field)}(${String(arg)}: ${String(value)}) { totalCount } }`,
  code: 'BAD_USER_INPUT',
  message: /must be between 0 and 100/,
}));

const backwardCases: Case[] = ['clusters', 'nodePools', 'batchJobs', 'warmPools'].map((field) => ({
  name: `${field}(last: 5) on a forward-only upstream`,
  query: `{ ${field}(last: 5) { totalCount } }`,
  // The schema declares `last`/`before` only where they work (pod connections).
  code: 'GRAPHQL_VALIDATION_FAILED',
  message: /Unknown argument "last"/,
}));

const metricsCases: Case[] = [
  ['samples: 1001', 'samples: 1001', /samples/],
  ['samples: -1', 'samples: -1', /samples/],
  ['samples: 0', 'samples: 0', /`samples` must be from 1 to 1000, got 0/],
  ['start after end', 'start: "2026-02-01T00:00:00Z", end: "2026-01-01T00:00:00Z"', /start/],
  [
    'start after end within a millisecond',
    'start: "2026-01-01T00:00:00.0009Z", end: "2026-01-01T00:00:00.0001Z"',
    /start/,
  ],
].map(([name, args, message]) => ({
  name: `Pod.metrics with ${String(name)}`,
  query: `{ pods(first: 1) { nodes { metrics(types: [GPU_UTILIZATION], ${
    String(args).includes('start')
      ? String(args)
      : `start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z", ${String(args)}`
  }) { type } } } }`,
  code: 'BAD_USER_INPUT',
  message: message as RegExp,
}));

const dateCases: Case[] = ['yesterday', '2026-13-01T00:00:00Z', '2026-01-01', '1700000000'].map((value) => ({
  name: `a DateTime filter of ${JSON.stringify(value)}`,
  query: 'query($d: DateTime) { batchJobs(first: 1, filter: {createdAfter: $d}) { totalCount } }',
  variables: { d: value },
  code: 'BAD_USER_INPUT',
  message: /RFC 3339/,
}));

const dateLimitCases: Case[] = [
  ['9999-12-31T23:59:59-01:00', /years 0000–9999/],
  ['0000-01-01T00:00:00+01:00', /years 0000–9999/],
  ['2016-12-31T23:59:60Z', /leap second/],
].map(([value, message]) => ({
  name: `a DateTime filter of ${JSON.stringify(value)}`,
  query: 'query($d: DateTime) { pods(first: 1, filter: {createdBefore: $d}) { totalCount } }',
  variables: { d: value },
  code: 'BAD_USER_INPUT',
  message: message as RegExp,
}));

const ALL: Case[] = [
  ...cursorCases,
  ...crossCursorCases,
  ...fireworksFilterCases,
  ...runaiFilterCases,
  ...idFilterCases,
  ...nameCases,
  ...idCases,
  ...pageSizeCases,
  ...backwardCases,
  ...dateCases,
  ...dateLimitCases,
  // Refused while the operation is costed, before the pods are listed.
  ...metricsCases,
];

describe('hostile inputs refused before any upstream call', () => {
  it('has at least 100 cases', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(100);
  });

  it.each(ALL.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await gw.query(c.query, c.variables);
    expect(res.status).toBeLessThan(500);
    expect(res.errors?.length).toBeGreaterThan(0);
    const error = res.errors?.[0];
    expect(error?.extensions?.code).toBe(c.code);
    expect(error?.message).toMatch(c.message);
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('hostile HTTP requests', () => {
  const post = (body: string, contentType = 'application/json') =>
    fetch(gw.url, { method: 'POST', headers: { 'content-type': contentType }, body });

  it.each([
    ['a body that is not JSON', () => post('{"query": ')],
    [
      'a JSON array body (batching is off)',
      () => post(JSON.stringify([{ query: '{ clusters { totalCount } }' }])),
    ],
    ['a query that is not a string', () => post(JSON.stringify({ query: 42 }))],
    [
      'variables that are not an object',
      () => post(JSON.stringify({ query: '{ __typename }', variables: 'x' })),
    ],
    [
      'text/plain (a CSRF-able simple request)',
      () => post(JSON.stringify({ query: '{ __typename }' }), 'text/plain'),
    ],
    ['no query at all', () => post('{}')],
    ['a syntax error', () => post(JSON.stringify({ query: '{ clusters(first: 1 { totalCount } }' }))],
    [
      'an unknown operation name',
      () => post(JSON.stringify({ query: 'query A { __typename }', operationName: 'B' })),
    ],
    ['a 1 MiB body', () => post(JSON.stringify({ query: `{ __typename }${' '.repeat(1024 * 1024)}` }))],
  ])('answers %s with a 4xx and no upstream call', async (_name, send) => {
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toEqual(expect.any(String));
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('keeps serving after the whole corpus', async () => {
    const res = await gw.query('{ clusters(first: 1) { totalCount } }');
    expect(res).toEqual({ status: 200, data: { clusters: { totalCount: 4 } } });
  });
});
