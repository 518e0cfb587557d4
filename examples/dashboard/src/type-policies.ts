import type { TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * Apollo Client cache policies for every connection field of the graph: pages fetched with
 * `after` are merged into one list per filter and order (the key arguments), so "load more" is
 * `fetchMore({ variables: { after: endCursor } })`. test/clients checks it lists every connection.
 */
export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      clusters: relayStylePagination(['filter', 'orderBy']),
      nodePools: relayStylePagination(['filter', 'orderBy']),
      batchJobs: relayStylePagination(['filter', 'orderBy']),
      pods: relayStylePagination(['filter', 'orderBy']),
      workloadPods: relayStylePagination(['workloadId']),
      revisionPods: relayStylePagination(['revisionId']),
      warmPools: relayStylePagination(['filter', 'orderBy']),
    },
  },
  Cluster: {
    fields: {
      batchJobs: relayStylePagination(['filter', 'orderBy']),
      nodePools: relayStylePagination(['filter', 'orderBy']),
      pods: relayStylePagination(['filter', 'orderBy']),
    },
  },
  NodePool: {
    fields: {
      batchJobs: relayStylePagination(['filter', 'orderBy']),
      pods: relayStylePagination(['filter', 'orderBy']),
    },
  },
};
