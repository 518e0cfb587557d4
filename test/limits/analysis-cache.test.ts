/**
 * The per-document analysis cache: a repeated operation is analysed once per set of variables,
 * never across documents or variables, and the memory it keeps is bounded.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SOURCES, MAX_VARIABLE_SETS, PerDocument, PerSource } from '../../src/graphql/analysis-cache.js';

describe('PerDocument', () => {
  it('computes once per document and variables, whatever the key order of the variables', () => {
    const cache = new PerDocument<object, string>();
    const document = {};
    const calls: string[] = [];
    const compute = (tag: string) => () => (calls.push(tag), tag);
    expect(cache.get(document, { a: 1, b: 2 }, compute('first'))).toBe('first');
    expect(cache.get(document, { b: 2, a: 1 }, compute('again'))).toBe('first');
    expect(cache.get(document, { a: 2, b: 2 }, compute('other variables'))).toBe('other variables');
    expect(cache.get({}, { a: 1, b: 2 }, compute('other document'))).toBe('other document');
    expect(calls).toEqual(['first', 'other variables', 'other document']);
  });

  it('keeps at most MAX_VARIABLE_SETS analyses of one document, dropping the oldest', () => {
    const cache = new PerDocument<object, number>();
    const document = {};
    for (let i = 0; i <= MAX_VARIABLE_SETS; i++) cache.get(document, { i }, () => i);
    let recomputed = 0;
    cache.get(document, { i: 0 }, () => ++recomputed);
    cache.get(document, { i: MAX_VARIABLE_SETS }, () => ++recomputed);
    expect(recomputed).toBe(1);
  });

  it('does not remember a computation that throws', () => {
    const cache = new PerDocument<object, number>();
    const document = {};
    expect(() =>
      cache.get(document, {}, () => {
        throw new Error('over a limit');
      }),
    ).toThrow('over a limit');
    expect(cache.get(document, {}, () => 7)).toBe(7);
  });
});

describe('PerSource', () => {
  it('computes once per text and keeps at most MAX_SOURCES texts', () => {
    const cache = new PerSource<number>();
    let computed = 0;
    for (let i = 0; i <= MAX_SOURCES; i++) cache.get(`{ a${i} }`, () => ++computed);
    expect(computed).toBe(MAX_SOURCES + 1);
    cache.get(`{ a${MAX_SOURCES} }`, () => ++computed);
    expect(computed).toBe(MAX_SOURCES + 1);
    cache.get('{ a0 }', () => ++computed);
    expect(computed).toBe(MAX_SOURCES + 2);
  });
});
