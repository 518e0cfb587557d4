/**
 * Gitpod warm pools as the graph models them: mapped once from the Connect wire format (which
 * stays in this folder).
 */
import type { WarmPool, WarmPoolPhase } from '../../generated/graphql.js';
import { encodeGlobalId } from '../../graphql/global-id.js';
import type { GitpodWarmPool } from './client.js';

/** A warm pool. */
export type WarmPoolModel = Omit<WarmPool, '__typename'> & { __typename: 'WarmPool' };

/** The key of a warm pool's global ID: what a filtered list needs to find it again. */
export interface WarmPoolKey {
  id: string;
  projectId: string;
  environmentClassId: string;
}

/** Given a warm pool's key, returns its global ID (the one place it is encoded). */
export function warmPoolGlobalId(key: WarmPoolKey): string {
  return encodeGlobalId('WarmPool', `${key.id}/${key.projectId}/${key.environmentClassId}`);
}

/** Given a warm pool global ID's key, returns the key as written in it. */
export function parseWarmPoolKey(key: string): WarmPoolKey {
  const [id = '', projectId = '', environmentClassId = ''] = key.split('/');
  return { id, projectId, environmentClassId };
}

/** Given Gitpod's phase (`WARM_POOL_PHASE_READY`), returns the GraphQL enum value (`READY`). */
function phase(value: string | undefined): WarmPoolPhase | null {
  return value ? (value.replace(/^WARM_POOL_PHASE_/, '') as WarmPoolPhase) : null;
}

/** Given a warm pool as ListWarmPools sends it, returns the domain object. */
export function toWarmPool(w: GitpodWarmPool): WarmPoolModel {
  const { spec, status, metadata } = w;
  return {
    __typename: 'WarmPool',
    id: warmPoolGlobalId({
      id: w.id,
      projectId: metadata?.projectId ?? '',
      environmentClassId: metadata?.environmentClassId ?? '',
    }),
    warmPoolId: w.id,
    projectId: metadata?.projectId ?? null,
    environmentClassId: metadata?.environmentClassId ?? null,
    organizationId: metadata?.organizationId ?? null,
    runnerId: metadata?.runnerId ?? null,
    createdAt: metadata?.createdAt ?? null,
    updatedAt: metadata?.updatedAt ?? null,
    spec: spec
      ? {
          desiredPhase: phase(spec.desiredPhase),
          desiredSize: spec.desiredSize ?? null,
          minSize: spec.minSize ?? 0,
          maxSize: spec.maxSize ?? null,
          snapshotId: spec.snapshotId || null,
          specVersion: spec.specVersion ?? null,
        }
      : null,
    status: status
      ? {
          phase: phase(status.phase),
          desiredSize: status.desiredSize ?? 0,
          failureMessage: status.failureMessage || null,
          runningInstances: status.runningInstances ?? 0,
          stoppedInstances: status.stoppedInstances ?? 0,
          statusVersion: status.statusVersion ?? null,
        }
      : null,
  };
}
