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
import { hasControlCharacters, isAnnotationKey, MAX_FILTER_VALUE_LENGTH } from '../../values.js';
import type {
  BatchJobFilter,
  BatchJobOrder,
  ClusterFilter,
  ClusterOrder,
  NodePoolFilter,
  NodePoolOrder,
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

/** A time bound on a field; the value is a DateTime the scalar already validated. */
function time(field: string, op: '>=' | '<', value: string | null | undefined): string | undefined {
  return value ? `${field} ${op} "${value}"` : undefined;
}

/** `field = "value"` for the filter argument `argument`, when it is given. */
function equals(field: string, input: { argument: string; value: string | null | undefined }) {
  const { argument, value } = input;
  return value === undefined || value === null ? undefined : `${field} = ${quoteAip160(value, argument)}`;
}

/** Given a ClusterFilter, returns the AIP-160 conditions. */
export function compileClusterFilter(filter: ClusterFilter | null | undefined): string | undefined {
  if (!filter) return undefined;
  return and([
    states(filter.states),
    equals('display_name', { argument: 'displayName', value: filter.displayName }),
    time('create_time', '>=', filter.createdAfter),
    time('create_time', '<', filter.createdBefore),
  ]);
}

/** Given a NodePoolFilter, returns the AIP-160 conditions. */
export function compileNodePoolFilter(filter: NodePoolFilter | null | undefined): string | undefined {
  if (!filter) return undefined;
  if (filter.annotationValue !== undefined && filter.annotationValue !== null && !filter.annotationKey) {
    throw badUserInput('filter.annotationValue needs filter.annotationKey.', {
      argument: 'filter.annotationValue',
    });
  }
  if (filter.annotationKey === '') {
    throw badUserInput('filter.annotationKey cannot be empty.', { argument: 'filter.annotationKey' });
  }
  let annotation: string | undefined;
  if (filter.annotationKey) {
    const key = annotationKey(filter.annotationKey);
    annotation =
      filter.annotationValue === undefined || filter.annotationValue === null
        ? `annotations:${key}`
        : `annotations.${key} = ${quoteAip160(filter.annotationValue, 'annotationValue')}`;
  }
  return and([
    states(filter.states),
    equals('display_name', { argument: 'displayName', value: filter.displayName }),
    equals('eks_node_pool.instance_type', { argument: 'instanceType', value: filter.instanceType }),
    annotation,
    time('create_time', '>=', filter.createdAfter),
    time('create_time', '<', filter.createdBefore),
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
    time('create_time', '>=', filter.createdAfter),
    time('create_time', '<', filter.createdBefore),
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

const ORDER_FIELDS: Record<string, string> = {
  NAME: 'name',
  DISPLAY_NAME: 'display_name',
  CREATE_TIME: 'create_time',
  UPDATE_TIME: 'update_time',
  STATE: 'state',
};

/** Given an order input (or none), returns the AIP-132 orderBy, defaulting to the vendor's default. */
export function compileOrderBy(
  order: ClusterOrder | NodePoolOrder | BatchJobOrder | null | undefined,
  fallback: string,
): string {
  if (!order) return fallback;
  const field = ORDER_FIELDS[order.field] as string;
  return `${field}${order.direction === 'DESC' ? ' desc' : ''}`;
}
