/**
 * `npm run simulators`: serves every vendor's API on its default port (4011 Fireworks, 4012
 * Run:ai, 4013 Gitpod) until interrupted, with the same configuration the gateway reads.
 */
import { ConfigError, loadConfig } from '../config.js';
import { VENDORS } from '../vendors/registry.js';
import { startSimulators } from './index.js';

try {
  const config = loadConfig();
  const { latencyMs, jitterMs } = config.simulator;
  const sims = await startSimulators({
    ...config,
    ...(latencyMs > 0 || jitterMs > 0 ? { latency: { ms: latencyMs, jitterMs } } : {}),
  });
  for (const vendor of VENDORS)
    console.log(`${`${vendor.label} simulator:`.padEnd(21)}${sims.urls[vendor.id]}`);
  console.log(
    `seed ${config.simulator.seed}, scale ${config.simulator.scale}; controls at <url>/_sim/stats, /_sim/reset, /_sim/faults`,
  );
  const stop = () => void sims.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : String(error));
  process.exit(1);
}
