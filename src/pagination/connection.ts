/**
 * Relay cursor connections over the three upstream pagination styles, as pure functions.
 *
 * Nothing here does I/O of its own: the style adapters (`paginateByToken`, `paginateByOffset`)
 * take the upstream fetch as a function, so the whole module is tested against in-memory lists.
 *
 * Contract:
 * - `first`/`last` are 0..MAX_PAGE_SIZE; a connection without either returns DEFAULT_PAGE_SIZE.
 * - Cursors are opaque (base64url JSON and an HMAC) and carry everything needed to resume on any
 *   replica: the upstream position (page token + index inside that page, or an offset) and a
 *   binding, the connection's schema coordinate and a digest of its identity and filter/order.
 *   They are signed with the key set by `configureCursorKeys` (`CURSOR_SECRET`), so a cursor that
 *   was edited or forged, presented to another connection, or with another filter or order, is
 *   refused before any upstream call.
 * - Pages are exact, with one upstream call per page in the usual case: offset pages ask for one
 *   item more than they return; token pages ask for exactly the page and read `hasNextPage` from
 *   the presence of the next-page token, which the vendors omit exactly on the last page.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '../errors.js';

/** GitHub's bound on `first` and `last`. */
export const MAX_PAGE_SIZE = 100;
/** The page size of a connection asked for without `first` or `last`. */
export const DEFAULT_PAGE_SIZE = 20;

/** The four Relay arguments, as GraphQL passes them. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A validated page request. */
export type PageRequest =
  | { direction: 'forward'; count: number; after?: string }
  | { direction: 'backward'; count: number; before?: string };

/** An edge before it has a cursor: the node and its upstream position. */
export interface PositionedNode<T, P> {
  node: T;
  position: P;
}

/** The result of an adapter: a page of positioned nodes and the exact page flags. */
export interface Page<T, P> {
  items: PositionedNode<T, P>[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** A Relay connection, ready to be returned from a resolver. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/**
 * Given the Relay arguments, returns the page request, or throws BAD_USER_INPUT when they are
 * out of bounds or when backward paging is asked of a connection that cannot do it exactly.
 */
export function parseConnectionArgs(
  args: ConnectionArgs,
  options: { backward: boolean; what: string; orderable?: boolean },
): PageRequest {
  const { first, after, last, before } = args;
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (
      value !== undefined &&
      value !== null &&
      (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)
    ) {
      throw badUserInput(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`, {
        argument: name,
      });
    }
  }
  const hasFirst = first !== undefined && first !== null;
  const hasLast = last !== undefined && last !== null;
  if (hasFirst && hasLast) {
    throw badUserInput('Pass either `first` or `last`, not both.', { argument: 'last' });
  }
  const backwardAsked = hasLast || (before !== undefined && before !== null);
  if (backwardAsked && !options.backward) {
    throw badUserInput(
      `${options.what} can only be paged forwards (the upstream's page tokens do not go back): ` +
        (options.orderable === false
          ? 'use `first` and `after`.'
          : 'use `first` and `after`, and reverse `orderBy.direction` to start from the other end.'),
      { argument: hasLast ? 'last' : 'before' },
    );
  }
  if (hasLast || (!hasFirst && before !== undefined && before !== null)) {
    if (after !== undefined && after !== null) {
      throw badUserInput('Pass `after` with `first`, or `before` with `last`, not a mix.', {
        argument: 'after',
      });
    }
    return {
      direction: 'backward',
      count: hasLast ? (last as number) : DEFAULT_PAGE_SIZE,
      ...optional('before', before),
    };
  }
  if (before !== undefined && before !== null) {
    throw badUserInput('Pass `after` with `first`, or `before` with `last`, not a mix.', {
      argument: 'before',
    });
  }
  return {
    direction: 'forward',
    count: hasFirst ? (first as number) : DEFAULT_PAGE_SIZE,
    ...optional('after', after),
  };
}

function optional<K extends string>(key: K, value: string | null | undefined): Partial<Record<K, string>> {
  return value === undefined || value === null ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * Returns the binding of a connection: its schema coordinate (`NodePool.batchJobs`, the part of
 * `connection` before any `:`) and a short digest of its identity (e.g. with the parent's name)
 * and of the arguments that shape its order (filter, orderBy). Cursors carry it, so a cursor only
 * resumes the connection that issued it, and a cursor of another field is refused before its
 * parents load.
 */
export function connectionBinding(connection: string, shape: unknown): string {
  const digest = createHash('sha256')
    .update(connection)
    .update('\0')
    .update(stableStringify(shape ?? null))
    .digest('base64url')
    .slice(0, 16);
  return `${connection.split(':', 1)[0]}:${digest}`;
}

/**
 * The demo key of cursor MACs, used when `CURSOR_SECRET` is unset outside production (documented
 * like the demo credentials: it protects nothing, it keeps demo cursors the same across restarts).
 */
export const DEMO_CURSOR_SECRET = 'fleetgraph-demo-cursor-secret-not-for-production';

/** The keys cursors are signed with (the first) and accepted with (any). */
let cursorKeys: readonly Buffer[] = [Buffer.from(DEMO_CURSOR_SECRET)];

/**
 * Sets the cursor keys, once at start: new cursors are signed with `secret`; cursors signed with
 * `previous` are still accepted, so a key can be rotated without breaking the cursors clients hold.
 */
export function configureCursorKeys(secret: string, previous: readonly string[] = []): void {
  cursorKeys = [secret, ...previous].map((key) => Buffer.from(key));
}

/** The MAC of a cursor's payload under `key`: 128 bits of HMAC-SHA256, base64url. */
function cursorMac(payload: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, 16);
}

/** Encodes an upstream position into an opaque cursor bound to `binding`, signed. */
export function encodeCursor(binding: string, position: unknown): string {
  const payload = Buffer.from(JSON.stringify({ v: 2, b: binding, p: position })).toString('base64url');
  return `${payload}.${cursorMac(payload, cursorKeys[0] as Buffer).toString('base64url')}`;
}

/** Given a cursor, returns its payload text when its MAC verifies under one of the keys. */
function verifiedPayload(cursor: string): string | undefined {
  if (cursor.length > 4096) return undefined;
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  if (!match) return undefined;
  const [, payload, mac] = match as unknown as [string, string, string];
  const given = Buffer.from(mac, 'base64url');
  for (const key of cursorKeys) {
    const expected = cursorMac(payload, key);
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return Buffer.from(payload, 'base64url').toString('utf8');
    }
  }
  return undefined;
}

/**
 * Decodes a cursor issued by `encodeCursor` for the same binding, checking the position's shape
 * with `isPosition`; throws BAD_USER_INPUT naming the argument otherwise.
 */
export function decodeCursor<P>(
  cursor: string,
  binding: string,
  isPosition: (value: unknown) => value is P,
  argument: 'after' | 'before',
): P {
  const payload = assertCursorShape(cursor, argument);
  if (payload.b !== binding) throw misplaced(argument);
  if (!isPosition(payload.p)) {
    throw badUserInput(`\`${argument}\` is not a valid cursor. Use a cursor from this connection's edges.`, {
      argument,
    });
  }
  return payload.p;
}

/**
 * Given a cursor, returns its payload when `encodeCursor` made it with one of the cursor keys, or
 * throws BAD_USER_INPUT; with `coordinate`, also when it belongs to another field. Lets nested
 * connections be checked before their parents load.
 */
export function assertCursorShape(
  cursor: string,
  argument: 'after' | 'before',
  coordinate?: string,
): { b: string; p: unknown } {
  const invalid = () =>
    badUserInput(
      `\`${argument}\` is not a valid cursor: it was altered or not issued by this gateway. ` +
        "Use a cursor from this connection's edges or pageInfo.",
      { argument },
    );
  const text = verifiedPayload(cursor);
  if (text === undefined) throw invalid();
  let payload: { v?: unknown; b?: unknown; p?: unknown } | null;
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null || payload.v !== 2 || typeof payload.b !== 'string') {
    throw invalid();
  }
  if (coordinate !== undefined && !payload.b.startsWith(`${coordinate}:`)) throw misplaced(argument);
  return { b: payload.b, p: payload.p };
}

function misplaced(argument: 'after' | 'before') {
  return badUserInput(
    `\`${argument}\` belongs to another connection, to the same field under another parent, or to this one with another filter or orderBy. ` +
      'Cursors only resume the connection and arguments that issued them: restart from the first page.',
    { argument },
  );
}

/** Turns an adapter's page into a Relay connection, giving every edge its cursor. */
export function toConnection<T, P>(page: Page<T, P>, binding: string): Connection<T> {
  const edges = page.items.map((item) => ({ cursor: encodeCursor(binding, item.position), node: item.node }));
  return {
    edges,
    nodes: page.items.map((item) => item.node),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Page-token style (Fireworks AIP-158, Gitpod Connect): forward only.

/**
 * Where an item sits upstream: the token of the page it came in (`''` = first page) and its index;
 * index -1 with the next page's token marks the last item of a page (resume at that token).
 */
export interface TokenPosition {
  t: string;
  i: number;
}

/** Given a value, returns whether it is a TokenPosition. */
export function isTokenPosition(value: unknown): value is TokenPosition {
  const v = value as TokenPosition | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.t === 'string' &&
    Number.isInteger(v.i) &&
    v.i >= -1 &&
    v.i < 1e6
  );
}

/** One upstream page: its items and the token of the next page, absent on the last one. */
export interface TokenPage<T> {
  items: T[];
  nextToken?: string | undefined;
}

/**
 * Returns the `count` items after `after` (or from the start), fetching pages by token.
 *
 * A page token marks where a page starts, independent of the page size (AIP-158 lets the size
 * change between calls), so each call asks for exactly the items still wanted. `hasNextPage`
 * comes from the vendors' contract that the next-page token is omitted exactly on the last page
 * (Fireworks' ListX documentation, Gitpod's pagination): no look-ahead item is needed. When the
 * page ends with the last edge, that edge's cursor points at the next page's start (index -1), so
 * walking a connection reads every upstream item once: one call per page.
 */
export async function paginateByToken<T>(
  fetchPage: (token: string | undefined, pageSize: number) => Promise<TokenPage<T>>,
  options: { count: number; after?: TokenPosition; maxPageSize: number },
): Promise<Page<T, TokenPosition>> {
  const collected: PositionedNode<T, TokenPosition>[] = [];
  let token = options.after?.t;
  let skip = options.after ? options.after.i + 1 : 0;
  let hasNextPage = false;
  const maxCalls = tokenPageCalls(options.after !== undefined, options.count, options.maxPageSize);
  for (let calls = 1; ; calls++) {
    const pageSize = Math.max(1, Math.min(options.maxPageSize, skip + options.count - collected.length));
    const page = await fetchPage(token === '' ? undefined : token, pageSize);
    let j = skip;
    for (; j < page.items.length && collected.length < options.count; j++) {
      collected.push({ node: page.items[j] as T, position: { t: token ?? '', i: j } });
    }
    const next = page.nextToken !== undefined && page.nextToken !== token ? page.nextToken : undefined;
    // The call cap (which the cost estimate counts): past it the page ends short, as Relay allows.
    const capped = collected.length < options.count && calls >= maxCalls && next !== undefined;
    if (capped && collected.length === 0) {
      throw new GraphQLError(
        `The vendor answered ${calls} pages too short to reach the cursor's position; try again.`,
        { extensions: { code: ErrorCode.UPSTREAM_ERROR } },
      );
    }
    if (collected.length >= options.count || capped) {
      hasNextPage = j < page.items.length || next !== undefined;
      const last = collected[collected.length - 1];
      if (last && next !== undefined && j >= page.items.length && last.position.t === (token ?? '')) {
        last.position = { t: next, i: -1 };
      }
      break;
    }
    if (next === undefined) break; // the last page (or a token that does not advance)
    token = next;
    // AIP-158 lets a page come back shorter than asked even when more items follow, so the
    // cursor's page may now end before the cursor: skip the rest on the next page, not nothing.
    skip = Math.max(0, skip - page.items.length);
  }
  return { items: collected, hasNextPage, hasPreviousPage: options.after !== undefined };
}

/**
 * The most upstream calls one token page of `count` items makes (the cost estimate counts them):
 * the pages of `maxPageSize` it needs, and one more from a cursor, whose upstream page may hold
 * only the first items wanted. Past the cap the page comes back short, with `hasNextPage`, which
 * only an upstream serving pages shorter than asked (AIP-158 allows it) can cause.
 */
export function tokenPageCalls(fromCursor: boolean, count: number, maxPageSize: number): number {
  return Math.max(1, Math.ceil(count / maxPageSize)) + (fromCursor ? 1 : 0);
}

/**
 * The whole pipeline of a forward-only token connection: checks the Relay arguments, binds the
 * connection to its identity and the arguments that shape its order, decodes `after`, pages
 * through `fetchPage` and returns the connection with its cursors. Bad arguments and cursors are
 * refused with BAD_USER_INPUT before the first fetch.
 */
export async function tokenConnection<T>(options: {
  args: ConnectionArgs;
  /** How the connection is named in errors (e.g. `Cluster.nodePools`). */
  what: string;
  /** The connection's identity (field and parent) for its cursors' binding. */
  identity: string;
  /** The arguments that shape its order (filter, orderBy), for the binding too. */
  shape: unknown;
  maxPageSize: number;
  /** False when the connection has no orderBy to reverse (the backward-paging hint says so). */
  orderable?: boolean;
  fetchPage: (token: string | undefined, pageSize: number) => Promise<TokenPage<T>>;
}): Promise<Connection<T>> {
  const page = parseConnectionArgs(options.args, {
    backward: false,
    what: options.what,
    ...(options.orderable === false ? { orderable: false } : {}),
  });
  if (page.direction !== 'forward') throw new Error('unreachable: backward paging is refused above');
  const binding = connectionBinding(options.identity, options.shape);
  const after =
    page.after !== undefined ? decodeCursor(page.after, binding, isTokenPosition, 'after') : undefined;
  const result = await paginateByToken(options.fetchPage, {
    count: page.count,
    ...(after ? { after } : {}),
    maxPageSize: options.maxPageSize,
  });
  return toConnection(result, binding);
}

/** Thrown by `walkPages` when a list needs more pages than it may fetch. */
export class PageLimitError extends Error {
  constructor(readonly maxPages: number) {
    super(`the list has more than ${maxPages} pages`);
  }
}

/**
 * Returns every item of an upstream list, fetching page after page (one call each) until the
 * upstream gives no next position, at most `maxPages` pages: throws PageLimitError instead of fetching a
 * page past it, so a walk never grows with the fleet unbounded.
 */
export async function walkPages<T, C>(
  fetchPage: (position: C | undefined) => Promise<{ items: readonly T[]; next?: C | undefined }>,
  maxPages: number,
): Promise<T[]> {
  const all: T[] = [];
  let position: C | undefined;
  let pages = 0;
  do {
    if (++pages > maxPages) throw new PageLimitError(maxPages);
    const page = await fetchPage(position);
    all.push(...page.items);
    position = page.next;
  } while (position !== undefined);
  return all;
}

// ---------------------------------------------------------------------------------------------
// Offset style (Run:ai offset/limit with `next`): both directions.

/** Where an item sits upstream: its offset in the ordered, filtered list. */
export interface OffsetPosition {
  o: number;
}

/** Given a value, returns whether it is an OffsetPosition. */
export function isOffsetPosition(value: unknown): value is OffsetPosition {
  const v = value as OffsetPosition | null;
  return typeof v === 'object' && v !== null && Number.isInteger(v.o) && v.o >= 0 && v.o < 1e9;
}

/** A page request of the offset adapter, its cursor decoded. */
export type OffsetRequest =
  | { direction: 'forward'; count: number; after?: OffsetPosition }
  | { direction: 'backward'; count: number; before?: OffsetPosition };

/** Given a page request and its connection's binding, returns it with its cursor decoded. */
export function decodeOffsetRequest(page: PageRequest, binding: string): OffsetRequest {
  if (page.direction === 'forward') {
    return page.after === undefined
      ? { direction: 'forward', count: page.count }
      : {
          direction: 'forward',
          count: page.count,
          after: decodeCursor(page.after, binding, isOffsetPosition, 'after'),
        };
  }
  return page.before === undefined
    ? { direction: 'backward', count: page.count }
    : {
        direction: 'backward',
        count: page.count,
        before: decodeCursor(page.before, binding, isOffsetPosition, 'before'),
      };
}

/** One upstream slice: the items from the requested offset, at most the requested limit. */
export interface OffsetSlice<T> {
  items: T[];
}

/**
 * Returns the page an offset/limit upstream serves for the request. Forward pages ask for one
 * item more than returned; a backward page without `before` first asks `count` for the total.
 */
export async function paginateByOffset<T>(
  fetchSlice: (offset: number, limit: number) => Promise<OffsetSlice<T>>,
  count: () => Promise<number>,
  request: OffsetRequest,
): Promise<Page<T, OffsetPosition>> {
  if (request.direction === 'forward') {
    const start = request.after ? request.after.o + 1 : 0;
    const slice = await fetchSlice(start, request.count + 1);
    const items = slice.items
      .slice(0, request.count)
      .map((node, j) => ({ node, position: { o: start + j } }));
    return {
      items,
      hasNextPage: slice.items.length > request.count,
      hasPreviousPage: start > 0,
    };
  }
  const end = request.before ? request.before.o : await count();
  const start = Math.max(0, end - request.count);
  if (end - start === 0) {
    return { items: [], hasNextPage: request.before !== undefined, hasPreviousPage: start > 0 };
  }
  const slice = await fetchSlice(start, end - start);
  return {
    items: slice.items.map((node, j) => ({ node, position: { o: start + j } })),
    hasNextPage: request.before !== undefined,
    hasPreviousPage: start > 0,
  };
}

/**
 * The whole pipeline of an offset connection (both directions): checks the Relay arguments, binds
 * the connection, decodes `after`/`before`, pages through `fetchSlice`, and returns the connection
 * with a memoised `totalCount` from `count` — or without any count call when a forward page that
 * reaches the end already proves the total.
 */
export async function offsetConnection<T>(options: {
  args: ConnectionArgs;
  what: string;
  identity: string;
  shape: unknown;
  fetchSlice: (offset: number, limit: number) => Promise<OffsetSlice<T>>;
  count: () => Promise<number>;
}): Promise<ConnectionResult<T>> {
  const page = parseConnectionArgs(options.args, { backward: true, what: options.what });
  const binding = connectionBinding(options.identity, options.shape);
  const request = decodeOffsetRequest(page, binding);
  let total: Promise<number> | undefined;
  const totalCount = () => (total ??= options.count());
  const result = await paginateByOffset(options.fetchSlice, totalCount, request);
  if (request.direction === 'forward' && !result.hasNextPage) {
    const start = request.after ? request.after.o + 1 : 0;
    if (start === 0 || result.items.length > 0) total ??= Promise.resolve(start + result.items.length);
  }
  return { ...toConnection(result, binding), totalCount };
}

/** Serialises with sorted keys, so equal arguments always give the same binding. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An edge of a connection. */
export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * What a connection field resolves to: the page, and `totalCount` as a function so the count
 * (possibly an upstream call) is only computed when the query selects it.
 */
export interface ConnectionResult<T> extends Connection<T> {
  totalCount: () => Promise<number> | number;
}
