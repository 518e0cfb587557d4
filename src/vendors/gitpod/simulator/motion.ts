/**
 * How the Gitpod warm pools move (see simulators/motion.ts): a warm pool's `status.phase`, edited
 * in place so ListWarmPools serves it. The change sets `metadata.updatedAt`; DEGRADED brings a
 * `failureMessage`, any other phase drops it. Evolution moves one pool a step: PENDING → READY,
 * READY → DEGRADED, DEGRADED → READY.
 */
import type { Prng } from '../../../simulators/prng.js';
import {
  MotionError,
  type AppliedChange,
  type MutableKind,
  type VendorMotion,
} from '../../../simulators/motion.js';
import { WARM_POOL_PHASES, type WarmPoolPhase, type WireWarmPool } from './data.js';

const NEXT_PHASE: Partial<Record<WarmPoolPhase, WarmPoolPhase>> = {
  WARM_POOL_PHASE_PENDING: 'WARM_POOL_PHASE_READY',
  WARM_POOL_PHASE_READY: 'WARM_POOL_PHASE_DEGRADED',
  WARM_POOL_PHASE_DEGRADED: 'WARM_POOL_PHASE_READY',
};
const DEGRADED_MESSAGE = 'instances failed their readiness check after 10m0s';

/** Returns the motion of the Gitpod warm pools. */
export function createGitpodMotion(warmPools: readonly WireWarmPool[]): VendorMotion {
  const byId = new Map(warmPools.map((p) => [p.id ?? '', p]));

  function setPhase(pool: WireWarmPool, phase: WarmPoolPhase, at: string): AppliedChange {
    const { failureMessage: _dropped, ...status } = pool.status ?? {};
    pool.status = {
      ...status,
      phase,
      ...(phase === 'WARM_POOL_PHASE_DEGRADED' ? { failureMessage: DEGRADED_MESSAGE } : {}),
    };
    pool.metadata = { ...pool.metadata, updatedAt: at };
    return { kind: 'warmPool', id: pool.id ?? '', set: { phase }, updateTime: at };
  }

  return {
    kinds: ['warmPool'],
    mutate(_kind: MutableKind, id: string, set: Record<string, unknown>, at: string): AppliedChange {
      const pool = byId.get(id);
      if (!pool) throw new MotionError(404, `no warm pool with id "${id}"`);
      const other = Object.keys(set).find((k) => k !== 'phase');
      if (other !== undefined)
        throw new MotionError(400, `"set" takes only "phase" for a warm pool, got "${other}"`);
      if (!(WARM_POOL_PHASES as readonly unknown[]).includes(set.phase)) {
        throw new MotionError(400, `"phase" must be one of ${WARM_POOL_PHASES.join(', ')}`);
      }
      return setPhase(pool, set.phase as WarmPoolPhase, at);
    },
    evolve(prng: Prng, at: () => string): AppliedChange[] {
      const moving = warmPools.filter((p) => p.status?.phase && NEXT_PHASE[p.status.phase]);
      if (moving.length === 0) return [];
      const pool = prng.pick(moving);
      return [setPhase(pool, NEXT_PHASE[pool.status?.phase as WarmPoolPhase] as WarmPoolPhase, at())];
    },
  };
}
