/**
 * `npm start`: validates the configuration once, starts the gateway (with the embedded simulators
 * for vendors that have no base URL) and stops it cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logging.js';
import { startGateway } from './server.js';

try {
  const config = loadConfig();
  const logger = createLogger(config);
  const gateway = await startGateway(config, logger);
  logger.info({ url: gateway.url }, `Fleetgraph is serving ${gateway.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), config.shutdownNoticeMs + config.shutdownGraceMs + 5_000);
    force.unref();
    void gateway.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  console.error(
    error instanceof ConfigError
      ? `configuration error: ${error.message}`
      : `failed to start: ${String(error)}`,
  );
  process.exit(1);
}
