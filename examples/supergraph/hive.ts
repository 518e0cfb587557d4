/**
 * Starts Hive Gateway (`@graphql-hive/gateway`'s CLI, in its own process) over a supergraph file,
 * with this folder's gateway.config.ts, and waits until it is ready.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A running Hive Gateway process. */
export interface HiveGateway {
  url: string;
  /** What it printed so far (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(
  dirname(createRequire(import.meta.url).resolve('@graphql-hive/gateway/package.json')),
  'dist/bin.js',
);

/** Starts Hive Gateway on `host:port` over `supergraph`; `env` adds to the gateway config's variables. */
export async function startHiveGateway(options: {
  supergraph: string;
  port: number;
  host?: string;
  env?: Record<string, string>;
  /** Longest wait for readiness. */
  timeoutMs?: number;
}): Promise<HiveGateway> {
  const host = options.host ?? '127.0.0.1';
  const child = spawn(
    process.execPath,
    [
      cli,
      'supergraph',
      options.supergraph,
      '-c',
      join(here, 'gateway.config.ts'),
      '--port',
      String(options.port),
      '--host',
      host,
    ],
    {
      cwd: here,
      env: { ...process.env, SUPERGRAPH: options.supergraph, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const base = `http://${host}:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Hive Gateway exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${base}/readiness`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Hive Gateway was not ready within the timeout:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `${base}/graphql`, output: () => output, stop };
}
