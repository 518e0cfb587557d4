/**
 * `GET /api/v1/workloads/{workloadId}/pods/{podId}/metrics`: query parsing and the deterministic
 * time series the simulator serves.
 *
 * Contracts (seed where it speaks, decisions where it is silent):
 * - `metricType` is required: comma-separated (`explode: false`) PodMetricType values, repeated
 *   parameters accepted too; duplicates are answered once; an unknown or empty value is a 400.
 * - `start` and `end` are required RFC 3339 timestamps with an offset; `start` after `end` is a
 *   400. `numberOfSamples` is an integer 0..1000, default 20; 0 also means the default (20).
 * - The answer holds, in the order requested, one measurement per aggregate type (`labels`
 *   null) and, for each `*_PER_GPU` type, one per device of the pod (`labels: {gpu: "0"}`, ...;
 *   devices = the allocated GPU portion rounded up, at least 1).
 * - Each measurement has exactly `numberOfSamples` values at evenly spaced timestamps from
 *   `start` to `end` inclusive (one sample: at `start`). Values are decimal strings: utilization
 *   in percent 0..100, activities and occupancy as ratios 0..1, memory in bytes, CPU in cores,
 *   bandwidth in bytes per second. They are a pure function of pod, type, device and timestamp,
 *   so overlapping windows agree, and they are "0" outside the pod's running window (from its
 *   container start to its completion, or for an Unknown pod to its last phase change).
 * - Types the tenant cannot answer now (settings.ts: the 'Advanced GPU Metrics' flag off, or a
 *   type made unavailable) are left out and the answer is 207 (partial success); otherwise 200.
 *   The simulator never answers text/csv.
 */
import { RunaiRequestError } from './errors.js';
import { parseTimestamp } from './query.js';
import type { RunaiPod } from './data.js';
import type { components } from '../wire.gen.js';

type Schemas = components['schemas'];
export type PodMetricType = Schemas['PodMetricType'];

/** The PodMetricType enum of the seed, in its order. */
export const POD_METRIC_TYPES: readonly PodMetricType[] = [
  'GPU_UTILIZATION_PER_GPU',
  'GPU_UTILIZATION',
  'GPU_MEMORY_USAGE_BYTES_PER_GPU',
  'GPU_MEMORY_USAGE_BYTES',
  'CPU_USAGE_CORES',
  'CPU_MEMORY_USAGE_BYTES',
  'GPU_GRAPHICS_ENGINE_ACTIVITY_PER_GPU',
  'GPU_SM_ACTIVITY_PER_GPU',
  'GPU_SM_OCCUPANCY_PER_GPU',
  'GPU_TENSOR_ACTIVITY_PER_GPU',
  'GPU_FP64_ENGINE_ACTIVITY_PER_GPU',
  'GPU_FP32_ENGINE_ACTIVITY_PER_GPU',
  'GPU_FP16_ENGINE_ACTIVITY_PER_GPU',
  'GPU_MEMORY_BANDWIDTH_UTILIZATION_PER_GPU',
  'GPU_NVLINK_TRANSMITTED_BANDWIDTH_PER_GPU',
  'GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU',
  'GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU',
  'GPU_PCIE_RECEIVED_BANDWIDTH_PER_GPU',
  'GPU_SWAP_MEMORY_BYTES_PER_GPU',
];

/** The parsed query of one metrics request. */
export interface MetricsQuery {
  types: PodMetricType[];
  start: number;
  end: number;
  numberOfSamples: number;
}

const DEFAULT_SAMPLES = 20;
const GIB = 2 ** 30;

/** Reads metricType, start, end and numberOfSamples, or throws a 400 naming the bad value. */
export function parseMetricsQuery(query: URLSearchParams): MetricsQuery {
  const rawTypes = query.getAll('metricType');
  if (rawTypes.length === 0) {
    throw new RunaiRequestError(400, `metricType is required: one or more of ${POD_METRIC_TYPES.join(', ')}`);
  }
  const types: PodMetricType[] = [];
  for (const raw of rawTypes.flatMap((p) => p.split(','))) {
    if (!(POD_METRIC_TYPES as readonly string[]).includes(raw)) {
      throw new RunaiRequestError(
        400,
        `metricType must be one of ${POD_METRIC_TYPES.join(', ')}, got "${raw}"`,
      );
    }
    if (!types.includes(raw as PodMetricType)) types.push(raw as PodMetricType);
  }
  const start = requiredTimestamp(query, 'start');
  const end = requiredTimestamp(query, 'end');
  if (start > end) {
    throw new RunaiRequestError(
      400,
      `start must not be after end, got start=${query.get('start')} end=${query.get('end')}`,
    );
  }
  const rawSamples = query.get('numberOfSamples');
  let numberOfSamples = DEFAULT_SAMPLES;
  if (rawSamples !== null) {
    const n = /^[+-]?\d+$/.test(rawSamples) ? Number(rawSamples) : NaN;
    if (!Number.isSafeInteger(n) || n < 0 || n > 1000) {
      throw new RunaiRequestError(
        400,
        `numberOfSamples must be an integer from 0 to 1000, got "${rawSamples}"`,
      );
    }
    numberOfSamples = n === 0 ? DEFAULT_SAMPLES : n;
  }
  return { types, start, end, numberOfSamples };
}

/**
 * Given a pod, a parsed query and which types are available now, returns the MetricsResponse
 * body and its status: 207 when a requested type was left out.
 */
export function podMetrics(
  pod: RunaiPod,
  query: MetricsQuery,
  available: (type: PodMetricType) => boolean = () => true,
): { status: 200 | 207; body: Schemas['MetricsResponse'] } {
  const profile = profileOf(pod);
  const timestamps = sampleTimes(query.start, query.end, query.numberOfSamples);
  const measurements: Schemas['MeasurementResponse'][] = [];
  const served = query.types.filter(available);
  for (const type of served) {
    if (type.endsWith('_PER_GPU')) {
      for (let gpu = 0; gpu < profile.devices; gpu++) {
        measurements.push({
          type,
          labels: { gpu: String(gpu) },
          values: timestamps.map((t) => ({
            value: perGpuValue(profile, type, gpu, t),
            timestamp: new Date(t).toISOString(),
          })),
        });
      }
    } else {
      measurements.push({
        type,
        labels: null,
        values: timestamps.map((t) => ({
          value: aggregateValue(profile, type, t),
          timestamp: new Date(t).toISOString(),
        })),
      });
    }
  }
  return { status: served.length < query.types.length ? 207 : 200, body: { measurements } };
}

/** Returns `n` evenly spaced instants from start to end inclusive (one sample: start). */
export function sampleTimes(start: number, end: number, n: number): number[] {
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => start + Math.round((i * (end - start)) / (n - 1)));
}

interface PodProfile {
  id: string;
  devices: number;
  gpuMemoryBytesPerDevice: number;
  cpuCores: number;
  cpuMemoryBytes: number;
  runningFrom: number;
  runningUntil: number;
}

function profileOf(pod: RunaiPod): PodProfile {
  const portion = pod.allocatedResources?.gpu ?? pod.requestedResources?.gpu?.request ?? 1;
  const devices = Math.max(1, Math.ceil(portion));
  const gpuMemory = pod.allocatedResources?.gpuMemory ?? pod.requestedResources?.gpuMemory?.request ?? '0';
  const started = pod.containers[0]?.startedAt;
  let runningUntil = Infinity;
  if (pod.completedAt) runningUntil = Date.parse(pod.completedAt);
  else if (pod.k8sPhase === 'Unknown') runningUntil = Date.parse(pod.k8sPhaseUpdatedAt);
  else if (pod.deletedAt) runningUntil = Date.parse(pod.deletedAt);
  return {
    id: pod.id,
    devices,
    gpuMemoryBytesPerDevice: quantityBytes(gpuMemory) / devices,
    cpuCores: pod.requestedResources?.cpu?.request ?? 1,
    cpuMemoryBytes: quantityBytes(pod.requestedResources?.cpuMemory?.request ?? '0'),
    runningFrom: started ? Date.parse(started) : Infinity,
    runningUntil,
  };
}

function running(profile: PodProfile, t: number): boolean {
  return t >= profile.runningFrom && t <= profile.runningUntil;
}

function utilization(profile: PodProfile, gpu: number, t: number): number {
  if (!running(profile, t)) return 0;
  const base = 40 + 50 * noise(`${profile.id}|util|${gpu}`);
  return Math.min(100, Math.max(0, base + 30 * (noise(`${profile.id}|util|${gpu}|${t}`) - 0.5)));
}

function gpuMemoryBytes(profile: PodProfile, gpu: number, t: number): number {
  if (!running(profile, t)) return 0;
  return Math.round(profile.gpuMemoryBytesPerDevice * (0.35 + 0.6 * noise(`${profile.id}|mem|${gpu}|${t}`)));
}

function perGpuValue(profile: PodProfile, type: PodMetricType, gpu: number, t: number): string {
  const jitter = noise(`${profile.id}|${type}|${gpu}|${t}`);
  const util = utilization(profile, gpu, t);
  switch (type) {
    case 'GPU_UTILIZATION_PER_GPU':
      return decimal(util, 2);
    case 'GPU_MEMORY_USAGE_BYTES_PER_GPU':
      return String(gpuMemoryBytes(profile, gpu, t));
    case 'GPU_NVLINK_TRANSMITTED_BANDWIDTH_PER_GPU':
    case 'GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU':
      return String(Math.round((util / 100) * 50e9 * jitter));
    case 'GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU':
    case 'GPU_PCIE_RECEIVED_BANDWIDTH_PER_GPU':
      return String(Math.round((util / 100) * 25e9 * jitter));
    case 'GPU_SWAP_MEMORY_BYTES_PER_GPU':
      return String(util > 0 && jitter > 0.85 ? Math.round(GIB * jitter) : 0);
    default:
      // Activities, occupancy and bandwidth utilization: ratios that follow utilization.
      return decimal((util / 100) * (0.6 + 0.4 * jitter), 4);
  }
}

function aggregateValue(profile: PodProfile, type: PodMetricType, t: number): string {
  const devices = Array.from({ length: profile.devices }, (_, gpu) => gpu);
  const jitter = noise(`${profile.id}|${type}|${t}`);
  const active = running(profile, t);
  switch (type) {
    case 'GPU_UTILIZATION':
      return decimal(
        devices.reduce((sum, gpu) => sum + utilization(profile, gpu, t), 0) / profile.devices,
        2,
      );
    case 'GPU_MEMORY_USAGE_BYTES':
      return String(devices.reduce((sum, gpu) => sum + gpuMemoryBytes(profile, gpu, t), 0));
    case 'CPU_USAGE_CORES':
      return active ? decimal(profile.cpuCores * (0.1 + 0.8 * jitter), 3) : '0';
    case 'CPU_MEMORY_USAGE_BYTES':
      return active ? String(Math.round(profile.cpuMemoryBytes * (0.2 + 0.7 * jitter))) : '0';
    default:
      throw new Error(`aggregateValue: ${type} is a per-GPU metric`);
  }
}

function decimal(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/** Bytes of a Kubernetes quantity such as "16Gi" or "512Mi" (the forms the data set uses). */
export function quantityBytes(quantity: string): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!m) throw new Error(`quantityBytes: unsupported quantity "${quantity}"`);
  const unit = m[2] ?? '';
  const scale: Record<string, number> = {
    '': 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Math.round(Number(m[1]) * (scale[unit] as number));
}

function requiredTimestamp(query: URLSearchParams, name: 'start' | 'end'): number {
  const raw = query.get(name);
  if (raw === null) {
    throw new RunaiRequestError(
      400,
      `${name} is required: an ISO 8601 timestamp such as 2026-01-01T00:00:00Z`,
    );
  }
  const instant = parseTimestamp(raw);
  if (instant === undefined) {
    throw new RunaiRequestError(
      400,
      `${name} must be an ISO 8601 timestamp such as 2026-01-01T00:00:00Z, got "${raw}"`,
    );
  }
  return instant;
}

// FNV-1a followed by a murmur-style finalizer: a stable pseudo-random number in [0, 1) per key.
function noise(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
