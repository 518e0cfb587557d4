/**
 * Compiles Fleetgraph's typed filter and order inputs into Fireworks' AIP-160 `filter` and
 * AIP-132 `orderBy` strings.
 *
 * Every user value becomes a quoted string literal with `\` and `"` escaped, so quotes, commas,
 * parentheses, `OR`, `:` or `=` inside a value stay data. `*` is a wildcard inside AIP-160 string
 * equality and cannot be escaped there, so a value containing it is refused instead of silently
 * turning an exact match into a pattern.
 */
import { badUserInput } from '../../errors.js';
import { timeComparisons } from '../../graphql/date-time.js';
import { hasControlCharacters, isAnnotationKey, MAX_FILTER_VALUE_LENGTH } from '../../values.js';
import type {
  BatchJobFilter,
  BatchJobOrder,
  BatchJobOrderField,
  ClusterFilter,
  ClusterOrder,
  ClusterOrderField,
  IntMatch,
  NameMatch,
  NodePoolFilter,
  NodePoolOrder,
  NodePoolOrderField,
  TimeMatch,
} from '../../generated/graphql.js';

/** Given a user value, returns it as an AIP-160 string literal, or throws BAD_USER_INPUT. */
export function quoteAip160(value: string, argument: string): string {
  if (value.length > MAX_FILTER_VALUE_LENGTH) {
    throw badUserInput(`filter.${argument} is longer than ${MAX_FILTER_VALUE_LENGTH} characters.`, {
      argument: `filter.${argument}`,
    });
  }
  if (value.includes('*')) {
    throw badUserInput(
      `filter.${argument} cannot contain "*": Fireworks treats it as a wildcard in exact matches.`,
      { argument: `filter.${argument}` },
    );
  }
  if (hasControlCharacters(value)) {
    throw badUserInput(`filter.${argument} cannot contain control characters.`, {
      argument: `filter.${argument}`,
    });
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Returns a pattern literal matching every name below `prefix` (a trusted, validated name). */
export function namePrefixPattern(prefix: string): string {
  return `"${prefix}/*"`;
}

/** ANDs conditions, parenthesising each so OR inside one cannot bind to another. */
export function and(conditions: (string | undefined)[]): string | undefined {
  const present = conditions.filter((c): c is string => !!c);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map((c) => `(${c})`).join(' AND ');
}

/** ORs conditions (for lookups by key). */
export function or(conditions: string[]): string {
  return conditions.length === 1 ? (conditions[0] as string) : conditions.map((c) => `(${c})`).join(' OR ');
}

function states(values: readonly string[] | null | undefined): string | undefined {
  if (!values || values.length === 0) return undefined;
  return or([...new Set(values)].map((s) => `state = ${s}`));
}

/** createdAfter / createdBefore: both bounds inclusive, as on every filter of the graph. */
function created(filter: { createdAfter?: string | null; createdBefore?: string | null }) {
  return timeMatch('create_time', { atOrAfter: filter.createdAfter, atOrBefore: filter.createdBefore });
}

const COMPARATORS = { equals: '=', notEquals: '!=', atLeast: '>=', atMost: '<=' } as const;
const TIME_COMPARATORS = { equals: '=', notEquals: '!=', atOrAfter: '>=', atOrBefore: '<=' } as const;

/**
 * A TimeMatch on a timestamp field, as quoted comparisons (the values are DateTimes the scalar
 * already validated; a millisecond is read whole, see `timeComparisons`).
 */
function timeMatch(field: string, match: TimeMatch | null | undefined): string[] {
  if (!match) return [];
  return Object.keys(TIME_COMPARATORS).flatMap((condition) => {
    const value = match[condition as keyof typeof TIME_COMPARATORS];
    if (value == null) return [];
    return timeComparisons(condition as keyof typeof TIME_COMPARATORS, value).map(
      ({ op, value: bound }) => `${field} ${TIME_COMPARATORS[op]} "${bound}"`,
    );
  });
}

/** An IntMatch on an integer field; GraphQL's Int already guarantees an integer. */
function intMatch(field: string, match: IntMatch | null | undefined): string[] {
  if (!match) return [];
  return Object.entries(COMPARATORS).flatMap(([condition, op]) => {
    const value = match[condition as keyof typeof COMPARATORS];
    return value == null ? [] : [`${field} ${op} ${value}`];
  });
}

const WILDCARDS = {
  equals: (v: string) => v,
  startsWith: (v: string) => `${v}*`,
  endsWith: (v: string) => `*${v}`,
  contains: (v: string) => `*${v}*`,
} as const;

/**
 * A NameMatch as AIP-160 wildcard equalities: the gateway places the `*`, the user's text stays
 * a quoted literal (refused if it holds a `*` itself). `prefix` is prepended to the pattern, for
 * matching a short id inside a resource name (`accounts/a/clusters/` + `eu*`).
 */
function nameMatch(
  field: string,
  match: NameMatch | null | undefined,
  argument: string,
  prefix = '',
): string[] {
  if (!match) return [];
  return Object.entries(WILDCARDS).flatMap(([condition, pattern]) => {
    const value = match[condition as keyof typeof WILDCARDS];
    if (value == null) return [];
    if (value === '') {
      throw badUserInput(`filter.${argument}.${condition} cannot be empty.`, {
        argument: `filter.${argument}.${condition}`,
      });
    }
    const literal = quoteAip160(value, `${argument}.${condition}`).slice(1, -1);
    return [`${field} = "${prefix}${pattern(literal)}"`];
  });
}

function bool(field: string, value: boolean | null | undefined): string | undefined {
  return value == null ? undefined : `${field} = ${value}`;
}

/**
 * `annotations:"key"` (key set) or `annotations."key" = "value"`, for node pools and batch jobs
 * alike.
 */
function annotationCondition(filter: {
  annotationKey?: string | null;
  annotationValue?: string | null;
}): string | undefined {
  if (filter.annotationValue !== undefined && filter.annotationValue !== null && !filter.annotationKey) {
    throw badUserInput('filter.annotationValue needs filter.annotationKey.', {
      argument: 'filter.annotationValue',
    });
  }
  if (filter.annotationKey === '') {
    throw badUserInput('filter.annotationKey cannot be empty.', { argument: 'filter.annotationKey' });
  }
  if (!filter.annotationKey) return undefined;
  const key = annotationKey(filter.annotationKey);
  return filter.annotationValue === undefined || filter.annotationValue === null
    ? `annotations:${key}`
    : `annotations.${key} = ${quoteAip160(filter.annotationValue, 'annotationValue')}`;
}

/** `field = "value"` for the filter argument `argument`, when it is given. */
function equals(field: string, input: { argument: string; value: string | null | undefined }) {
  const { argument, value } = input;
  return value === undefined || value === null ? undefined : `${field} = ${quoteAip160(value, argument)}`;
}

/** Given a ClusterFilter (and the account, for short-id patterns), returns the AIP-160 conditions. */
export function compileClusterFilter(
  filter: ClusterFilter | null | undefined,
  accountId = '',
): string | undefined {
  if (!filter) return undefined;
  return and([
    states(filter.states),
    equals('display_name', { argument: 'displayName', value: filter.displayName }),
    ...created(filter),
    ...nameMatch('display_name', filter.displayNameMatch, 'displayNameMatch'),
    ...nameMatch('name', filter.clusterIdMatch, 'clusterIdMatch', `accounts/${accountId}/clusters/`),
    ...timeMatch('update_time', filter.updatedAt),
  ]);
}

/** Given a NodePoolFilter (and the account, for short-id patterns), returns the AIP-160 conditions. */
export function compileNodePoolFilter(
  filter: NodePoolFilter | null | undefined,
  accountId = '',
): string | undefined {
  if (!filter) return undefined;
  return and([
    states(filter.states),
    equals('display_name', { argument: 'displayName', value: filter.displayName }),
    equals('eks_node_pool.instance_type', { argument: 'instanceType', value: filter.instanceType }),
    annotationCondition(filter),
    ...created(filter),
    ...nameMatch('display_name', filter.displayNameMatch, 'displayNameMatch'),
    ...nameMatch(
      'name',
      filter.nodePoolIdMatch,
      'nodePoolIdMatch',
      `accounts/${accountId}/clusters/*/nodePools/`,
    ),
    bool('eks_node_pool.spot', filter.spot),
    equals('eks_node_pool.zone', { argument: 'zone', value: filter.zone }),
    equals('fake_node_pool.machine_type', { argument: 'machineType', value: filter.machineType }),
    ...intMatch('min_node_count', filter.minNodeCount),
    ...intMatch('max_node_count', filter.maxNodeCount),
    ...intMatch('node_pool_stats.node_count', filter.nodeCount),
    ...timeMatch('update_time', filter.updatedAt),
  ]);
}

/** Given a BatchJobFilter, returns the AIP-160 conditions. */
export function compileBatchJobFilter(filter: BatchJobFilter | null | undefined): string | undefined {
  if (!filter) return undefined;
  return and([
    states(filter.states),
    equals('node_pool_id', { argument: 'nodePoolId', value: filter.nodePoolId }),
    equals('display_name', { argument: 'displayName', value: filter.displayName }),
    equals('created_by', { argument: 'createdBy', value: filter.createdBy }),
    ...created(filter),
    ...nameMatch('display_name', filter.displayNameMatch, 'displayNameMatch'),
    ...timeMatch('start_time', filter.startedAt),
    ...timeMatch('end_time', filter.endedAt),
    ...timeMatch('update_time', filter.updatedAt),
    equals('image_ref', { argument: 'imageRef', value: filter.imageRef }),
    equals('environment_id', { argument: 'environmentId', value: filter.environmentId }),
    bool('shared', filter.shared),
    ...intMatch('num_ranks', filter.numRanks),
    annotationCondition(filter),
  ]);
}

// Annotation keys are Kubernetes keys ([prefix/]name): the field path can only hold them quoted.
function annotationKey(key: string): string {
  if (!isAnnotationKey(key)) {
    throw badUserInput(`filter.annotationKey "${key.slice(0, 80)}" is not a Kubernetes annotation key.`, {
      argument: 'filter.annotationKey',
    });
  }
  return quoteAip160(key, 'annotationKey');
}

const ORDER_FIELDS: Record<ClusterOrderField | NodePoolOrderField | BatchJobOrderField, string> = {
  NAME: 'name',
  DISPLAY_NAME: 'display_name',
  CREATED_AT: 'create_time',
  UPDATED_AT: 'update_time',
  STATE: 'state',
  MIN_NODE_COUNT: 'min_node_count',
  MAX_NODE_COUNT: 'max_node_count',
  NODE_COUNT: 'node_pool_stats.node_count',
  INSTANCE_TYPE: 'eks_node_pool.instance_type',
  STARTED_AT: 'start_time',
  ENDED_AT: 'end_time',
  NUM_RANKS: 'num_ranks',
  NODE_POOL_ID: 'node_pool_id',
  CREATED_BY: 'created_by',
  // The deprecated aliases (README, Vocabulary), sent as the names above.
  CREATE_TIME: 'create_time',
  UPDATE_TIME: 'update_time',
  START_TIME: 'start_time',
  END_TIME: 'end_time',
};

/** The most order keys one orderBy takes (the tie-break `name` comes on top). */
export const MAX_ORDER_KEYS = 4;

/**
 * Given order keys (or none), returns the AIP-132 orderBy, defaulting to the vendor's default,
 * and always ending with `name` (the unique key) so pages are stable on any AIP-132 vendor,
 * not only on one that breaks ties itself.
 */
export function compileOrderBy(
  order: readonly (ClusterOrder | NodePoolOrder | BatchJobOrder)[] | null | undefined,
  fallback: string,
): string {
  if (order && order.length > MAX_ORDER_KEYS) {
    throw badUserInput(`orderBy takes at most ${MAX_ORDER_KEYS} keys, got ${order.length}.`, {
      argument: 'orderBy',
    });
  }
  const keys = order && order.length > 0 ? order.map(orderKey) : fallback.split(', ');
  const fields = keys.map((k) => k.split(' ')[0]);
  if (new Set(fields).size !== fields.length) {
    throw badUserInput('orderBy names a field twice.', { argument: 'orderBy' });
  }
  return fields.includes('name') ? keys.join(', ') : [...keys, 'name'].join(', ');
}

function orderKey(order: ClusterOrder | NodePoolOrder | BatchJobOrder): string {
  const field = ORDER_FIELDS[order.field];
  return `${field}${order.direction === 'DESC' ? ' desc' : ''}`;
}
