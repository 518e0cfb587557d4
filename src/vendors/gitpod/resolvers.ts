/**
 * Resolvers of the Gitpod root field Query.warmPools; every WarmPool field is a property of its
 * domain object (model.ts).
 */
import { badUserInput } from '../../errors.js';
import type { Resolvers } from '../../generated/graphql.js';
import { compileWarmPoolFilter } from './api.js';

type GitpodResolvers = {
  Query: Pick<NonNullable<Resolvers['Query']>, 'warmPools'>;
};

export const gitpodResolvers: GitpodResolvers = {
  Query: {
    warmPools: (_root, args, ctx) => {
      const phases = args.filter?.phases;
      if (phases && phases.length === 0) {
        throw badUserInput('filter.phases cannot be empty: omit it to accept every phase.', {
          argument: 'filter.phases',
        });
      }
      return ctx.gitpod.warmPools(
        args,
        compileWarmPoolFilter(args.filter),
        phases ? new Set(phases) : undefined,
      );
    },
  },
};
