/**
 * Finding 3 of issue 9 from outside: a 20 KB document of 350 fragments each spreading
 * `clusters { totalCount }` passed every limit and cost ~70× a normal query's CPU in validation.
 * The cheap pass before validation refuses it (and its kin: one field repeated a thousand times)
 * with HTTP 400 and no upstream call, whatever comment is added to defeat caches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precheckDocument } from '../../src/graphql/precheck.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { NO_CALLS } from '../helpers/ground-truth.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.stop());

/** The attack document: `count` fragments on Query, each spread once at the root. */
export function fragmentBomb(count: number, comment = ''): string {
  const spreads = Array.from({ length: count }, (_, i) => `...F${i}`).join(' ');
  const fragments = Array.from(
    { length: count },
    (_, i) => `fragment F${i} on Query { clusters { totalCount } }`,
  );
  return `# ${comment}\n{ ${spreads} }\n${fragments.join('\n')}`;
}

const LIMITS = { maxFragments: 100, maxExpandedSelections: 2000, maxTokens: 5000 };

describe('the pass before validation', () => {
  it('refuses the 350-fragment document with HTTP 400 and no upstream call', async () => {
    const query = fragmentBomb(350, String(Math.random()));
    expect(query.length).toBeGreaterThan(15_000);
    gw.reset();
    expect(await gw.post({ query })).toEqual({
      status: 400,
      errors: [
        {
          message:
            'Document has 350 fragment definitions, over the limit of 100 (MAX_FRAGMENTS), refused before validation. ' +
            'Use fewer fragments, or split the query.',
          extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_FRAGMENTS', maximum: 100, actual: 350 },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('refuses one field repeated 1,200 times (2,400 selections)', async () => {
    const query = `{ ${'clusters { totalCount } '.repeat(1200)} }`;
    const res = await gw.post({ query });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limit: 'MAX_EXPANDED_SELECTIONS',
      maximum: 2000,
    });
  });

  it('lets 100 fragments through, and counts a fragment once per spread', () => {
    expect(precheckDocument(fragmentBomb(100), LIMITS)).toBeUndefined();
    // 12 fragments each spreading the previous one twice: 2^11 copies of one field.
    const chain = Array.from({ length: 12 }, (_, i) =>
      i === 0
        ? 'fragment F0 on Query { __typename }'
        : `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`,
    ).join('\n');
    expect(precheckDocument(`{ ...F10 }\n${chain}`, LIMITS)).toBeUndefined();
    expect(precheckDocument(`{ ...F11 }\n${chain}`, LIMITS)?.extensions).toEqual({
      limit: 'MAX_EXPANDED_SELECTIONS',
      maximum: 2000,
    });
  });

  it('leaves a document that does not parse to Apollo', () => {
    expect(precheckDocument('{ clusters {', LIMITS)).toBeUndefined();
  });
});
