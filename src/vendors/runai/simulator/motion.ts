/**
 * How the Run:ai pods move (see simulators/motion.ts): a pod's `k8sPhase`, edited in place so
 * list_pods, count_pods, the workload and revision lists and the legacy endpoint all serve it.
 *
 * Decisions: the change sets `k8sPhaseUpdatedAt` and `updatedAt` to the simulated clock; a pod
 * entering Succeeded or Failed gets `completedAt` (if it had none), one going back to Pending,
 * Running or Unknown loses it (a restarted pod is not completed). Evolution moves one live pod
 * a step: Pending → Running → Succeeded (or Failed, one in four), Unknown → Running; a Pending pod
 * bound to no node stays Pending (no node had room for it), so evolution never puts more GPUs on
 * a node than it has.
 */
import type { Prng } from '../../../simulators/prng.js';
import {
  MotionError,
  type AppliedChange,
  type MutableKind,
  type VendorMotion,
} from '../../../simulators/motion.js';
import type { RunaiData, RunaiPod } from './data.js';

/** The phases a pod may be set to. */
export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
type PodPhase = (typeof POD_PHASES)[number];

const NEXT_PHASE: Partial<Record<PodPhase, (prng: Prng) => PodPhase>> = {
  Pending: () => 'Running',
  Running: (prng) => (prng.chance(0.25) ? 'Failed' : 'Succeeded'),
  Unknown: () => 'Running',
};

/** Returns the motion of a Run:ai data set. */
export function createRunaiMotion(data: RunaiData): VendorMotion {
  const pods = new Map(data.pods.map((p) => [p.id, p]));

  function setPhase(pod: RunaiPod, phase: PodPhase, at: string): AppliedChange {
    pod.k8sPhase = phase;
    pod.k8sPhaseUpdatedAt = at;
    pod.updatedAt = at;
    if (phase === 'Succeeded' || phase === 'Failed') pod.completedAt = pod.completedAt ?? at;
    else pod.completedAt = null;
    return { kind: 'pod', id: pod.id, set: { phase }, updateTime: at };
  }

  return {
    kinds: ['pod'],
    mutate(_kind: MutableKind, id: string, set: Record<string, unknown>, at: string): AppliedChange {
      const pod = pods.get(id);
      if (!pod) throw new MotionError(404, `no pod with id "${id}"`);
      const other = Object.keys(set).find((k) => k !== 'phase');
      if (other !== undefined)
        throw new MotionError(400, `"set" takes only "phase" for a pod, got "${other}"`);
      if (!(POD_PHASES as readonly unknown[]).includes(set.phase)) {
        throw new MotionError(400, `"phase" must be one of ${POD_PHASES.join(', ')}`);
      }
      return setPhase(pod, set.phase as PodPhase, at);
    },
    evolve(prng: Prng, at: () => string): AppliedChange[] {
      const moving = data.pods.filter(
        (p) =>
          !p.deletedAt &&
          NEXT_PHASE[p.k8sPhase as PodPhase] &&
          (p.nodeName !== null || p.k8sPhase !== 'Pending'),
      );
      if (moving.length === 0) return [];
      const pod = prng.pick(moving);
      return [setPhase(pod, (NEXT_PHASE[pod.k8sPhase as PodPhase] as (p: Prng) => PodPhase)(prng), at())];
    },
  };
}
