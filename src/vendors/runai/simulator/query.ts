/**
 * The query language of the Run:ai pod lists, as the simulator reads it. Every function here is
 * pure and throws `RunaiRequestError(400, ...)` naming the parameter and the value received.
 *
 * Contracts (from the seed where it speaks, decisions where it is silent):
 * - `offset`: integer 0..2^31-1 (int32), default 0. `limit`: integer 1..500, default 50. Anything
 *   else, including an empty value, is a 400. `next` is the offset of the next page, present
 *   exactly when items exist after the page.
 * - `sortBy`: one of the PodsSort enum; `sortOrder`: asc | desc (default asc). Without `sortBy`
 *   the order is `createdAt`, in `sortOrder`. Ties are always broken by `id` ascending, so pages
 *   are stable. Strings compare by UTF-16 code unit, dates as instants, and null sorts after
 *   every value ascending and before every value descending (PostgreSQL's default).
 *   `currentNodepool` (lowercase p, as the enum spells it) sorts by `currentNodePool`.
 * - `filterBy`: form style with `explode: false`, so one parameter holds comma-separated entries;
 *   repeated parameters are accepted too and their entries joined. Every comma separates entries,
 *   as the real API splits them: a value containing a comma cannot be expressed (it becomes two
 *   entries, the second of which is malformed, hence a 400), and callers must refuse such values.
 *   An empty parameter (`filterBy=`) is the empty array. Each entry must match the seed's pattern
 *   `^(field)(==|!=|<=|>=|=@|!@|=\^|=\$).+$`; the operator is the first two characters after the
 *   field name, so `nodeName===x` means `nodeName == "=x"`. Entries are ANDed.
 *   String operators are case-sensitive; `<=`/`>=` on strings compare by code unit. Date fields
 *   (`createdAt`, `completedAt`, `deletedAt`) take an RFC 3339 timestamp with an offset, compared
 *   as an instant, and only `==` `!=` `<=` `>=`. A pod whose field is null matches no entry on
 *   that field, `!=` and `!@` included (SQL's NULL semantics).
 * - `search`: case-insensitive substring of `name`, `workloadName`, `projectName` or `nodeName`;
 *   empty matches everything.
 * - `completed`: `true` → pods with `completedAt`, `false` → pods without, `all` or empty (the
 *   default) → both; anything else is a 400.
 * - `deleted`: `true` → only deleted pods (`deletedAt` set); `false` or absent → only pods not
 *   deleted. Anything else is a 400.
 * - `verbosity`: brief (default) | full; only full includes `workloadName` and `projectName`.
 */
import { RunaiRequestError } from './errors.js';
import type { RunaiPod } from './data.js';

/** The PodsSort enum, which is also the set of fields the PodsFilter pattern allows. */
export const POD_FIELDS = [
  'clusterId',
  'workloadId',
  'revisionId',
  'nodeName',
  'currentNodepool',
  'createdAt',
  'completedAt',
  'deletedAt',
] as const;
export type PodField = (typeof POD_FIELDS)[number];

/** The eight filterBy operators, in the order the seed's pattern lists them. */
export const FILTER_OPERATORS = ['==', '!=', '<=', '>=', '=@', '!@', '=^', '=$'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

const DATE_FIELDS: ReadonlySet<PodField> = new Set(['createdAt', 'completedAt', 'deletedAt']);
const DATE_OPERATORS: ReadonlySet<FilterOperator> = new Set(['==', '!=', '<=', '>=']);
// The seed's PodsFilter item pattern, with the value captured.
const FILTER_ENTRY =
  /^(clusterId|workloadId|revisionId|nodeName|currentNodepool|createdAt|completedAt|deletedAt)(==|!=|<=|>=|=@|!@|=\^|=\$)(.+)$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const INT32_MAX = 2 ** 31 - 1;

/** One parsed filterBy entry; date entries carry the instant in epoch milliseconds. */
export type PodsFilterEntry =
  | { field: PodField; operator: FilterOperator; kind: 'string'; value: string }
  | { field: PodField; operator: FilterOperator; kind: 'date'; instant: number };

export type SortOrder = 'asc' | 'desc';

/** Given the raw filterBy parameters, returns the entries, or throws a 400 naming the bad entry. */
export function parsePodsFilter(parameters: string[]): PodsFilterEntry[] {
  const raw = parameters.flatMap((p) => (p === '' ? [] : p.split(',')));
  return raw.map((entry) => {
    const m = FILTER_ENTRY.exec(entry);
    if (!m) {
      throw new RunaiRequestError(
        400,
        `filterBy entry "${entry}" must be <field><operator><value> with a field of ${POD_FIELDS.join(', ')}, ` +
          `an operator of ${FILTER_OPERATORS.join(' ')} and a non-empty value`,
      );
    }
    const field = m[1] as PodField;
    const operator = m[2] as FilterOperator;
    const value = m[3] as string;
    if (!DATE_FIELDS.has(field)) return { field, operator, kind: 'string', value };
    if (!DATE_OPERATORS.has(operator)) {
      throw new RunaiRequestError(
        400,
        `filterBy entry "${entry}": ${field} is a date and accepts only == != <= >=, got ${operator}`,
      );
    }
    const instant = parseTimestamp(value);
    if (instant === undefined) {
      throw new RunaiRequestError(
        400,
        `filterBy entry "${entry}": ${field} expects an ISO 8601 timestamp such as 2026-01-01T00:00:00Z, got "${value}"`,
      );
    }
    return { field, operator, kind: 'date', instant };
  });
}

/** Returns whether a pod satisfies every entry (entries are ANDed). */
export function matchesPodsFilter(pod: RunaiPod, entries: readonly PodsFilterEntry[]): boolean {
  return entries.every((entry) => {
    const actual = podField(pod, entry.field);
    if (actual === null) return false;
    if (entry.kind === 'date') return compareInstant(Date.parse(actual), entry.operator, entry.instant);
    return compareString(actual, entry.operator, entry.value);
  });
}

/** Returns whether a pod matches the free-text search (see the file comment). */
export function matchesSearch(pod: RunaiPod, search: string): boolean {
  if (search === '') return true;
  const needle = search.toLowerCase();
  return [pod.name, pod.workloadName, pod.projectName, pod.nodeName].some(
    (text) => typeof text === 'string' && text.toLowerCase().includes(needle),
  );
}

/** Returns a new array in the API's order for `sortBy` (absent: createdAt) and `sortOrder`. */
export function sortPods(
  pods: readonly RunaiPod[],
  sortBy: PodField | undefined,
  order: SortOrder,
): RunaiPod[] {
  const field = sortBy ?? 'createdAt';
  const direction = order === 'asc' ? 1 : -1;
  const date = DATE_FIELDS.has(field);
  const keyed = pods.map((pod) => {
    const value = podField(pod, field);
    return { pod, key: value === null ? null : date ? Date.parse(value) : value };
  });
  keyed.sort((a, b) => direction * compareNullable(a.key, b.key) || compareNullable(a.pod.id, b.pod.id));
  return keyed.map((k) => k.pod);
}

/** Given the filtered, ordered items and the paging parameters, returns one page and `next`. */
export function pageOf<T>(items: readonly T[], offset: number, limit: number): { items: T[]; next?: number } {
  const page = items.slice(offset, offset + limit);
  return offset + limit < items.length ? { items: page, next: offset + limit } : { items: page };
}

/** Reads `offset` (default 0, 0..2^31-1). */
export function parseOffset(query: URLSearchParams): number {
  return parseInteger(query, 'offset', 0, 0, INT32_MAX);
}

/** Reads `limit` (default 50, 1..500). */
export function parseLimit(query: URLSearchParams): number {
  return parseInteger(query, 'limit', 50, 1, 500);
}

/** Reads `deleted`: true → only deleted pods, false or absent → only pods not deleted. */
export function parseDeleted(query: URLSearchParams): boolean {
  const raw = query.get('deleted');
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new RunaiRequestError(400, `deleted must be true or false, got "${raw}"`);
}

/** Reads `completed`: true, false, or all (the default, also when empty). */
export function parseCompleted(query: URLSearchParams): 'true' | 'false' | 'all' {
  const raw = query.get('completed');
  if (raw === null || raw === '' || raw === 'all') return 'all';
  if (raw === 'true' || raw === 'false') return raw;
  throw new RunaiRequestError(400, `completed must be true, false or all, got "${raw}"`);
}

/** Reads `verbosity`: brief (default) or full. */
export function parseVerbosity(query: URLSearchParams): 'brief' | 'full' {
  const raw = query.get('verbosity');
  if (raw === null || raw === 'brief') return 'brief';
  if (raw === 'full') return 'full';
  throw new RunaiRequestError(400, `verbosity must be brief or full, got "${raw}"`);
}

/** Reads `sortBy` (absent: undefined, meaning the default createdAt order). */
export function parseSortBy(query: URLSearchParams): PodField | undefined {
  const raw = query.get('sortBy');
  if (raw === null) return undefined;
  if ((POD_FIELDS as readonly string[]).includes(raw)) return raw as PodField;
  throw new RunaiRequestError(400, `sortBy must be one of ${POD_FIELDS.join(', ')}, got "${raw}"`);
}

/** Reads `sortOrder`: asc (default) or desc. */
export function parseSortOrder(query: URLSearchParams): SortOrder {
  const raw = query.get('sortOrder');
  if (raw === null || raw === 'asc') return 'asc';
  if (raw === 'desc') return 'desc';
  throw new RunaiRequestError(400, `sortOrder must be asc or desc, got "${raw}"`);
}

/** Parses an RFC 3339 date-time with an offset to epoch milliseconds; undefined when invalid. */
export function parseTimestamp(raw: string): number | undefined {
  const m = RFC3339.exec(raw);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  check.setUTCHours(hour, minute, second, 0);
  const utc = check.getTime();
  // Date.UTC rolls over (Feb 30 → Mar 2); a valid timestamp survives the round trip.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  if (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return undefined;
  const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  return utc + fraction - offsetMinutes * 60_000;
}

/** The value a filterBy or sortBy field reads from a pod, null when the pod has none. */
export function podField(pod: RunaiPod, field: PodField): string | null {
  switch (field) {
    case 'clusterId':
      return pod.clusterId;
    case 'workloadId':
      return pod.workloadId;
    case 'revisionId':
      return pod.revisionId ?? null;
    case 'nodeName':
      return pod.nodeName ?? null;
    case 'currentNodepool':
      return pod.currentNodePool ?? null;
    case 'createdAt':
      return pod.createdAt;
    case 'completedAt':
      return pod.completedAt ?? null;
    case 'deletedAt':
      return pod.deletedAt ?? null;
  }
}

function parseInteger(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RunaiRequestError(400, `${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function compareString(actual: string, operator: FilterOperator, value: string): boolean {
  switch (operator) {
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
    case '<=':
      return actual <= value;
    case '>=':
      return actual >= value;
    case '=@':
      return actual.includes(value);
    case '!@':
      return !actual.includes(value);
    case '=^':
      return actual.startsWith(value);
    case '=$':
      return actual.endsWith(value);
  }
}

function compareInstant(actual: number, operator: FilterOperator, instant: number): boolean {
  switch (operator) {
    case '==':
      return actual === instant;
    case '!=':
      return actual !== instant;
    case '<=':
      return actual <= instant;
    case '>=':
      return actual >= instant;
    default:
      // parsePodsFilter admits only the four comparison operators on dates.
      return false;
  }
}

function compareNullable(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
