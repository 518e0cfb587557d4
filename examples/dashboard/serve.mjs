// `npm run example:dashboard`: starts the demo gateway (`npm start`: built when stale, embedded
// simulators) unless FLEETGRAPH_URL names one, then serves the dashboard with Vite's dev server.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const port = process.env.PORT ?? '4000';
let gatewayUrl = process.env.FLEETGRAPH_URL;
let gateway;
if (!gatewayUrl) {
  gatewayUrl = `http://localhost:${port}/graphql`;
  gateway = spawn(process.execPath, [`${root}scripts/start.mjs`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: port },
  });
  gateway.on('exit', (code) => {
    console.error(`the gateway exited (${code}); see its output above`);
    process.exit(code ?? 1);
  });
}
const server = await createServer({
  configFile: `${here}vite.config.ts`,
  server: { port: Number(process.env.DASHBOARD_PORT ?? 5173) },
});
await server.listen();
const local = server.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
console.log(`\n  Fleet dashboard: ${local}?gateway=${encodeURIComponent(gatewayUrl)}\n`);
const stop = () => {
  gateway?.removeAllListeners('exit');
  gateway?.kill('SIGTERM');
  void server.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
