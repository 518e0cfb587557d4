/**
 * The NVIDIA Run:ai simulator: the six pod endpoints of the seed (schema/upstream/runai.openapi.yaml)
 * over a deterministic data set derived from the shared world. Tests regenerate the same data
 * with `generateRunaiData(world)` and compute expected answers from it independently.
 */
import { SimulatorServer, harnessOptions, type VendorSimulatorOptions } from '../../../simulators/harness.js';
import { generateRunaiData } from './data.js';
import { runaiProtocol } from './errors.js';
import { createRunaiMotion } from './motion.js';
import { createRunaiRoutes } from './routes.js';
import { createRunaiSettings } from './settings.js';

export { generateRunaiData } from './data.js';
export type { RunaiData, RunaiPod, RunaiRevision, RunaiWorkload, RunaiWorkloadKind } from './data.js';
export type { RunaiLegacyPod } from './legacy.js';
export { POD_METRIC_TYPES, type PodMetricType } from './metrics.js';
export { FILTER_OPERATORS, POD_FIELDS, type FilterOperator, type PodField } from './query.js';
export { RUNAI_OPERATIONS, type RunaiOperation } from './routes.js';
export { runaiProtocol } from './errors.js';
export { ADVANCED_GPU_METRIC_TYPES, type RunaiSettings } from './settings.js';

/** Returns a Run:ai simulator (not yet listening) serving `generateRunaiData(options.world)`. */
export function createRunaiSimulator(options: VendorSimulatorOptions): SimulatorServer {
  const data = generateRunaiData(options.world);
  options.world.motion.register('runai', createRunaiMotion(data));
  const settings = createRunaiSettings();
  return new SimulatorServer(
    runaiProtocol,
    createRunaiRoutes(data, settings.current),
    harnessOptions(options, settings),
  );
}
