/**
 * The Run:ai tenant settings the simulator lets tests switch through `/_sim/settings`, and what
 * they change: which metric types `get_workload_pod_metrics` can answer.
 *
 * - `advancedGpuMetrics` (default true): the tenant's 'Advanced GPU Metrics' feature flag. The seed
 *   says advanced GPU metrics "are only supported if the 'Advanced GPU Metrics' feature flag in the
 *   settings is enabled"; with it off, the advanced types (ADVANCED_GPU_METRIC_TYPES) are left out.
 * - `unavailableMetrics` (default none): types the tenant's metrics store has no data for right now
 *   (an exporter down, a query failing), left out the same way.
 *
 * A request asking for any type left out is answered 207 (partial success) with the measurements
 * of the other types only, possibly none; the body has no field naming what is missing.
 */
import type { SimulatorSettings } from '../../../simulators/harness.js';
import { POD_METRIC_TYPES, type PodMetricType } from './metrics.js';

/**
 * The advanced GPU metrics: NVIDIA DCGM profiling fields (engine activities, SM occupancy, memory
 * bandwidth, NVLink, PCIe) and GPU swap memory. Decision, the seed listing no such set: every type
 * after the first six (utilization, memory and CPU, which Run:ai shows without the flag).
 */
export const ADVANCED_GPU_METRIC_TYPES: readonly PodMetricType[] = POD_METRIC_TYPES.slice(6);

/** The settings in force. */
export interface RunaiSettings {
  advancedGpuMetrics: boolean;
  unavailableMetrics: PodMetricType[];
}

/** Returns the defaults (every metric type served) behind the harness's settings interface. */
export function createRunaiSettings(): SimulatorSettings & { current(): Readonly<RunaiSettings> } {
  const defaults = (): RunaiSettings => ({ advancedGpuMetrics: true, unavailableMetrics: [] });
  let settings = defaults();
  return {
    current: () => settings,
    reset: () => {
      settings = defaults();
    },
    apply(change) {
      if (typeof change !== 'object' || change === null || Array.isArray(change)) {
        throw new Error('expected an object such as {"advancedGpuMetrics": false}');
      }
      const next = { ...settings };
      for (const [key, value] of Object.entries(change)) {
        if (key === 'advancedGpuMetrics' && typeof value === 'boolean') {
          next.advancedGpuMetrics = value;
        } else if (
          key === 'unavailableMetrics' &&
          Array.isArray(value) &&
          value.every((t) => (POD_METRIC_TYPES as readonly unknown[]).includes(t))
        ) {
          next.unavailableMetrics = value as PodMetricType[];
        } else {
          throw new Error(
            `unknown or bad setting "${key}": expected advancedGpuMetrics (boolean) or unavailableMetrics (PodMetricType[])`,
          );
        }
      }
      settings = next;
      return settings;
    },
  };
}

/** Given the settings, returns whether the tenant can answer a metric type now. */
export function metricAvailable(settings: Readonly<RunaiSettings>, type: PodMetricType): boolean {
  if (settings.unavailableMetrics.includes(type)) return false;
  return settings.advancedGpuMetrics || !ADVANCED_GPU_METRIC_TYPES.includes(type);
}
