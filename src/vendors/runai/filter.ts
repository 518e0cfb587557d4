/**
 * Compiles Fleetgraph's typed pod filter and order into Run:ai `filterBy` entries and
 * `sortBy`/`sortOrder`.
 *
 * Run:ai splits `filterBy` on commas and reads each entry as `<field><operator><value>` with the
 * field from a closed list, so a value may hold operator characters (they follow the operator)
 * but never a comma: such a value cannot be expressed and is refused rather than split into a
 * second condition.
 */
import { badUserInput } from '../../errors.js';
import { timeComparisons } from '../../graphql/date-time.js';
import type { PodFilter, PodOrder, PodPhase, StringMatch, TimeMatch } from '../../generated/graphql.js';
import { hasControlCharacters, isUuid, MAX_FILTER_VALUE_LENGTH } from '../../values.js';
import type { RunaiSortField } from './client.js';

/** Given a user value for `field`, returns it checked for use in a filterBy entry. */
export function filterValue(value: string, argument: string): string {
  if (value.length > MAX_FILTER_VALUE_LENGTH) {
    throw badUserInput(`filter.${argument} is longer than ${MAX_FILTER_VALUE_LENGTH} characters.`, {
      argument: `filter.${argument}`,
    });
  }
  if (value === '')
    throw badUserInput(`filter.${argument} cannot be empty.`, { argument: `filter.${argument}` });
  if (value.includes(',')) {
    throw badUserInput(
      `filter.${argument} cannot contain ",": Run:ai separates filter conditions with commas, so the value cannot be sent.`,
      { argument: `filter.${argument}` },
    );
  }
  if (hasControlCharacters(value)) {
    throw badUserInput(`filter.${argument} cannot contain control characters.`, {
      argument: `filter.${argument}`,
    });
  }
  return value;
}

function uuid(value: string, argument: string): string {
  if (!isUuid(value))
    throw badUserInput(`filter.${argument} must be a UUID, got "${value.slice(0, 80)}".`, {
      argument: `filter.${argument}`,
    });
  return value.toLowerCase();
}

/** The part of a pod filter that becomes filterBy entries, search and deleted. */
export interface CompiledPodFilter {
  filterBy: string[];
  search?: string | undefined;
  deleted?: boolean | undefined;
  completed?: boolean | undefined;
  /** The phases the gateway keeps (Run:ai cannot filter on phase upstream). */
  phases?: PodPhase[] | undefined;
}

/** Given a PodFilter, returns the Run:ai query parts. */
export function compilePodFilter(filter: PodFilter | null | undefined): CompiledPodFilter {
  const filterBy: string[] = [];
  if (!filter) return { filterBy };
  if (filter.phases && filter.phases.length === 0) {
    throw badUserInput('filter.phases cannot be empty: omit it to accept every phase.', {
      argument: 'filter.phases',
    });
  }
  if (filter.nodeName != null) filterBy.push(`nodeName==${filterValue(filter.nodeName, 'nodeName')}`);
  if (filter.nodeNameContains != null) {
    filterBy.push(`nodeName=@${filterValue(filter.nodeNameContains, 'nodeNameContains')}`);
  }
  if (filter.workloadId != null) filterBy.push(`workloadId==${uuid(filter.workloadId, 'workloadId')}`);
  if (filter.revisionId != null) filterBy.push(`revisionId==${uuid(filter.revisionId, 'revisionId')}`);
  filterBy.push(...timeMatch('createdAt', { atOrAfter: filter.createdAfter }));
  filterBy.push(...timeMatch('createdAt', { atOrBefore: filter.createdBefore }));
  filterBy.push(
    ...stringMatch('clusterId', filter.clusterUuid, 'clusterUuid'),
    ...stringMatch('currentNodepool', filter.nodePool, 'nodePool'),
    ...stringMatch('nodeName', filter.nodeNameMatch, 'nodeNameMatch'),
    ...stringMatch('workloadId', filter.workload, 'workload'),
    ...stringMatch('revisionId', filter.revision, 'revision'),
    ...timeMatch('createdAt', filter.createdAt),
    ...timeMatch('completedAt', filter.completedAt),
    ...timeMatch('deletedAt', filter.deletedAt),
  );
  return {
    filterBy,
    search: podSearch(filter.search, 'filter.search'),
    deleted: filter.deleted === true ? true : undefined,
    completed: filter.completed ?? undefined,
    phases: filter.phases ? [...new Set(filter.phases)].sort() : undefined,
  };
}

/** The Run:ai filterBy operator of each StringMatch condition, in the seed's order. */
export const STRING_OPERATORS: Record<keyof Omit<StringMatch, '__typename'>, string> = {
  equals: '==',
  notEquals: '!=',
  atMost: '<=',
  atLeast: '>=',
  contains: '=@',
  notContains: '!@',
  startsWith: '=^',
  endsWith: '=$',
};

/** The Run:ai filterBy operator of each TimeMatch condition (dates take only these four). */
export const TIME_OPERATORS: Record<keyof Omit<TimeMatch, '__typename'>, string> = {
  equals: '==',
  notEquals: '!=',
  atOrBefore: '<=',
  atOrAfter: '>=',
};

/** Given a StringMatch on a Run:ai field, returns its filterBy entries (values checked). */
export function stringMatch(
  field: string,
  match: StringMatch | null | undefined,
  argument: string,
): string[] {
  if (!match) return [];
  return Object.entries(STRING_OPERATORS).flatMap(([condition, operator]) => {
    const value = match[condition as keyof typeof STRING_OPERATORS];
    if (value == null) return [];
    return [`${field}${operator}${filterValue(value, `${argument}.${condition}`)}`];
  });
}

/** A TimeMatch on a Run:ai date field; a millisecond is read whole (see `timeComparisons`). */
function timeMatch(field: string, match: TimeMatch | null | undefined): string[] {
  if (!match) return [];
  return Object.keys(TIME_OPERATORS).flatMap((condition) => {
    const value = match[condition as keyof typeof TIME_OPERATORS];
    if (value == null) return [];
    return timeComparisons(condition as keyof typeof TIME_OPERATORS, value).map(
      ({ op, value: bound }) => `${field}${TIME_OPERATORS[op]}${bound}`,
    );
  });
}

/** Given a free-text search, returns it checked (undefined when absent or empty). */
export function podSearch(search: string | null | undefined, argument = 'search'): string | undefined {
  if (search == null || search === '') return undefined;
  if (search.length > MAX_FILTER_VALUE_LENGTH) {
    throw badUserInput(`${argument} is longer than ${MAX_FILTER_VALUE_LENGTH} characters.`, { argument });
  }
  if (hasControlCharacters(search)) {
    throw badUserInput(`${argument} cannot contain control characters.`, { argument });
  }
  return search;
}

const SORT_FIELDS: Record<Exclude<PodOrder['field'], GpuOrderField>, RunaiSortField> = {
  CREATED_AT: 'createdAt',
  COMPLETED_AT: 'completedAt',
  DELETED_AT: 'deletedAt',
  NODE_NAME: 'nodeName',
  WORKLOAD_ID: 'workloadId',
  CLUSTER_ID: 'clusterId',
  REVISION_ID: 'revisionId',
  NODE_POOL: 'currentNodepool',
};

type GpuOrderField = 'REQUESTED_GPUS' | 'ALLOCATED_GPUS';

/** Pod orders by a GPU figure, which Run:ai's sortBy lacks: the gateway sorts (api.ts). */
const GPU_FIELDS: Record<GpuOrderField, 'requested' | 'allocated'> = {
  REQUESTED_GPUS: 'requested',
  ALLOCATED_GPUS: 'allocated',
};

/** A compiled pod order: Run:ai's sortBy and sortOrder, or a GPU figure the gateway sorts by. */
export interface CompiledPodOrder {
  sortBy?: RunaiSortField;
  sortOrder?: 'asc' | 'desc';
  gpus?: 'requested' | 'allocated';
}

/** Given a PodOrder, returns sortBy and sortOrder, or the GPU figure (none: Run:ai's default order). */
export function compilePodOrder(order: PodOrder | null | undefined): CompiledPodOrder {
  if (!order) return {};
  const sortOrder = order.direction === 'DESC' ? 'desc' : 'asc';
  if (order.field === 'REQUESTED_GPUS' || order.field === 'ALLOCATED_GPUS') {
    return { gpus: GPU_FIELDS[order.field], sortOrder };
  }
  return { sortBy: SORT_FIELDS[order.field], sortOrder };
}

/** Whether an orderBy argument (as the cost model sees it) asks for a gateway-side GPU sort. */
export function isGpuOrder(orderBy: unknown): boolean {
  const field = (orderBy as { field?: unknown } | null | undefined)?.field;
  return field === 'REQUESTED_GPUS' || field === 'ALLOCATED_GPUS';
}
