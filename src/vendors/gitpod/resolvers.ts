/**
 * Resolvers of the Gitpod root field Query.warmPools; every WarmPool field is a property of its
 * domain object (model.ts).
 */
import type { Resolvers } from '../../generated/graphql.js';
import { compileWarmPoolFilter } from './api.js';

type GitpodResolvers = {
  Query: Pick<NonNullable<Resolvers['Query']>, 'warmPools'>;
};

export const gitpodResolvers: GitpodResolvers = {
  Query: {
    warmPools: (_root, args, ctx) => ctx.gitpod.warmPools(args, compileWarmPoolFilter(args.filter)),
  },
};
