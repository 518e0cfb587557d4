/**
 * Resolvers of the Fireworks root fields and connections. Thin: they translate arguments
 * (filters, orders, names) and call the request's loaders; every other field of Cluster, NodePool
 * and BatchJob is a property of its domain object (model.ts), and relations to other types are
 * the joins module's.
 */
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../generated/graphql.js';
import {
  compileBatchJobFilter,
  compileClusterFilter,
  compileNodePoolFilter,
  compileOrderBy,
} from './filter.js';
import { childName, clusterName, parseChildName, parseClusterName } from './names.js';

type FireworksResolvers = {
  Query: Pick<
    NonNullable<Resolvers['Query']>,
    'cluster' | 'clusters' | 'nodePool' | 'nodePools' | 'batchJob' | 'batchJobs'
  >;
  Cluster: Pick<NonNullable<Resolvers['Cluster']>, 'nodePools' | 'batchJobs' | 'createTime' | 'updateTime'>;
  NodePool: Pick<NonNullable<Resolvers['NodePool']>, 'batchJobs' | 'createTime' | 'updateTime'>;
  BatchJob: Pick<NonNullable<Resolvers['BatchJob']>, 'createTime' | 'startTime' | 'endTime' | 'updateTime'>;
};

/** Refuses a name in another account than the gateway's, as NOT_FOUND naming the account. */
function inAccount(what: string, name: string, account: string, served: string): void {
  if (account !== served) {
    throw notFound(`${what} "${name}" was not found: this gateway serves account "${served}".`);
  }
}

export const fireworksResolvers: FireworksResolvers = {
  Query: {
    cluster: (_root, { name }, ctx) => {
      const parsed = parseClusterName(name, ctx.fireworks.accountId);
      inAccount('Cluster', name, parsed.account, ctx.fireworks.accountId);
      return ctx.fireworks.clusterByName.load(clusterName(parsed.account, parsed.cluster));
    },
    clusters: (_root, args, ctx) =>
      ctx.fireworks.clusters({
        args,
        filter: compileClusterFilter(args.filter, ctx.fireworks.accountId),
        orderBy: compileOrderBy(args.orderBy, 'name'),
      }),
    nodePool: (_root, { name }, ctx) => {
      const parsed = parseChildName(name, 'nodePools', ctx.fireworks.accountId);
      inAccount('Node pool', name, parsed.account, ctx.fireworks.accountId);
      return ctx.fireworks.nodePoolByName.load(childName(parsed, 'nodePools'));
    },
    nodePools: (_root, args, ctx) =>
      ctx.fireworks.nodePools({
        args,
        filter: compileNodePoolFilter(args.filter, ctx.fireworks.accountId),
        orderBy: compileOrderBy(args.orderBy, 'name'),
      }),
    batchJob: (_root, { name }, ctx) => {
      const parsed = parseChildName(name, 'batchJobs', ctx.fireworks.accountId);
      inAccount('Batch job', name, parsed.account, ctx.fireworks.accountId);
      return ctx.fireworks.batchJobByName.load(childName(parsed, 'batchJobs'));
    },
    batchJobs: (_root, args, ctx) =>
      ctx.fireworks.batchJobs({
        args,
        filter: compileBatchJobFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'create_time desc'),
      }),
  },
  Cluster: {
    // Deprecated aliases of the `…At` fields.
    createTime: (c) => c.createdAt ?? null,
    updateTime: (c) => c.updatedAt ?? null,
    nodePools: (c, args, ctx) =>
      ctx.fireworks.clusterNodePools(c.name, {
        args,
        filter: compileNodePoolFilter(args.filter, ctx.fireworks.accountId),
        orderBy: compileOrderBy(args.orderBy, 'name'),
      }),
    batchJobs: (c, args, ctx) =>
      ctx.fireworks.clusterBatchJobs(c.name, {
        args,
        filter: compileBatchJobFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'create_time desc'),
      }),
  },
  NodePool: {
    createTime: (p) => p.createdAt ?? null,
    updateTime: (p) => p.updatedAt ?? null,
    batchJobs: (p, args, ctx) =>
      ctx.fireworks.nodePoolBatchJobs(p, {
        args,
        filter: compileBatchJobFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'create_time desc'),
      }),
  },
  BatchJob: {
    createTime: (j) => j.createdAt ?? null,
    startTime: (j) => j.startedAt ?? null,
    endTime: (j) => j.endedAt ?? null,
    updateTime: (j) => j.updatedAt ?? null,
  },
};
