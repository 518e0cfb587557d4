/**
 * Starts every vendor's simulator over one shared world, as `npm run simulators` and the
 * gateway's demo mode do. Tests use `startSimulators` with port 0 for free ports.
 */
import type { Config } from '../config.js';
import { VENDORS, type VendorId } from '../vendors/registry.js';
import type { SimulatorServer } from './harness.js';
import { createWorld, type World } from './world.js';

export interface RunningSimulators {
  world: World;
  servers: Record<VendorId, SimulatorServer>;
  urls: Record<VendorId, string>;
  /** The demo join: Fireworks cluster id → Run:ai cluster UUID. */
  clusterMap: Record<string, string>;
  close(): Promise<void>;
}

/** What the simulators need from the configuration. */
export type SimulatorConfig = { simulator: Pick<Config['simulator'], 'seed' | 'scale' | 'evolveMs'> } & {
  fireworks: { accountId: string };
} & { [Id in VendorId]: { credential: string; simulatorPort: number } } & {
  latency?: { ms: number; jitterMs: number };
};

/** Starts every simulator on 127.0.0.1 and resolves once they listen. */
export async function startSimulators(config: SimulatorConfig): Promise<RunningSimulators> {
  const world = createWorld({
    seed: config.simulator.seed,
    scale: config.simulator.scale,
    accountId: config.fireworks.accountId,
  });
  const latency = config.latency ? { latency: config.latency } : {};
  const servers = Object.fromEntries(
    VENDORS.map((vendor) => [
      vendor.id,
      vendor.createSimulator({ world, credential: config[vendor.id].credential, ...latency }),
    ]),
  ) as Record<VendorId, SimulatorServer>;
  // SIM_EVOLVE_MS: the world takes one step per period (never keeping the process alive by itself).
  const evolver =
    config.simulator.evolveMs > 0
      ? setInterval(() => world.motion.evolve(1), config.simulator.evolveMs).unref()
      : undefined;
  try {
    const urls = {} as Record<VendorId, string>;
    for (const vendor of VENDORS) {
      urls[vendor.id] = await servers[vendor.id].listen(config[vendor.id].simulatorPort);
    }
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
      { cause: error },
    );
  }
}
