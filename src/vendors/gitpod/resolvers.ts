/**
 * Resolvers of the Gitpod types (WarmPool) and Query.warmPools.
 */
import type { Resolvers } from '../../generated/graphql.js';
import { encodeGlobalId } from '../../graphql/global-id.js';
import { compileWarmPoolFilter } from './api.js';

type GitpodResolvers = Pick<Resolvers, 'WarmPool' | 'WarmPoolSpec' | 'WarmPoolStatus'> & {
  Query: Pick<NonNullable<Resolvers['Query']>, 'warmPools'>;
};

type Phase = 'UNSPECIFIED' | 'PENDING' | 'READY' | 'DEGRADED' | 'DELETING' | 'DELETED';

/** Given Gitpod's phase (`WARM_POOL_PHASE_READY`), returns the GraphQL enum value (`READY`). */
function phase(value: string | undefined): Phase | null {
  return value ? (value.replace(/^WARM_POOL_PHASE_/, '') as Phase) : null;
}

export const gitpodResolvers: GitpodResolvers = {
  Query: {
    warmPools: (_root, args, ctx) => ctx.gitpod.warmPools(args, compileWarmPoolFilter(args.filter)),
  },
  WarmPool: {
    id: (w) =>
      encodeGlobalId(
        'WarmPool',
        `${w.id}/${w.metadata?.projectId ?? ''}/${w.metadata?.environmentClassId ?? ''}`,
      ),
    warmPoolId: (w) => w.id,
    projectId: (w) => w.metadata?.projectId ?? null,
    environmentClassId: (w) => w.metadata?.environmentClassId ?? null,
    organizationId: (w) => w.metadata?.organizationId ?? null,
    runnerId: (w) => w.metadata?.runnerId ?? null,
    createdAt: (w) => w.metadata?.createdAt ?? null,
    updatedAt: (w) => w.metadata?.updatedAt ?? null,
    spec: (w) => w.spec ?? null,
    status: (w) => w.status ?? null,
  },
  WarmPoolSpec: {
    desiredPhase: (s) => phase(s.desiredPhase),
    desiredSize: (s) => s.desiredSize ?? null,
    minSize: (s) => s.minSize ?? 0,
    maxSize: (s) => s.maxSize ?? null,
    snapshotId: (s) => s.snapshotId || null,
    specVersion: (s) => s.specVersion ?? null,
  },
  WarmPoolStatus: {
    phase: (s) => phase(s.phase),
    desiredSize: (s) => s.desiredSize ?? 0,
    failureMessage: (s) => s.failureMessage || null,
    runningInstances: (s) => s.runningInstances ?? 0,
    stoppedInstances: (s) => s.stoppedInstances ?? 0,
    statusVersion: (s) => s.statusVersion ?? null,
  },
};
