/**
 * The AIP-158 list operations, shared by ListClusters, ListNodePools and ListBatchJobs:
 * `pageSize` (default 50, 0 = default, above 200 coerced to 200, negative or not an int32 →
 * INVALID_ARGUMENT), `pageToken`, `filter` (AIP-160), `orderBy` (AIP-132) and `readMask`, each
 * accepted under its JSON (`pageSize`) or proto (`page_size`) name, as grpc-gateway does.
 * `totalSize` counts the items satisfying the filter; `nextPageToken` is omitted on the last page.
 */
import { compileAip160Filter } from './aip160.js';
import { camelToSnake, type MessageFields } from './fields.js';
import { InvalidArgumentError } from './invalid-argument.js';
import { compareByOrder, parseOrderBy } from './order-by.js';
import type { PageTokenCodec } from './page-token.js';
import { compileReadMask } from './read-mask.js';

/** The page size when none (or 0) is given. */
export const DEFAULT_PAGE_SIZE = 50;
/** The largest page served; larger sizes are coerced to it. */
export const MAX_PAGE_SIZE = 200;
const INT32_MAX = 2 ** 31 - 1;
/** How many (filter, orderBy) results a collection keeps, so walking pages does not re-sort. */
const RESULT_CACHE_SIZE = 32;

/** One listable collection of immutable records. */
export interface Collection<T extends object> {
  /** The operation name, e.g. `ListNodePools` (also what page tokens are bound to). */
  operation: string;
  /** The response field holding the page, e.g. `nodePools`. */
  responseField: string;
  fields: MessageFields;
  defaultOrderBy: string;
  records: readonly T[];
  /** Changes applied to the records so far (the world's motion); cached results of another version are dropped. */
  version?: () => number;
}

/** Given a query, returns the list response body; throws `InvalidArgumentError` on bad input. */
export type Lister = (query: URLSearchParams) => Record<string, unknown>;

/** Returns the one value of a query parameter given by its JSON or proto name. */
export function queryParam(query: URLSearchParams, jsonName: string): string | undefined {
  const protoName = camelToSnake(jsonName);
  const values = [...query.getAll(jsonName), ...(protoName === jsonName ? [] : query.getAll(protoName))];
  if (values.length > 1) {
    throw new InvalidArgumentError(`${jsonName} must be given once, got ${values.length} values`);
  }
  return values[0];
}

/** Given the raw `pageSize`, returns the page size served. */
export function parsePageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^[-+]?\d+$/.test(raw.trim()))
    throw new InvalidArgumentError(`pageSize must be an integer, got "${raw}"`);
  const size = Number(raw.trim());
  if (size < 0) throw new InvalidArgumentError(`pageSize must not be negative, got ${size}`);
  if (size > INT32_MAX) throw new InvalidArgumentError(`pageSize must be an int32, got ${raw}`);
  return size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
}

/** Creates the list handler of a collection. */
export function createLister<T extends object>(collection: Collection<T>, tokens: PageTokenCodec): Lister {
  const results = new Map<string, readonly T[]>();
  let cachedVersion = collection.version?.();

  function matching(filter: string, orderBy: string): readonly T[] {
    const version = collection.version?.();
    if (version !== cachedVersion) {
      results.clear();
      cachedVersion = version;
    }
    const key = `${filter}\u0000${orderBy}`;
    const cached = results.get(key);
    if (cached) return cached;
    const predicate = compileAip160Filter(filter, collection.fields);
    const compare = compareByOrder(parseOrderBy(orderBy, collection.fields, collection.defaultOrderBy));
    const items = collection.records.filter(predicate).sort(compare);
    if (results.size >= RESULT_CACHE_SIZE) results.delete(results.keys().next().value as string);
    results.set(key, items);
    return items;
  }

  return (query) => {
    const pageSize = parsePageSize(queryParam(query, 'pageSize'));
    const filter = queryParam(query, 'filter') ?? '';
    const orderBy = queryParam(query, 'orderBy') ?? '';
    const mask = compileReadMask(queryParam(query, 'readMask') ?? '', collection.fields);
    const items = matching(filter, orderBy);
    const pageToken = queryParam(query, 'pageToken') ?? '';
    const binding = { collection: collection.operation, filter, orderBy };
    const offset = pageToken === '' ? 0 : tokens.decode(pageToken, binding);
    const end = offset + pageSize;
    return {
      [collection.responseField]: items.slice(offset, end).map(mask),
      ...(end < items.length ? { nextPageToken: tokens.encode(binding, end) } : {}),
      totalSize: items.length,
    };
  };
}
