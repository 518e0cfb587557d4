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
import type { PodFilter, PodOrder } from '../../generated/graphql.js';
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
}

/** Given a PodFilter, returns the Run:ai query parts. */
export function compilePodFilter(filter: PodFilter | null | undefined): CompiledPodFilter {
  const filterBy: string[] = [];
  if (!filter) return { filterBy };
  if (filter.nodeName != null) filterBy.push(`nodeName==${filterValue(filter.nodeName, 'nodeName')}`);
  if (filter.nodeNameContains != null) {
    filterBy.push(`nodeName=@${filterValue(filter.nodeNameContains, 'nodeNameContains')}`);
  }
  if (filter.workloadId != null) filterBy.push(`workloadId==${uuid(filter.workloadId, 'workloadId')}`);
  if (filter.revisionId != null) filterBy.push(`revisionId==${uuid(filter.revisionId, 'revisionId')}`);
  if (filter.createdAfter != null) filterBy.push(`createdAt>=${filter.createdAfter}`);
  if (filter.createdBefore != null) filterBy.push(`createdAt<=${filter.createdBefore}`);
  if (filter.search != null && filter.search.length > MAX_FILTER_VALUE_LENGTH) {
    throw badUserInput(`filter.search is longer than ${MAX_FILTER_VALUE_LENGTH} characters.`, {
      argument: 'filter.search',
    });
  }
  if (filter.search != null && hasControlCharacters(filter.search)) {
    throw badUserInput('filter.search cannot contain control characters.', { argument: 'filter.search' });
  }
  return {
    filterBy,
    search: filter.search || undefined,
    deleted: filter.deleted === true ? true : undefined,
    completed: filter.completed ?? undefined,
  };
}

const SORT_FIELDS: Record<PodOrder['field'], RunaiSortField> = {
  CREATED_AT: 'createdAt',
  COMPLETED_AT: 'completedAt',
  DELETED_AT: 'deletedAt',
  NODE_NAME: 'nodeName',
  WORKLOAD_ID: 'workloadId',
  CLUSTER_ID: 'clusterId',
};

/** Given a PodOrder, returns sortBy and sortOrder (none: Run:ai's default order). */
export function compilePodOrder(order: PodOrder | null | undefined): {
  sortBy?: RunaiSortField;
  sortOrder?: 'asc' | 'desc';
} {
  if (!order) return {};
  return { sortBy: SORT_FIELDS[order.field], sortOrder: order.direction === 'DESC' ? 'desc' : 'asc' };
}
