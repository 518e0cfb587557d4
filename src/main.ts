/**
 * `npm start`: validates the configuration once, starts the gateway (with the embedded simulators
 * for vendors that have no base URL) and stops it cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './server.js';

try {
  const config = loadConfig();
  const gateway = await startGateway(config, (line) => console.log(line));
  console.log(`Fleetgraph is serving ${gateway.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
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
