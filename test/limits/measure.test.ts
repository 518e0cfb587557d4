/**
 * The static measures of an operation: tokens (as graphql-js counts them), depth, aliases and
 * root fields, with fragments spread.
 */
import { getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countTokens, measureOperation, type OperationShape } from '../../src/graphql/limits.js';

function measure(query: string, operationName?: string): OperationShape {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('invalid test query: no operation');
  return measureOperation(document, operation);
}

describe('tokens', () => {
  it.each([
    ['{ a }', 3],
    ['{ clusters(first: 1) { totalCount } }', 11],
    ['query Q($n: Int = 5) { a(x: $n, y: "s", z: [1, 2.5, true]) @skip(if: false) }', 36],
    ['# a comment is no token\n{ a } # nor is this one', 3],
    ['{ a, b,,, c }', 5],
    ['', 0],
  ])('%j has %i tokens', (query, tokens) => {
    expect(countTokens(query)).toBe(tokens);
  });

  it("agrees with graphql-js' maxTokens, which parses at the count and refuses one below it", () => {
    const query = `query Fleet($n: Int) { # comment
      clusters(first: $n) { nodes { name pods(filter: { search: "a b" }) { totalCount } } }
    }`;
    const tokens = countTokens(query);
    expect(() => parse(query, { maxTokens: tokens })).not.toThrow();
    expect(() => parse(query, { maxTokens: tokens - 1 })).toThrow(`${tokens - 1} tokens. Parsing aborted.`);
  });

  it('stops at a lexical error with the count so far (parsing then reports the error)', () => {
    expect(countTokens('{ a b ? c }')).toBe(3);
  });
});

describe('depth', () => {
  it.each([
    ['counts every field on the longest path, the leaf included', '{ clusters { totalCount } }', 2],
    [
      'takes the deepest branch',
      '{ clusters { totalCount nodes { nodePools { nodes { name } } } } pods { totalCount } }',
      5,
    ],
    [
      'spreads fragments and inline fragments',
      `{ ...Root }
       fragment Root on Query { clusters { nodes { ...Pools } } }
       fragment Pools on Cluster { ... on Cluster { nodePools { nodes { name } } } }`,
      5,
    ],
    ['counts __typename like any field', '{ clusters { nodes { __typename } } }', 3],
    ['counts an introspection field as a leaf (its subtree is exempt)', getIntrospectionQuery(), 1],
    [
      'counts __type as a leaf too, within a data query',
      '{ __type(name: "Pod") { fields { type { ofType { ofType { ofType { name } } } } } } clusters { totalCount } }',
      2,
    ],
  ])('%s', (_title, query, depth) => {
    expect(measure(query).depth).toBe(depth);
  });

  it('measures a fragment spread many times once, in time linear in the document', () => {
    // 2^40 paths: expanded one by one, the test would time out.
    const fragments = Array.from(
      { length: 40 },
      (_, i) =>
        `fragment F${i} on Cluster { a: name ${i < 39 ? `x: nodePools { nodes { cluster { ...F${i + 1} } } } y: pods { nodes { cluster { ...F${i + 1} } } }` : ''} }`,
    ).join('\n');
    expect(measure(`{ cluster(name: "c") { ...F0 } } ${fragments}`)).toEqual({
      depth: 1 + 39 * 3 + 1,
      aliases: 3 * (2 ** 39 - 1) + 2 ** 39,
      rootFields: 1,
    });
  });
});

describe('aliases', () => {
  it.each([
    ['counts every alias', '{ a: clusters { n: totalCount } b: clusters { totalCount } }', 3],
    [
      'counts a fragment once per spread',
      `{ clusters { nodes { ...Names } } pods { nodes { cluster { ...Names } } } }
       fragment Names on Cluster { x: name y: clusterId }`,
      4,
    ],
    ['counts an alias equal to the field name', '{ clusters: clusters { totalCount } }', 1],
    ['counts aliases inside introspection', '{ t: __typename s: __schema { q: queryType { name } } }', 3],
  ])('%s', (_title, query, aliases) => {
    expect(measure(query).aliases).toBe(aliases);
  });
});

describe('root fields', () => {
  it.each([
    ['counts distinct response keys', '{ clusters { totalCount } pods { totalCount } }', 2],
    [
      'counts a field selected twice under one key once (execution merges them)',
      '{ clusters { totalCount } clusters { pageInfo { hasNextPage } } }',
      1,
    ],
    ['counts aliases of one field apart', '{ a: clusters { totalCount } b: clusters { totalCount } }', 2],
    [
      'spreads root fragments, each once',
      '{ ...R ...R pods { totalCount } } fragment R on Query { clusters { totalCount } pods { totalCount } }',
      2,
    ],
    [
      'counts introspection fields',
      '{ __typename __schema { queryType { name } } clusters { totalCount } }',
      3,
    ],
  ])('%s', (_title, query, rootFields) => {
    expect(measure(query).rootFields).toBe(rootFields);
  });

  it('measures the operation asked for, not the others in the document', () => {
    const query =
      'query A { clusters { totalCount } } query B { a: pods { totalCount } b: pods { totalCount } }';
    expect(measure(query, 'A')).toEqual({ depth: 2, aliases: 0, rootFields: 1 });
    expect(measure(query, 'B')).toEqual({ depth: 2, aliases: 2, rootFields: 2 });
  });
});
