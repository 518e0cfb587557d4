/**
 * `__resolveReference` of each entity type: a representation is parsed (representations.ts) and
 * loaded through the request's DataLoaders, the ones `node(id:)` uses, so the references of one
 * `_entities` call are batched per type exactly as `nodes(ids:)` batches IDs.
 *
 * Contract: a reference to an object that does not exist (or belongs to another Fireworks
 * account) resolves to null without an error, as federation expects of a missing entity; a vendor
 * failure rejects only that reference, with the vendor's coded error on its path.
 */
import type { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import type { GatewayContext } from '../graphql/context.js';
import type { FireworksBatchJob, FireworksCluster, FireworksNodePool } from '../vendors/fireworks/client.js';
import type { GitpodWarmPool } from '../vendors/gitpod/client.js';
import type { RunaiPod } from '../vendors/runai/client.js';
import {
  parseRepresentation,
  type FireworksReference,
  type PodReference,
  type WarmPoolReference,
} from './representations.js';

/** Loads a cluster by resource name (GetCluster for one, ListClusters for several). */
export function loadClusterEntity(
  ref: FireworksReference,
  ctx: GatewayContext,
): Promise<FireworksCluster | null> {
  if (ref.account !== ctx.fireworks.accountId) return Promise.resolve(null);
  return orNull(ctx.fireworks.clusterByName.load(ref.name));
}

/** Loads a node pool by resource name (one ListNodePools per 50 names). */
export function loadNodePoolEntity(
  ref: FireworksReference,
  ctx: GatewayContext,
): Promise<FireworksNodePool | null> {
  if (ref.account !== ctx.fireworks.accountId) return Promise.resolve(null);
  return orNull(ctx.fireworks.nodePoolByName.load(ref.name));
}

/** Loads a batch job by resource name (one ListBatchJobs per 50 names). */
export function loadBatchJobEntity(
  ref: FireworksReference,
  ctx: GatewayContext,
): Promise<FireworksBatchJob | null> {
  if (ref.account !== ctx.fireworks.accountId) return Promise.resolve(null);
  return orNull(ctx.fireworks.batchJobByName.load(ref.name));
}

/** Loads a pod by workload and pod id (its workload's pods, once per workload). */
export async function loadPodEntity(ref: PodReference, ctx: GatewayContext): Promise<RunaiPod | null> {
  return (await ctx.runai.pod(ref.workloadId, ref.podId)) ?? null;
}

/** Loads a warm pool by id, project and environment class (one filtered walk for all of them). */
export function loadWarmPoolEntity(
  ref: WarmPoolReference,
  ctx: GatewayContext,
): Promise<GitpodWarmPool | null> {
  return ctx.gitpod.warmPool({
    id: ref.id,
    projectId: ref.projectId,
    environmentClassId: ref.environmentClassId,
  });
}

/** The `__resolveReference` resolvers, keyed by entity type (typed by codegen's federation mode). */
export const entityResolvers: Pick<Resolvers, 'Cluster' | 'NodePool' | 'BatchJob' | 'Pod' | 'WarmPool'> = {
  Cluster: { __resolveReference: reference(loadClusterEntity) },
  NodePool: { __resolveReference: reference(loadNodePoolEntity) },
  BatchJob: { __resolveReference: reference(loadBatchJobEntity) },
  Pod: { __resolveReference: reference(loadPodEntity) },
  WarmPool: { __resolveReference: reference(loadWarmPoolEntity) },
};

function reference<R, T>(load: (ref: R, ctx: GatewayContext) => Promise<T>) {
  return (representation: unknown, ctx: GatewayContext): Promise<T> => {
    // The limits plugin has already refused a malformed representation; this guards direct use.
    const ref = parseRepresentation(representation, ctx.fireworks.accountId) as R;
    return load(ref, ctx);
  };
}

/** A loader's NOT_FOUND becomes null (a missing entity); any other error stays. */
async function orNull<T>(loading: Promise<T>): Promise<T | null> {
  try {
    return await loading;
  } catch (error) {
    if ((error as GraphQLError).extensions?.code === ErrorCode.NOT_FOUND) return null;
    throw error;
  }
}
