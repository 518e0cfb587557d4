/**
 * `npm start`: validates the configuration once, starts the gateway (with the embedded simulators
 * for vendors that have no base URL) and stops it cleanly on SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logging.js';
import { startGateway } from './server.js';
import { portClashMessage } from './startup/port-clash.js';

/** `npm start` is the demo: its simulated world moves every 5 s unless SIM_EVOLVE_MS says otherwise. */
const DEMO_EVOLVE_MS = '5000';

// A .env in the working directory fills in what the environment leaves unset (.env.example).
if (existsSync('.env')) process.loadEnvFile('.env');
let config: Config | undefined;
try {
  const loaded = (config = loadConfig({
    ...process.env,
    SIM_EVOLVE_MS: process.env.SIM_EVOLVE_MS?.trim() || DEMO_EVOLVE_MS,
  }));
  const logger = createLogger(loaded);
  const gateway = await startGateway(loaded, logger);
  logger.info({ url: gateway.url }, `Fleetgraph is serving ${gateway.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), loaded.shutdownNoticeMs + loaded.shutdownGraceMs + 5_000);
    force.unref();
    void gateway.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  const clash = config && portClashMessage(error, config);
  console.error(
    error instanceof ConfigError
      ? `configuration error: ${error.message}`
      : `failed to start: ${clash ?? String(error)}`,
  );
  process.exit(1);
}
