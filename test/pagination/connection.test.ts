/**
 * The pure pagination module as a table, in the manner of graphql-relay-js's connection tests:
 * every case compares the whole result (page, connection or error with its extensions), and the
 * adapters run against in-memory upstreams written here whose exact calls are asserted.
 */
import { createHmac } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  connectionBinding,
  decodeCursor,
  configureCursorKeys,
  DEMO_CURSOR_SECRET,
  encodeCursor,
  isOffsetPosition,
  isTokenPosition,
  paginateByOffset,
  paginateByToken,
  tokenPageCalls,
  parseConnectionArgs,
  stableStringify,
  toConnection,
  type ConnectionArgs,
  type OffsetPosition,
  type TokenPage,
  type TokenPosition,
} from '../../src/pagination/connection.js';

const BINDING = connectionBinding('Test.items', { filter: 'all', orderBy: { field: 'NAME' } });
const OTHER_BINDING = connectionBinding('Test.items', { filter: 'some', orderBy: { field: 'NAME' } });

/** Runs `fn`, which must throw a GraphQLError, and returns the error's message and extensions. */
function errorOf(fn: () => unknown): { message: string; extensions: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { message, extensions } = error as GraphQLError;
    return { message, extensions: { ...extensions } };
  }
  throw new Error('expected a GraphQLError, but nothing was thrown');
}

const badUserInput = (message: string, argument: string) => ({
  message,
  extensions: { argument, code: 'BAD_USER_INPUT' },
});

/** The payload of a cursor, read the way a curious client would (the part before the MAC). */
function payloadOf(cursor: string): unknown {
  return JSON.parse(Buffer.from(cursor.split('.')[0] ?? '', 'base64url').toString('utf8'));
}

/** Signs a base64url payload as the gateway does, with `key` (the demo key by default). */
function sign(payload: string, key = DEMO_CURSOR_SECRET): string {
  return `${payload}.${createHmac('sha256', key).update(payload).digest().subarray(0, 16).toString('base64url')}`;
}

/**
 * A cursor with an arbitrary payload, signed with the demo key, so the malformed-payload cases
 * reach the payload checks behind the MAC (as they would for a leaked or rotated-out key).
 */
function rawCursor(payload: unknown): string {
  return sign(
    Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64url'),
  );
}

/** The cursor with its payload's position replaced and its MAC kept: what a forger can make. */
function forged(cursor: string, position: unknown): string {
  const payload = payloadOf(cursor) as Record<string, unknown>;
  const mac = cursor.split('.')[1] ?? '';
  return `${Buffer.from(JSON.stringify({ ...payload, p: position })).toString('base64url')}.${mac}`;
}

/** The cursor with the last character of its MAC changed. */
function flip(cursor: string): string {
  return cursor.slice(0, -2) + (cursor.at(-2) === 'A' ? 'B' : 'A') + cursor.slice(-1);
}

const letters = (n: number) => Array.from({ length: n }, (_, k) => `item-${k}`);

// ---------------------------------------------------------------------------------------------

describe('parseConnectionArgs', () => {
  const both = { backward: true, what: 'pods' };
  const forwardOnly = { backward: false, what: 'warmPools' };

  describe('returns the page request', () => {
    it.each<[string, ConnectionArgs, ReturnType<typeof parseConnectionArgs>]>([
      ['no arguments: forward, default size', {}, { direction: 'forward', count: DEFAULT_PAGE_SIZE }],
      [
        'all four null: as if absent',
        { first: null, after: null, last: null, before: null },
        { direction: 'forward', count: DEFAULT_PAGE_SIZE },
      ],
      ['first 0', { first: 0 }, { direction: 'forward', count: 0 }],
      ['first 1', { first: 1 }, { direction: 'forward', count: 1 }],
      ['first at the bound', { first: MAX_PAGE_SIZE }, { direction: 'forward', count: 100 }],
      ['first and after', { first: 5, after: 'c' }, { direction: 'forward', count: 5, after: 'c' }],
      [
        'after alone: default size',
        { after: 'c' },
        { direction: 'forward', count: DEFAULT_PAGE_SIZE, after: 'c' },
      ],
      ['first with a null before', { first: 3, before: null }, { direction: 'forward', count: 3 }],
      ['last without before', { last: 3 }, { direction: 'backward', count: 3 }],
      ['last 0', { last: 0 }, { direction: 'backward', count: 0 }],
      ['last at the bound', { last: MAX_PAGE_SIZE }, { direction: 'backward', count: 100 }],
      ['last and before', { last: 2, before: 'c' }, { direction: 'backward', count: 2, before: 'c' }],
      [
        'before alone: backward, default size',
        { before: 'c' },
        { direction: 'backward', count: DEFAULT_PAGE_SIZE, before: 'c' },
      ],
      ['last with a null after', { last: 4, after: null }, { direction: 'backward', count: 4 }],
    ])('%s', (_, args, expected) => {
      expect(parseConnectionArgs(args, both)).toEqual(expected);
    });

    it('pages forwards on a forward-only connection', () => {
      expect(parseConnectionArgs({ first: 7, after: 'c' }, forwardOnly)).toEqual({
        direction: 'forward',
        count: 7,
        after: 'c',
      });
      expect(parseConnectionArgs({}, forwardOnly)).toEqual({
        direction: 'forward',
        count: DEFAULT_PAGE_SIZE,
      });
    });
  });

  describe('refuses a size out of 0..MAX_PAGE_SIZE, naming the argument and the bound', () => {
    it.each<[ConnectionArgs, string, string]>([
      [{ first: -1 }, 'first', '-1'],
      [{ first: 101 }, 'first', '101'],
      [{ first: 1.5 }, 'first', '1.5'],
      [{ first: Number.NaN }, 'first', 'NaN'],
      [{ last: -1 }, 'last', '-1'],
      [{ last: 101 }, 'last', '101'],
      [{ last: 1.5 }, 'last', '1.5'],
      // the bound is checked before the combination
      [{ first: 101, last: 1 }, 'first', '101'],
    ])('%j', (args, argument, got) => {
      expect(errorOf(() => parseConnectionArgs(args, both))).toEqual(
        badUserInput(`\`${argument}\` must be between 0 and 100, got ${got}.`, argument),
      );
    });
  });

  it.each<ConnectionArgs>([
    { first: 1, last: 1 },
    { first: 0, last: 0 },
  ])('refuses first and last together: %j', (args) => {
    expect(errorOf(() => parseConnectionArgs(args, both))).toEqual(
      badUserInput('Pass either `first` or `last`, not both.', 'last'),
    );
    expect(errorOf(() => parseConnectionArgs(args, forwardOnly))).toEqual(
      badUserInput('Pass either `first` or `last`, not both.', 'last'),
    );
  });

  describe('refuses backward paging of a forward-only connection, saying it pages forwards', () => {
    const message =
      "warmPools can only be paged forwards (the upstream's page tokens do not go back): " +
      'use `first` and `after`, and reverse `orderBy.direction` to start from the other end.';
    it.each<[ConnectionArgs, string]>([
      [{ last: 1 }, 'last'],
      [{ last: 0 }, 'last'],
      [{ last: 2, before: 'c' }, 'last'],
      [{ last: 2, after: 'c' }, 'last'],
      [{ before: 'c' }, 'before'],
      [{ first: 2, before: 'c' }, 'before'],
      [{ after: 'c', before: 'd' }, 'before'],
    ])('%j', (args, argument) => {
      expect(errorOf(() => parseConnectionArgs(args, forwardOnly))).toEqual(badUserInput(message, argument));
    });
  });

  describe('refuses a mix of after and before', () => {
    it.each<[ConnectionArgs, string]>([
      [{ after: 'c', before: 'd' }, 'after'],
      [{ last: 2, after: 'c' }, 'after'],
      [{ last: 2, after: 'c', before: 'd' }, 'after'],
      [{ first: 2, before: 'd' }, 'before'],
      [{ first: 2, after: 'c', before: 'd' }, 'before'],
    ])('%j', (args, argument) => {
      expect(errorOf(() => parseConnectionArgs(args, both))).toEqual(
        badUserInput('Pass `after` with `first`, or `before` with `last`, not a mix.', argument),
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('connectionBinding', () => {
  it('is the schema coordinate and a 16-character base64url digest', () => {
    expect(connectionBinding('Query.pods', null)).toMatch(/^Query\.pods:[A-Za-z0-9_-]{16}$/);
    expect(connectionBinding('Cluster.pods:accounts/a/clusters/c1', null)).toMatch(
      /^Cluster\.pods:[A-Za-z0-9_-]{16}$/,
    );
  });

  it('is stable under the key order of the shape, at every depth', () => {
    expect(
      connectionBinding('Query.pods', {
        filter: { phase: 'Running', node: 'n1' },
        order: { by: 'name', dir: 'asc' },
      }),
    ).toBe(
      connectionBinding('Query.pods', {
        order: { dir: 'asc', by: 'name' },
        filter: { node: 'n1', phase: 'Running' },
      }),
    );
  });

  it('treats an undefined key as absent, and an undefined shape as null', () => {
    expect(connectionBinding('Query.pods', { filter: undefined, order: 'name' })).toBe(
      connectionBinding('Query.pods', { order: 'name' }),
    );
    expect(connectionBinding('Query.pods', undefined)).toBe(connectionBinding('Query.pods', null));
  });

  it('differs by connection identity', () => {
    const shape = { filter: null };
    const bindings = [
      connectionBinding('Cluster.nodePools:accounts/a/clusters/c1', shape),
      connectionBinding('Cluster.nodePools:accounts/a/clusters/c2', shape),
      connectionBinding('NodePool.batchJobs:accounts/a/clusters/c1', shape),
      connectionBinding('Query.warmPools', shape),
    ];
    expect(new Set(bindings).size).toBe(bindings.length);
  });

  it('differs by shape: filter, order, array order, null against empty', () => {
    const bindings = [
      connectionBinding('Query.pods', { filter: 'a', order: 'name' }),
      connectionBinding('Query.pods', { filter: 'b', order: 'name' }),
      connectionBinding('Query.pods', { filter: 'a', order: 'createdAt' }),
      connectionBinding('Query.pods', { filter: ['x', 'y'] }),
      connectionBinding('Query.pods', { filter: ['y', 'x'] }),
      connectionBinding('Query.pods', null),
      connectionBinding('Query.pods', {}),
      connectionBinding('Query.pods', []),
    ];
    expect(new Set(bindings).size).toBe(bindings.length);
  });
});

// ---------------------------------------------------------------------------------------------

describe('encodeCursor / decodeCursor', () => {
  describe('round trip', () => {
    it.each<[string, TokenPosition]>([
      ['first page', { t: '', i: 0 }],
      ['later page', { t: 'CiQ0Zj+/=', i: 41 }],
      ['non-ASCII token', { t: 'pågé-✓', i: 999_999 }],
      ["last item of a page: index -1 with the next page's token", { t: 'CiQ0Zj+/=', i: -1 }],
    ])('token position, %s', (_, position) => {
      const cursor = encodeCursor(BINDING, position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
      expect(payloadOf(cursor)).toEqual({ v: 2, b: BINDING, p: position });
      expect(decodeCursor(cursor, BINDING, isTokenPosition, 'after')).toEqual(position);
    });

    it.each<OffsetPosition>([{ o: 0 }, { o: 36 }, { o: 999_999_999 }])('offset position %j', (position) => {
      const cursor = encodeCursor(BINDING, position);
      expect(decodeCursor(cursor, BINDING, isOffsetPosition, 'before')).toEqual(position);
    });
  });

  describe('refuses a malformed cursor, naming the argument', () => {
    const long = encodeCursor(BINDING, { t: '', i: 0, padding: 'x'.repeat(4000) });
    it.each<[string, string]>([
      ['empty', ''],
      ['not base64url', 'not a cursor!'],
      ['standard base64 with padding', Buffer.from('{"v":1}').toString('base64')],
      ['bad JSON', rawCursor('{"v":1,"b":')],
      ['not JSON at all', rawCursor('hello')],
      ['JSON null', rawCursor(null)],
      ['JSON array', rawCursor([1, BINDING, { t: '', i: 0 }])],
      ['JSON string', rawCursor('"cursor"')],
      ['an older version', rawCursor({ v: 1, b: BINDING, p: { t: '', i: 0 } })],
      ['version as a string', rawCursor({ v: '2', b: BINDING, p: { t: '', i: 0 } })],
      ['missing version', rawCursor({ b: BINDING, p: { t: '', i: 0 } })],
      ['missing binding', rawCursor({ v: 2, p: { t: '', i: 0 } })],
      ['binding not a string', rawCursor({ v: 2, b: 7, p: { t: '', i: 0 } })],
      [
        'unsigned (a version 1 cursor)',
        Buffer.from(JSON.stringify({ v: 1, b: BINDING, p: { t: '', i: 0 } })).toString('base64url'),
      ],
      [
        'signed with another key',
        sign(encodeCursor(BINDING, { t: '', i: 0 }).split('.')[0] ?? '', 'x'.repeat(32)),
      ],
      [
        'its position edited, the MAC of the genuine one kept',
        forged(encodeCursor(BINDING, { t: '', i: 0 }), { t: '', i: 450 }),
      ],
      ['one character of the MAC flipped', flip(encodeCursor(BINDING, { t: '', i: 0 }))],
      ['5000 characters', 'A'.repeat(5000)],
      ['over 4096 characters, though well formed', long],
    ])('%s', (_, cursor) => {
      expect(errorOf(() => decodeCursor(cursor, BINDING, isTokenPosition, 'after'))).toEqual(
        badUserInput(
          "`after` is not a valid cursor: it was altered or not issued by this gateway. Use a cursor from this connection's edges or pageInfo.",
          'after',
        ),
      );
    });

    it('the over-long case would otherwise decode: it is refused for its length alone', () => {
      expect(long.length).toBeGreaterThan(4096);
      expect(payloadOf(long)).toEqual({ v: 2, b: BINDING, p: { t: '', i: 0, padding: 'x'.repeat(4000) } });
    });

    it('names `before` when the cursor came as `before`', () => {
      expect(errorOf(() => decodeCursor('%%%', BINDING, isOffsetPosition, 'before'))).toEqual(
        badUserInput(
          "`before` is not a valid cursor: it was altered or not issued by this gateway. Use a cursor from this connection's edges or pageInfo.",
          'before',
        ),
      );
    });
  });

  describe('key rotation (CURSOR_SECRET, CURSOR_SECRET_PREVIOUS)', () => {
    const OLD = 'old-cursor-secret-0123456789abcdef';
    const NEW = 'new-cursor-secret-0123456789abcdef';
    const invalid = badUserInput(
      "`after` is not a valid cursor: it was altered or not issued by this gateway. Use a cursor from this connection's edges or pageInfo.",
      'after',
    );
    it('signs with the current key, accepts the previous ones, and refuses a key no longer listed', () => {
      try {
        configureCursorKeys(OLD);
        const issuedBefore = encodeCursor(BINDING, { o: 7 });
        configureCursorKeys(NEW, [OLD]);
        const issuedAfter = encodeCursor(BINDING, { o: 8 });
        expect(issuedAfter.split('.')[1]).not.toBe(sign(issuedAfter.split('.')[0] ?? '', OLD).split('.')[1]);
        expect(decodeCursor(issuedBefore, BINDING, isOffsetPosition, 'after')).toEqual({ o: 7 });
        expect(decodeCursor(issuedAfter, BINDING, isOffsetPosition, 'after')).toEqual({ o: 8 });
        configureCursorKeys(NEW);
        expect(errorOf(() => decodeCursor(issuedBefore, BINDING, isOffsetPosition, 'after'))).toEqual(
          invalid,
        );
        expect(decodeCursor(issuedAfter, BINDING, isOffsetPosition, 'after')).toEqual({ o: 8 });
      } finally {
        configureCursorKeys(DEMO_CURSOR_SECRET);
      }
    });
  });

  describe('refuses a cursor issued for another binding', () => {
    const message =
      '`after` belongs to another connection, to the same field under another parent, or to this one with another filter or orderBy. ' +
      'Cursors only resume the connection and arguments that issued them: restart from the first page.';
    it.each<[string, string]>([
      ['another filter', encodeCursor(OTHER_BINDING, { t: '', i: 0 })],
      ['another connection', encodeCursor(connectionBinding('Other.items', null), { t: '', i: 0 })],
      // the binding is checked before the position, so a foreign cursor never reads as malformed
      ['another connection with another position shape', encodeCursor(OTHER_BINDING, { o: 3 })],
    ])('%s', (_, cursor) => {
      expect(errorOf(() => decodeCursor(cursor, BINDING, isTokenPosition, 'after'))).toEqual(
        badUserInput(message, 'after'),
      );
    });
  });

  describe('refuses a position of the wrong shape', () => {
    const message = (argument: string) =>
      `\`${argument}\` is not a valid cursor. Use a cursor from this connection's edges.`;

    it.each<[string, unknown]>([
      ['an offset position', { o: 3 }],
      ['no position', undefined],
      ['null', null],
      ['token not a string', { t: 3, i: 0 }],
      ['index below -1', { t: '', i: -2 }],
      ['fractional index', { t: '', i: 1.5 }],
      ['index too large', { t: '', i: 1e6 }],
      ['index as a string', { t: '', i: '0' }],
    ])('token position: %s', (_, position) => {
      expect(
        errorOf(() =>
          decodeCursor(rawCursor({ v: 2, b: BINDING, p: position }), BINDING, isTokenPosition, 'after'),
        ),
      ).toEqual(badUserInput(message('after'), 'after'));
    });

    it.each<[string, unknown]>([
      ['a token position', { t: '', i: 0 }],
      ['negative offset', { o: -1 }],
      ['fractional offset', { o: 0.5 }],
      ['offset too large', { o: 1e9 }],
      ['array', [3]],
    ])('offset position: %s', (_, position) => {
      expect(
        errorOf(() =>
          decodeCursor(rawCursor({ v: 2, b: BINDING, p: position }), BINDING, isOffsetPosition, 'before'),
        ),
      ).toEqual(badUserInput(message('before'), 'before'));
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('toConnection', () => {
  it('gives null start and end cursors to an empty page', () => {
    expect(toConnection({ items: [], hasNextPage: false, hasPreviousPage: false }, BINDING)).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('keeps the flags of an empty page in the middle of a list', () => {
    expect(toConnection({ items: [], hasNextPage: true, hasPreviousPage: true }, BINDING)).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  it('gives every edge the cursor of its position, and pageInfo the first and last', () => {
    const a = encodeCursor(BINDING, { o: 4 });
    const b = encodeCursor(BINDING, { o: 5 });
    const c = encodeCursor(BINDING, { o: 6 });
    expect(
      toConnection(
        {
          items: [
            { node: 'A', position: { o: 4 } },
            { node: 'B', position: { o: 5 } },
            { node: 'C', position: { o: 6 } },
          ],
          hasNextPage: true,
          hasPreviousPage: true,
        },
        BINDING,
      ),
    ).toEqual({
      edges: [
        { cursor: a, node: 'A' },
        { cursor: b, node: 'B' },
        { cursor: c, node: 'C' },
      ],
      nodes: ['A', 'B', 'C'],
      pageInfo: { hasNextPage: true, hasPreviousPage: true, startCursor: a, endCursor: c },
    });
  });

  it('uses the one edge of a single-item page as both start and end', () => {
    const a = encodeCursor(BINDING, { t: 'tok', i: 2 });
    expect(
      toConnection(
        { items: [{ node: 'A', position: { t: 'tok', i: 2 } }], hasNextPage: false, hasPreviousPage: true },
        BINDING,
      ),
    ).toEqual({
      edges: [{ cursor: a, node: 'A' }],
      nodes: ['A'],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: a, endCursor: a },
    });
  });
});

// ---------------------------------------------------------------------------------------------

/** How the in-memory page-token upstream sizes its pages. */
interface TokenUpstreamOptions {
  /** What the upstream serves at most, whatever is asked (AIP-158 coerces larger sizes down). */
  maxPageSize: number;
  /** A smaller size the upstream actually serves, per call, below what was asked. */
  cap?: (call: number) => number;
  /** Gives a next token whenever a page is full, so the list can end on an empty page. */
  tokenOnFullPage?: boolean;
}

/**
 * An upstream serving `items` in pages by token, where a token is the offset the page starts at
 * (the first page has none), and the next token is omitted on the last page.
 */
function tokenUpstream<T>(items: readonly T[], options: TokenUpstreamOptions) {
  const calls: [string | undefined, number][] = [];
  /** Every item served, in the order served. */
  const served: T[] = [];
  async function fetchPage(token: string | undefined, pageSize: number): Promise<TokenPage<T>> {
    calls.push([token, pageSize]);
    const start = token === undefined ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0 || start > items.length || token === '') {
      throw new Error(`page token ${JSON.stringify(token)} was not issued by this upstream`);
    }
    const size = Math.min(pageSize, options.maxPageSize, options.cap?.(calls.length - 1) ?? Infinity);
    const end = Math.min(items.length, start + size);
    const next = options.tokenOnFullPage ? end - start === size : end < items.length;
    served.push(...items.slice(start, end));
    return { items: items.slice(start, end), ...(next ? { nextToken: String(end) } : {}) };
  }
  return { fetchPage, calls, served };
}

/** The offset in the upstream list of the item a token position names. */
const offsetOf = (position: TokenPosition) => (position.t === '' ? 0 : Number(position.t)) + position.i;

describe('paginateByToken', () => {
  const ABCDE = ['A', 'B', 'C', 'D', 'E'];

  describe('pages of A..E from an upstream serving the size asked', () => {
    it.each<[string, { count: number; after?: TokenPosition; maxPageSize?: number }, unknown, unknown]>([
      [
        "first 2: asks for 2, and B's cursor resumes at the next page's token",
        { count: 2 },
        {
          items: [
            { node: 'A', position: { t: '', i: 0 } },
            { node: 'B', position: { t: '2', i: -1 } },
          ],
          hasNextPage: true,
          hasPreviousPage: false,
        },
        [[undefined, 2]],
      ],
      [
        'first 2 after B as the first page issued it: reads the next page only',
        { count: 2, after: { t: '2', i: -1 } },
        {
          items: [
            { node: 'C', position: { t: '2', i: 0 } },
            { node: 'D', position: { t: '4', i: -1 } },
          ],
          hasNextPage: true,
          hasPreviousPage: true,
        },
        [['2', 2]],
      ],
      [
        'first 2 after B inside its page: re-reads the page up to D',
        { count: 2, after: { t: '', i: 1 } },
        {
          items: [
            { node: 'C', position: { t: '', i: 2 } },
            { node: 'D', position: { t: '4', i: -1 } },
          ],
          hasNextPage: true,
          hasPreviousPage: true,
        },
        [[undefined, 4]],
      ],
      [
        'first 2 after D',
        { count: 2, after: { t: '', i: 3 } },
        { items: [{ node: 'E', position: { t: '', i: 4 } }], hasNextPage: false, hasPreviousPage: true },
        [[undefined, 6]],
      ],
      [
        'first 2 after D as a page ending on D issued it',
        { count: 2, after: { t: '4', i: -1 } },
        { items: [{ node: 'E', position: { t: '4', i: 0 } }], hasNextPage: false, hasPreviousPage: true },
        [['4', 2]],
      ],
      [
        'first 2 after E',
        { count: 2, after: { t: '', i: 4 } },
        { items: [], hasNextPage: false, hasPreviousPage: true },
        [[undefined, 7]],
      ],
      [
        'first 5: exactly the list, no next token, so no next page',
        { count: 5 },
        {
          items: ABCDE.map((node, i) => ({ node, position: { t: '', i } })),
          hasNextPage: false,
          hasPreviousPage: false,
        },
        [[undefined, 5]],
      ],
      [
        'first 10',
        { count: 10 },
        {
          items: ABCDE.map((node, i) => ({ node, position: { t: '', i } })),
          hasNextPage: false,
          hasPreviousPage: false,
        },
        [[undefined, 10]],
      ],
      ['first 0', { count: 0 }, { items: [], hasNextPage: true, hasPreviousPage: false }, [[undefined, 1]]],
      [
        'first 0 after D: the next token says E follows',
        { count: 0, after: { t: '', i: 3 } },
        { items: [], hasNextPage: true, hasPreviousPage: true },
        [[undefined, 4]],
      ],
      [
        'first 0 after E',
        { count: 0, after: { t: '', i: 4 } },
        { items: [], hasNextPage: false, hasPreviousPage: true },
        [[undefined, 5]],
      ],
      [
        'first 3 with a max page size of 2: follows the token, asking only for the rest',
        { count: 3, maxPageSize: 2 },
        {
          items: [
            { node: 'A', position: { t: '', i: 0 } },
            { node: 'B', position: { t: '', i: 1 } },
            { node: 'C', position: { t: '3', i: -1 } },
          ],
          hasNextPage: true,
          hasPreviousPage: false,
        },
        [
          [undefined, 2],
          ['2', 1],
        ],
      ],
      [
        'first 1 after C, a cursor of a later page: resumes that page',
        { count: 1, after: { t: '2', i: 0 }, maxPageSize: 2 },
        { items: [{ node: 'D', position: { t: '4', i: -1 } }], hasNextPage: true, hasPreviousPage: true },
        [['2', 2]],
      ],
    ])('%s', async (_, { maxPageSize = 100, ...options }, expected, calls) => {
      const upstream = tokenUpstream(ABCDE, { maxPageSize });
      expect(await paginateByToken(upstream.fetchPage, { ...options, maxPageSize })).toEqual(expected);
      expect(upstream.calls).toEqual(calls);
    });
  });

  describe('pages of A..E from an upstream serving at most 3 items a page', () => {
    const cap3 = { maxPageSize: 100, cap: () => 3 };

    /** Walks A..E by `count` from an upstream capped at 3, resuming from each page's last edge. */
    async function walkCap3(count: number) {
      const upstream = tokenUpstream(ABCDE, cap3);
      const pages = [];
      let after: TokenPosition | undefined;
      for (;;) {
        const page = await paginateByToken(upstream.fetchPage, {
          count,
          ...(after ? { after } : {}),
          maxPageSize: 100,
        });
        pages.push(page);
        if (!page.hasNextPage || pages.length > ABCDE.length) break;
        after = page.items.at(-1)?.position;
      }
      return { pages, calls: upstream.calls };
    }

    it('first 4 after A: continues on the next token', async () => {
      const upstream = tokenUpstream(ABCDE, cap3);
      expect(
        await paginateByToken(upstream.fetchPage, { count: 4, after: { t: '', i: 0 }, maxPageSize: 100 }),
      ).toEqual({
        items: [
          { node: 'B', position: { t: '', i: 1 } },
          { node: 'C', position: { t: '', i: 2 } },
          { node: 'D', position: { t: '3', i: 0 } },
          { node: 'E', position: { t: '3', i: 1 } },
        ],
        hasNextPage: false,
        hasPreviousPage: true,
      });
      expect(upstream.calls).toEqual([
        [undefined, 5],
        ['3', 2],
      ]);
    });

    it('walks first 2 in three pages, each exact, one call each (the cap never bites)', async () => {
      expect(await walkCap3(2)).toEqual({
        pages: [
          {
            items: [
              { node: 'A', position: { t: '', i: 0 } },
              { node: 'B', position: { t: '2', i: -1 } },
            ],
            hasNextPage: true,
            hasPreviousPage: false,
          },
          {
            items: [
              { node: 'C', position: { t: '2', i: 0 } },
              { node: 'D', position: { t: '4', i: -1 } },
            ],
            hasNextPage: true,
            hasPreviousPage: true,
          },
          { items: [{ node: 'E', position: { t: '4', i: 0 } }], hasNextPage: false, hasPreviousPage: true },
        ],
        calls: [
          [undefined, 2],
          ['2', 2],
          ['4', 2],
        ],
      });
    });

    it('walks first 4 in two short pages, one call each: the call cap ends a page the upstream served short', async () => {
      expect(await walkCap3(4)).toEqual({
        pages: [
          {
            items: [
              { node: 'A', position: { t: '', i: 0 } },
              { node: 'B', position: { t: '', i: 1 } },
              { node: 'C', position: { t: '3', i: -1 } },
            ],
            hasNextPage: true,
            hasPreviousPage: false,
          },
          {
            items: [
              { node: 'D', position: { t: '3', i: 0 } },
              { node: 'E', position: { t: '3', i: 1 } },
            ],
            hasNextPage: false,
            hasPreviousPage: true,
          },
        ],
        calls: [
          [undefined, 4],
          ['3', 4],
        ],
      });
    });
  });

  it('resumes exactly when the upstream now serves a shorter page than the one the cursor came from', async () => {
    // AIP-158 lets a server return fewer items than asked even when more exist: the cursor's
    // page (token '') had 6 items when item-4 was served, and has 3 now. The cursor is a middle edge's
    // (item-4's), the only kind that names an index inside a page that has a next token. From a
    // cursor a page makes at most two calls (tokenPageCalls): the second page ends there, short.
    const items = letters(10);
    const upstream = tokenUpstream(items, { maxPageSize: 100, cap: (call) => (call === 0 ? 100 : 3) });
    const first = await paginateByToken(upstream.fetchPage, { count: 6, maxPageSize: 100 });
    const after = first.items[4]?.position;
    expect(after).toEqual({ t: '', i: 4 });
    const second = await paginateByToken(upstream.fetchPage, {
      count: 5,
      ...(after ? { after } : {}),
      maxPageSize: 100,
    });
    const third = await paginateByToken(upstream.fetchPage, {
      count: 5,
      ...(second.items.at(-1) ? { after: second.items.at(-1)?.position } : {}),
      maxPageSize: 100,
    });
    expect([first, second, third]).toEqual([
      {
        items: [
          ...items.slice(0, 5).map((node, i) => ({ node, position: { t: '', i } })),
          { node: 'item-5', position: { t: '6', i: -1 } },
        ],
        hasNextPage: true,
        hasPreviousPage: false,
      },
      { items: [{ node: 'item-5', position: { t: '6', i: -1 } }], hasNextPage: true, hasPreviousPage: true },
      {
        items: [
          { node: 'item-6', position: { t: '6', i: 0 } },
          { node: 'item-7', position: { t: '6', i: 1 } },
          { node: 'item-8', position: { t: '6', i: 2 } },
          { node: 'item-9', position: { t: '9', i: 0 } },
        ],
        hasNextPage: false,
        hasPreviousPage: true,
      },
    ]);
    expect(upstream.calls).toEqual([
      [undefined, 6],
      [undefined, 10],
      ['3', 7],
      ['6', 5],
      ['9', 2],
    ]);
  });

  it('a page the upstream leaves empty after the cursor, past the call cap, is an UPSTREAM_ERROR, not an empty page', async () => {
    // Pages of one item: from the cursor at index 3 of a page that now holds one item, two calls
    // reach nothing after the cursor.
    const upstream = tokenUpstream(letters(10), { maxPageSize: 100, cap: () => 1 });
    const page = paginateByToken(upstream.fetchPage, { count: 5, after: { t: '', i: 3 }, maxPageSize: 100 });
    await expect(page).rejects.toMatchObject({
      message: "The vendor answered 2 pages too short to reach the cursor's position; try again.",
      extensions: { code: 'UPSTREAM_ERROR' },
    });
    expect(upstream.calls).toEqual([
      [undefined, 9],
      ['1', 8],
    ]);
  });

  it('a token that does not advance ends the walk: the page ends at the cap, the next one is empty and last', async () => {
    const calls: [string | undefined, number][] = [];
    const stuck = async (token: string | undefined, pageSize: number): Promise<TokenPage<string>> => {
      calls.push([token, pageSize]);
      return { items: token === undefined ? ['A'] : [], nextToken: 'x' };
    };
    const first = await paginateByToken(stuck, { count: 3, maxPageSize: 100 });
    expect(first).toEqual({
      items: [{ node: 'A', position: { t: 'x', i: -1 } }],
      hasNextPage: true,
      hasPreviousPage: false,
    });
    expect(await paginateByToken(stuck, { count: 3, after: { t: 'x', i: -1 }, maxPageSize: 100 })).toEqual({
      items: [],
      hasNextPage: false,
      hasPreviousPage: true,
    });
    expect(calls).toEqual([
      [undefined, 3],
      ['x', 3],
    ]);
  });

  it('walks 250 items by 100 with a max page size of 100: exact calls', async () => {
    const upstream = tokenUpstream(letters(250), { maxPageSize: 100 });
    const pages = await walkByToken(letters(250), 100, upstream, 100);
    expect(pages.map((page) => page.nodes.length)).toEqual([100, 100, 50]);
    // The last edge of a full page resumes at the next page's token: one call per page, no re-read.
    expect(upstream.calls).toEqual([
      [undefined, 100],
      ['100', 100],
      ['200', 100],
    ]);
  });

  describe('first 0 returns no edges, with hasNextPage exact', () => {
    it.each([0, 1, 5, 37, 250])('N=%i', async (n) => {
      const upstream = tokenUpstream(letters(n), { maxPageSize: 100 });
      expect(
        toConnection(await paginateByToken(upstream.fetchPage, { count: 0, maxPageSize: 100 }), BINDING),
      ).toEqual({
        edges: [],
        nodes: [],
        pageInfo: { hasNextPage: n > 0, hasPreviousPage: false, startCursor: null, endCursor: null },
      });
      expect(upstream.calls).toEqual([[undefined, 1]]);
    });
  });

  describe('walks the whole list with after = endCursor, every item once, flags exact', () => {
    // Each upstream with the largest page it always serves whole when asked for it: a walk by a
    // `first` no larger makes exactly one upstream call per page.
    const upstreams: [string, TokenUpstreamOptions, number][] = [
      ['serving the size asked', { maxPageSize: 100 }, 100],
      ['serving at most 10', { maxPageSize: 10 }, 10],
      ['serving at most 3 whatever is asked', { maxPageSize: 100, cap: () => 3 }, 3],
      [
        'serving pages of varying length',
        { maxPageSize: 100, cap: (call) => [5, 1, 3, 2, 8][call % 5] ?? 1 },
        1,
      ],
    ];
    const cases = upstreams.flatMap(([upstream, options, whole]) =>
      [0, 1, 5, 37, 250].flatMap((n) =>
        [1, 2, 7, 50, 100].map((first) => ({ upstream, options, whole, n, first })),
      ),
    );
    it.each(cases)('upstream $upstream, N=$n, first=$first', async ({ options, whole, n, first }) => {
      const items = letters(n);
      const upstream = tokenUpstream(items, options);
      // An upstream serving fewer than asked may end a page early (the call cap): never an empty one.
      const shortPages = first > whole;
      const pages = await walkByToken(items, first, upstream, options.maxPageSize, { shortPages });
      if (!shortPages) expect(pages.length).toBe(Math.max(1, Math.ceil(n / first)));
      expect(pages.flatMap((page) => page.nodes)).toEqual(items);
      // every upstream item is read once: no page is re-read for its token
      expect(upstream.served).toEqual(items);
      expect(upstream.calls.filter(([, size]) => !(size >= 1 && size <= options.maxPageSize))).toEqual([]);
      if (first <= whole) {
        expect(upstream.calls).toEqual(pagesOfOneCall(pages.length, first));
      }
    });
  });

  describe('walks an upstream sending a next token on a full last page (AIP-158 allows it)', () => {
    const options: TokenUpstreamOptions = { maxPageSize: 100, tokenOnFullPage: true };
    const cases = [0, 1, 5, 37, 250].flatMap((n) => [1, 2, 7, 50, 100].map((first) => ({ n, first })));
    const multiple = ({ n, first }: { n: number; first: number }) => n > 0 && n % first === 0;

    it.each(cases.filter((c) => !multiple(c)))(
      'N=$n, first=$first: exact, N not being a positive multiple of first; one call per page',
      async ({ n, first }) => {
        const items = letters(n);
        const upstream = tokenUpstream(items, options);
        const pages = await walkByToken(items, first, upstream, 100);
        expect(pages.length).toBe(Math.max(1, Math.ceil(n / first)));
        expect(pages.flatMap((page) => page.nodes)).toEqual(items);
        expect(upstream.served).toEqual(items);
        expect(upstream.calls).toEqual(pagesOfOneCall(pages.length, first));
      },
    );

    it.each(cases.filter(multiple))(
      'N=$n, first=$first: the documented trade-off, N being a multiple of first: the last full page ' +
        'claims hasNextPage, and the walk ends on one extra empty page without it; every item once',
      async ({ n, first }) => {
        const items = letters(n);
        const upstream = tokenUpstream(items, options);
        const pages = await walkByToken(items, first, upstream, 100, { fullLastPageClaimsNext: true });
        expect(pages.length).toBe(n / first + 1);
        expect(pages.flatMap((page) => page.nodes)).toEqual(items);
        expect(pages.at(-2)?.pageInfo.hasNextPage).toBe(true);
        expect(pages.at(-1)).toEqual({
          edges: [],
          nodes: [],
          pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
        });
        expect(upstream.served).toEqual(items);
        // one call per page, the extra page's included: it reads the empty page the token names
        expect(upstream.calls).toEqual(pagesOfOneCall(pages.length, first));
      },
    );
  });

  /** The calls of a walk by `first` over `pages` pages when each page takes one call: by offset. */
  const pagesOfOneCall = (pages: number, first: number) =>
    Array.from({ length: pages }, (_, k) => [k === 0 ? undefined : String(k * first), first]);

  /**
   * Pages through `items` by `first`, resuming from each page's endCursor, and asserts each page
   * whole: the next `first` items, every edge's cursor naming its node's place upstream, and exact
   * flags, except that with `fullLastPageClaimsNext` a page ending on the last item claims a next
   * page (the next one being empty). Returns the connections.
   */
  /**
   * Walks `items` by `first`, each page from the previous one's endCursor, checking each page:
   * the next items in order, `first` of them unless the upstream served pages shorter than asked
   * (then the call cap, tokenPageCalls, may end a page early, never empty), flags exact, and no
   * more calls than the cap.
   */
  async function walkByToken(
    items: readonly string[],
    first: number,
    upstream: ReturnType<typeof tokenUpstream<string>>,
    maxPageSize: number,
    { fullLastPageClaimsNext = false, shortPages = false } = {},
  ) {
    const pages = [];
    let after: TokenPosition | undefined;
    for (let start = 0; ;) {
      const callsBefore = upstream.calls.length;
      const connection = toConnection(
        await paginateByToken(upstream.fetchPage, { count: first, ...(after ? { after } : {}), maxPageSize }),
        BINDING,
      );
      expect(upstream.calls.length - callsBefore).toBeLessThanOrEqual(
        tokenPageCalls(after !== undefined, first, maxPageSize),
      );
      const served = shortPages ? Math.max(1, connection.nodes.length) : first;
      const expected = items.slice(start, start + served);
      expect(connection).toEqual({
        edges: expected.map((node) => ({ cursor: expect.any(String), node })),
        nodes: expected,
        pageInfo: {
          hasNextPage:
            start + served < items.length ||
            (fullLastPageClaimsNext && items.length > 0 && start + served === items.length),
          hasPreviousPage: start > 0,
          startCursor: connection.edges[0]?.cursor ?? null,
          endCursor: connection.edges.at(-1)?.cursor ?? null,
        },
      });
      expect(
        connection.edges.map(
          (edge) => items[offsetOf(decodeCursor(edge.cursor, BINDING, isTokenPosition, 'after'))],
        ),
      ).toEqual(expected);
      pages.push(connection);
      start += served;
      if (!connection.pageInfo.hasNextPage || start > items.length) break;
      after = decodeCursor(connection.pageInfo.endCursor as string, BINDING, isTokenPosition, 'after');
    }
    return pages;
  }
});

// ---------------------------------------------------------------------------------------------

/** An offset/limit upstream over `items` (limit 1..500, as Run:ai takes it) and its total. */
function offsetUpstream<T>(items: readonly T[]) {
  const calls = { slices: [] as [number, number][], counts: 0 };
  return {
    calls,
    async fetchSlice(offset: number, limit: number) {
      calls.slices.push([offset, limit]);
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new Error(`the upstream refuses offset=${offset} limit=${limit}`);
      }
      return { items: items.slice(offset, offset + limit) };
    },
    async count() {
      calls.counts += 1;
      return items.length;
    },
  };
}

describe('paginateByOffset', () => {
  const ABCDE = ['A', 'B', 'C', 'D', 'E'];
  const at = (node: string, o: number) => ({ node, position: { o } });

  describe('pages of A..E', () => {
    it.each<[string, Parameters<typeof paginateByOffset>[2], unknown, unknown]>([
      [
        'first 2',
        { direction: 'forward', count: 2 },
        { items: [at('A', 0), at('B', 1)], hasNextPage: true, hasPreviousPage: false },
        { slices: [[0, 3]], counts: 0 },
      ],
      [
        'first 2 after B',
        { direction: 'forward', count: 2, after: { o: 1 } },
        { items: [at('C', 2), at('D', 3)], hasNextPage: true, hasPreviousPage: true },
        { slices: [[2, 3]], counts: 0 },
      ],
      [
        'first 2 after D',
        { direction: 'forward', count: 2, after: { o: 3 } },
        { items: [at('E', 4)], hasNextPage: false, hasPreviousPage: true },
        { slices: [[4, 3]], counts: 0 },
      ],
      [
        'first 2 after E',
        { direction: 'forward', count: 2, after: { o: 4 } },
        { items: [], hasNextPage: false, hasPreviousPage: true },
        { slices: [[5, 3]], counts: 0 },
      ],
      [
        'first 5: exactly the list',
        { direction: 'forward', count: 5 },
        { items: ABCDE.map(at), hasNextPage: false, hasPreviousPage: false },
        { slices: [[0, 6]], counts: 0 },
      ],
      [
        'first 0',
        { direction: 'forward', count: 0 },
        { items: [], hasNextPage: true, hasPreviousPage: false },
        { slices: [[0, 1]], counts: 0 },
      ],
      [
        'first 0 after A',
        { direction: 'forward', count: 0, after: { o: 0 } },
        { items: [], hasNextPage: true, hasPreviousPage: true },
        { slices: [[1, 1]], counts: 0 },
      ],
      [
        'last 2: counts, then reads the end',
        { direction: 'backward', count: 2 },
        { items: [at('D', 3), at('E', 4)], hasNextPage: false, hasPreviousPage: true },
        { slices: [[3, 2]], counts: 1 },
      ],
      [
        'last 2 before D',
        { direction: 'backward', count: 2, before: { o: 3 } },
        { items: [at('B', 1), at('C', 2)], hasNextPage: true, hasPreviousPage: true },
        { slices: [[1, 2]], counts: 0 },
      ],
      [
        'last 2 before B',
        { direction: 'backward', count: 2, before: { o: 1 } },
        { items: [at('A', 0)], hasNextPage: true, hasPreviousPage: false },
        { slices: [[0, 1]], counts: 0 },
      ],
      [
        'last 2 before A: no upstream call',
        { direction: 'backward', count: 2, before: { o: 0 } },
        { items: [], hasNextPage: true, hasPreviousPage: false },
        { slices: [], counts: 0 },
      ],
      [
        'last 10',
        { direction: 'backward', count: 10 },
        { items: ABCDE.map(at), hasNextPage: false, hasPreviousPage: false },
        { slices: [[0, 5]], counts: 1 },
      ],
      [
        'last 0',
        { direction: 'backward', count: 0 },
        { items: [], hasNextPage: false, hasPreviousPage: true },
        { slices: [], counts: 1 },
      ],
      [
        'last 0 before C',
        { direction: 'backward', count: 0, before: { o: 2 } },
        { items: [], hasNextPage: true, hasPreviousPage: true },
        { slices: [], counts: 0 },
      ],
    ])('%s', async (_, request, expected, calls) => {
      const upstream = offsetUpstream(ABCDE);
      expect(await paginateByOffset(upstream.fetchSlice, upstream.count, request)).toEqual(expected);
      expect(upstream.calls).toEqual(calls);
    });
  });

  it.each<Parameters<typeof paginateByOffset>[2]>([
    { direction: 'forward', count: 3 },
    { direction: 'backward', count: 3 },
  ])('returns an empty, flagless page for an empty list: %j', async (request) => {
    const upstream = offsetUpstream([]);
    expect(await paginateByOffset(upstream.fetchSlice, upstream.count, request)).toEqual({
      items: [],
      hasNextPage: false,
      hasPreviousPage: false,
    });
    expect(upstream.calls).toEqual(
      request.direction === 'forward' ? { slices: [[0, 4]], counts: 0 } : { slices: [], counts: 1 },
    );
  });

  const walkCases = [0, 1, 5, 37].flatMap((n) => [1, 2, 5, 36, 37, 100].map((count) => ({ n, count })));

  describe('walks forwards with after = endCursor, never counting', () => {
    it.each(walkCases)('N=$n, first=$count', async ({ n, count }) => {
      const items = letters(n);
      const upstream = offsetUpstream(items);
      const seen: string[] = [];
      const expectedSlices: [number, number][] = [];
      let after: OffsetPosition | undefined;
      for (let start = 0; ; start += count) {
        const connection = toConnection(
          await paginateByOffset(upstream.fetchSlice, upstream.count, {
            direction: 'forward',
            count,
            ...(after ? { after } : {}),
          }),
          BINDING,
        );
        expectedSlices.push([start, count + 1]);
        const expected = items.slice(start, start + count);
        expect(connection).toEqual({
          edges: expected.map((node, j) => ({ cursor: encodeCursor(BINDING, { o: start + j }), node })),
          nodes: expected,
          pageInfo: {
            hasNextPage: start + count < n,
            hasPreviousPage: start > 0,
            startCursor: expected.length ? encodeCursor(BINDING, { o: start }) : null,
            endCursor: expected.length ? encodeCursor(BINDING, { o: start + expected.length - 1 }) : null,
          },
        });
        seen.push(...connection.nodes);
        if (!connection.pageInfo.hasNextPage || start > n) break;
        after = decodeCursor(connection.pageInfo.endCursor as string, BINDING, isOffsetPosition, 'after');
      }
      expect(seen).toEqual(items);
      expect(upstream.calls).toEqual({ slices: expectedSlices, counts: 0 });
    });
  });

  describe('walks backwards with before = startCursor, counting once for the first page', () => {
    it.each(walkCases)('N=$n, last=$count', async ({ n, count }) => {
      const items = letters(n);
      const upstream = offsetUpstream(items);
      const pages: string[][] = [];
      const expectedSlices: [number, number][] = [];
      let before: OffsetPosition | undefined;
      for (let end = n; ; end -= count) {
        const connection = toConnection(
          await paginateByOffset(upstream.fetchSlice, upstream.count, {
            direction: 'backward',
            count,
            ...(before ? { before } : {}),
          }),
          BINDING,
        );
        const start = Math.max(0, end - count);
        if (end > start) expectedSlices.push([start, end - start]);
        const expected = items.slice(start, end);
        expect(connection).toEqual({
          edges: expected.map((node, j) => ({ cursor: encodeCursor(BINDING, { o: start + j }), node })),
          nodes: expected,
          pageInfo: {
            hasNextPage: end < n,
            hasPreviousPage: start > 0,
            startCursor: expected.length ? encodeCursor(BINDING, { o: start }) : null,
            endCursor: expected.length ? encodeCursor(BINDING, { o: end - 1 }) : null,
          },
        });
        pages.unshift(connection.nodes);
        if (!connection.pageInfo.hasPreviousPage || end < 0) break;
        before = decodeCursor(connection.pageInfo.startCursor as string, BINDING, isOffsetPosition, 'before');
      }
      expect(pages.length).toBe(Math.max(1, Math.ceil(n / count)));
      expect(pages.flat()).toEqual(items);
      expect(upstream.calls).toEqual({ slices: expectedSlices, counts: 1 });
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('stableStringify', () => {
  it.each<[string, unknown, string]>([
    ['sorts keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['sorts keys by code unit', { a: 1, _: 2, B: 3 }, '{"B":3,"_":2,"a":1}'],
    [
      'sorts keys at every depth',
      { z: { y: 1, x: [{ d: 1, c: 2 }] }, a: null },
      '{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}',
    ],
    ['drops undefined values', { a: undefined, b: 1, c: { d: undefined } }, '{"b":1,"c":{}}'],
    ['keeps arrays in order', [3, 1, 2], '[3,1,2]'],
    ['writes undefined in an array as null', [1, undefined], '[1,null]'],
    ['keeps null values', { a: null }, '{"a":null}'],
    ['escapes keys and strings as JSON', { 'k"\n': 'v"\n' }, '{"k\\"\\n":"v\\"\\n"}'],
    ['writes an empty object and array', { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ['writes a number', 1.5, '1.5'],
    ['writes a string', 'x', '"x"'],
    ['writes a boolean', false, 'false'],
    ['writes null', null, 'null'],
    ['writes undefined as null', undefined, 'null'],
  ])('%s', (_, value, expected) => {
    expect(stableStringify(value)).toBe(expected);
  });

  it('gives the same text for objects that differ only in key order', () => {
    expect(stableStringify({ filter: { b: [1, { y: 2, x: 1 }], a: 'x' }, order: 'name' })).toBe(
      stableStringify({ order: 'name', filter: { a: 'x', b: [1, { x: 1, y: 2 }] } }),
    );
  });
});
