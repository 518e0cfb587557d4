/**
 * Reads a ListWarmPools request the way Gitpod's Connect server does, into a validated request
 * or the `invalid_argument` message a client gets back.
 *
 * Contract:
 * - The body is protojson: a JSON object (an empty body is `{}`); each field may be spelled with
 *   its JSON name or its proto name (`pageSize` / `page_size`), not both; `null` means unset;
 *   int32 fields take a JSON integer or a decimal string; unknown fields are ignored (the Connect
 *   JSON codec discards them). Anything else is an `unmarshal` error naming the field.
 * - The query string may carry `token` and `pageSize` (the official SDK sends them there); each
 *   overrides the body's `pagination` field of the same name, because the SDK's auto-pagination
 *   resends the original body with the next token in the query. Empty query values are unset;
 *   a repeated query parameter is an error.
 * - Validation (protovalidate style): page size 0..100, 0 meaning the default 25; every filter
 *   id a UUID (matched case-insensitively, so normalised to lowercase).
 */
import { isUuid } from '../../../values.js';

/** The page size used when a request gives none (or 0), as the Gitpod SDK documents. */
export const DEFAULT_PAGE_SIZE = 25;
/** The largest page size a request may ask for. */
export const MAX_PAGE_SIZE = 100;

/** The filter of a request; an empty list does not filter. */
export interface WarmPoolFilter {
  projectIds: string[];
  environmentClassIds: string[];
}

/** A request that passed validation. */
export interface ListWarmPoolsRequest {
  pageSize: number;
  /** The token to continue from, or undefined for the first page. */
  token: string | undefined;
  filter: WarmPoolFilter;
}

/** The outcome of reading a request: the request, or the `invalid_argument` message. */
export type ReadResult = { ok: true; request: ListWarmPoolsRequest } | { ok: false; message: string };

const REQUEST_TYPE = '*v1.ListWarmPoolsRequest';
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

class UnmarshalError extends Error {}

/** Given the raw body and query string of a ListWarmPools call, returns the validated request. */
export function readListWarmPoolsRequest(rawBody: string, query: URLSearchParams): ReadResult {
  let bodyToken: string | undefined;
  let bodyPageSize: number | undefined;
  let projectIds: string[];
  let environmentClassIds: string[];
  try {
    const message = parseBody(rawBody);
    const pagination = optionalMessage(message, 'pagination');
    const filter = optionalMessage(message, 'filter');
    bodyToken = optionalString(pagination, 'pagination', 'token', 'token');
    bodyPageSize = optionalInt32(pagination, 'pagination', 'pageSize', 'page_size');
    projectIds = repeatedString(filter, 'filter', 'projectIds', 'project_ids');
    environmentClassIds = repeatedString(filter, 'filter', 'environmentClassIds', 'environment_class_ids');
  } catch (error) {
    if (error instanceof UnmarshalError) {
      return { ok: false, message: `unmarshal into ${REQUEST_TYPE}: proto: ${error.message}` };
    }
    throw error;
  }

  const queryToken = singleQueryValue(query, 'token');
  const queryPageSize = singleQueryValue(query, 'pageSize');
  if (queryToken === null || queryPageSize === null) {
    const name = queryToken === null ? 'token' : 'pageSize';
    return {
      ok: false,
      message: `query parameter ${name} must be given at most once, got ${query.getAll(name).length}`,
    };
  }
  if (queryPageSize !== undefined && !/^-?\d+$/.test(queryPageSize)) {
    return {
      ok: false,
      message: `query parameter pageSize must be an integer in [0, 100], got "${queryPageSize}"`,
    };
  }

  const pageSize = queryPageSize !== undefined ? Number(queryPageSize) : (bodyPageSize ?? 0);
  if (!(pageSize >= 0 && pageSize <= MAX_PAGE_SIZE)) {
    const source = queryPageSize !== undefined ? ' (query parameter pageSize)' : '';
    return {
      ok: false,
      message: `validation error: pagination.page_size${source}: value must be greater than or equal to 0 and less than or equal to ${MAX_PAGE_SIZE} [int32.gte_lte], got ${pageSize}`,
    };
  }
  for (const [field, ids] of [
    ['filter.project_ids', projectIds],
    ['filter.environment_class_ids', environmentClassIds],
  ] as const) {
    const bad = ids.findIndex((id) => !isUuid(id));
    if (bad >= 0) {
      return {
        ok: false,
        message: `validation error: ${field}[${bad}]: value must be a valid UUID [string.uuid], got "${ids[bad]}"`,
      };
    }
  }

  const token = queryToken ?? bodyToken;
  return {
    ok: true,
    request: {
      pageSize: pageSize === 0 ? DEFAULT_PAGE_SIZE : pageSize,
      token: token === '' ? undefined : token,
      filter: {
        projectIds: projectIds.map((id) => id.toLowerCase()),
        environmentClassIds: environmentClassIds.map((id) => id.toLowerCase()),
      },
    },
  };
}

function parseBody(rawBody: string): Record<string, unknown> {
  if (rawBody === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch (error) {
    throw new UnmarshalError(`syntax error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(parsed)) {
    throw new UnmarshalError(`the request must be a JSON object, got ${describe(parsed)}`);
  }
  return parsed;
}

/** Reads a nested message field; throws an UnmarshalError when it is neither an object nor null. */
function optionalMessage(message: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = message[name];
  if (value === undefined || value === null) return {};
  if (!isObject(value))
    throw new UnmarshalError(`invalid value for message field ${name}: ${describe(value)}`);
  return value;
}

function field(
  message: Record<string, unknown>,
  parent: string,
  jsonName: string,
  protoName: string,
): unknown {
  if (jsonName !== protoName && jsonName in message && protoName in message) {
    throw new UnmarshalError(
      `duplicate field ${parent}.${protoName} (sent as both "${jsonName}" and "${protoName}")`,
    );
  }
  return message[jsonName] ?? message[protoName] ?? null;
}

function optionalString(
  message: Record<string, unknown>,
  parent: string,
  jsonName: string,
  protoName: string,
): string | undefined {
  const value = field(message, parent, jsonName, protoName);
  if (value === null) return undefined;
  if (typeof value !== 'string') {
    throw new UnmarshalError(`invalid value for string field ${parent}.${jsonName}: ${describe(value)}`);
  }
  return value;
}

function optionalInt32(
  message: Record<string, unknown>,
  parent: string,
  jsonName: string,
  protoName: string,
): number | undefined {
  const value = field(message, parent, jsonName, protoName);
  if (value === null) return undefined;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(number) || number < INT32_MIN || number > INT32_MAX) {
    throw new UnmarshalError(`invalid value for int32 field ${parent}.${jsonName}: ${describe(value)}`);
  }
  return number;
}

function repeatedString(
  message: Record<string, unknown>,
  parent: string,
  jsonName: string,
  protoName: string,
): string[] {
  const value = field(message, parent, jsonName, protoName);
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw new UnmarshalError(
      `invalid value for repeated string field ${parent}.${jsonName}: ${describe(value)}`,
    );
  }
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string') {
      throw new UnmarshalError(
        `invalid value for string field ${parent}.${jsonName}[${index}]: ${describe(item)}`,
      );
    }
  });
  return value as string[];
}

/** Returns the single value of a query parameter, undefined when absent or empty, null when repeated. */
function singleQueryValue(query: URLSearchParams, name: string): string | undefined | null {
  const all = query.getAll(name);
  if (all.length > 1) return null;
  return all[0] === '' ? undefined : all[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
