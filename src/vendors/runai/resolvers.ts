/**
 * Resolvers of the Run:ai root fields and of Pod.metrics. Thin: arguments are compiled to
 * filterBy/sortBy and handed to the request's loaders; every other Pod field is a property of its
 * domain object (model.ts), and its cluster and node pool are the joins module's.
 */
import type { Resolvers } from '../../generated/graphql.js';
import { compilePodFilter, compilePodOrder } from './filter.js';

type RunaiResolvers = {
  Query: Pick<NonNullable<Resolvers['Query']>, 'pods' | 'workloadPods' | 'revisionPods'>;
  Pod: Pick<NonNullable<Resolvers['Pod']>, 'metrics'>;
};

export const runaiResolvers: RunaiResolvers = {
  Query: {
    pods: (_root, args, ctx) =>
      ctx.runai.pods(
        { identity: 'Query.pods', what: 'pods' },
        { args, filter: compilePodFilter(args.filter), order: compilePodOrder(args.orderBy) },
      ),
    workloadPods: (_root, { workloadId, ...args }, ctx) => ctx.runai.workloadPods(workloadId, args),
    revisionPods: (_root, { revisionId, ...args }, ctx) => ctx.runai.revisionPods(revisionId, args),
  },
  Pod: {
    metrics: (p, args, ctx) =>
      ctx.runai.metrics(p, {
        types: args.types,
        start: args.start,
        end: args.end,
        samples: args.samples ?? 20,
      }),
  },
};
