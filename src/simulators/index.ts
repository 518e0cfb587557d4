/**
 * Starts the three vendor simulators over one shared world, as `npm run simulators` and the
 * gateway's demo mode do. Tests use `startSimulators` with port 0 for free ports.
 */
import type { Config } from '../config.js';
import { createFireworksSimulator } from '../vendors/fireworks/simulator/index.js';
import { createGitpodSimulator } from '../vendors/gitpod/simulator/index.js';
import { createRunaiSimulator } from '../vendors/runai/simulator/index.js';
import type { SimulatorServer } from './harness.js';
import { createWorld, type World } from './world.js';

export interface RunningSimulators {
  world: World;
  servers: { fireworks: SimulatorServer; runai: SimulatorServer; gitpod: SimulatorServer };
  urls: { fireworks: string; runai: string; gitpod: string };
  /** The demo join: Fireworks cluster id → Run:ai cluster UUID. */
  clusterMap: Record<string, string>;
  close(): Promise<void>;
}

/** What the simulators need from the configuration. */
export type SimulatorConfig = Pick<Config, 'simulator'> & {
  fireworks: { credential: string; accountId: string; simulatorPort: number };
  runai: { credential: string; simulatorPort: number };
  gitpod: { credential: string; simulatorPort: number };
  latency?: { ms: number; jitterMs: number };
};

/** Starts all three simulators on 127.0.0.1 and resolves once they listen. */
export async function startSimulators(config: SimulatorConfig): Promise<RunningSimulators> {
  const world = createWorld({
    seed: config.simulator.seed,
    scale: config.simulator.scale,
    accountId: config.fireworks.accountId,
  });
  const latency = config.latency ? { latency: config.latency } : {};
  const servers = {
    fireworks: createFireworksSimulator({ world, credential: config.fireworks.credential, ...latency }),
    runai: createRunaiSimulator({ world, credential: config.runai.credential, ...latency }),
    gitpod: createGitpodSimulator({ world, credential: config.gitpod.credential, ...latency }),
  };
  // SIM_EVOLVE_MS: the world takes one step per period (never keeping the process alive by itself).
  const evolver =
    config.simulator.evolveMs > 0
      ? setInterval(() => world.motion.evolve(1), config.simulator.evolveMs).unref()
      : undefined;
  try {
    const urls = {
      fireworks: await servers.fireworks.listen(config.fireworks.simulatorPort),
      runai: await servers.runai.listen(config.runai.simulatorPort),
      gitpod: await servers.gitpod.listen(config.gitpod.simulatorPort),
    };
    return {
      world,
      servers,
      urls,
      clusterMap: Object.fromEntries(world.clusters.map((c) => [c.id, c.runaiClusterUuid])),
      close: async () => {
        clearInterval(evolver);
        await Promise.all(Object.values(servers).map((s) => s.close().catch(() => undefined)));
      },
    };
  } catch (error) {
    clearInterval(evolver);
    await Promise.all(Object.values(servers).map((s) => s.close().catch(() => undefined)));
    throw new Error(
      `could not start the simulators: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
