/**
 * Resolvers of the Run:ai root fields and of Pod.metrics. Thin: arguments are compiled to
 * filterBy/sortBy and handed to the request's loaders; every other Pod field is a property of its
 * domain object (model.ts), and its cluster and node pool are the joins module's.
 */
import type { MetricSeries, Resolvers } from '../../generated/graphql.js';
import { emptyConnection } from '../../graphql/shared.js';
import { compilePodFilter, compilePodOrder, podSearch } from './filter.js';

type RunaiResolvers = {
  Query: Pick<NonNullable<Resolvers['Query']>, 'pods' | 'workloadPods' | 'revisionPods'>;
  Pod: Pick<
    NonNullable<Resolvers['Pod']>,
    'metrics' | 'gpuUtilization' | 'namespace' | 'statusReason' | 'podGroupId'
  >;
};

export const runaiResolvers: RunaiResolvers = {
  Query: {
    pods: (_root, args, ctx) => {
      const request = { args, filter: compilePodFilter(args.filter), order: compilePodOrder(args.orderBy) };
      // The cluster map belongs to the joins: they turn `filter.cluster` into clusterId entries.
      const scope = ctx.join.clusterScope(args.filter?.cluster);
      if (scope === null) return emptyConnection(args, 'pods');
      return ctx.runai.pods({ identity: 'Query.pods', what: 'pods' }, request, scope);
    },
    workloadPods: (_root, { workloadId, deleted, search, ...args }, ctx) =>
      ctx.runai.workloadPods(workloadId, args, { deleted: deleted === true, search: podSearch(search) }),
    revisionPods: (_root, { revisionId, deleted, ...args }, ctx) =>
      ctx.runai.revisionPods(revisionId, args, { deleted: deleted === true }),
  },
  Pod: {
    namespace: async (p, _args, ctx) => (await ctx.runai.legacyPod(p))?.namespace ?? null,
    statusReason: async (p, _args, ctx) => (await ctx.runai.legacyPod(p))?.statusReason ?? null,
    podGroupId: async (p, _args, ctx) => (await ctx.runai.legacyPod(p))?.podGroupId ?? null,
    // An Error entry (a series Run:ai's 207 left out) is completed by graphql-js as a field error
    // at its index, null in the list: the type says series only because errors are not types.
    metrics: async (p, args, ctx) =>
      (await ctx.runai.metrics(p, {
        types: args.types,
        start: args.start,
        end: args.end,
        samples: args.samples ?? 20,
      })) as MetricSeries[],
    gpuUtilization: (p, args, ctx) =>
      ctx.runai.gpuUtilization(p, { start: args.start, end: args.end, samples: args.samples ?? 20 }),
  },
};
