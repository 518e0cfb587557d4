/**
 * A port that is already taken stops the start with a message naming the variable that sets it,
 * for the gateway's own port and for each embedded simulator's.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { startGateway } from '../../src/server.js';
import { portClashMessage } from '../../src/startup/port-clash.js';

let taken: Server;
let port: number;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => taken.close(resolve)));

const base = {
  HOST: '127.0.0.1',
  PORT: '0',
  SIM_FIREWORKS_PORT: '0',
  SIM_RUNAI_PORT: '0',
  SIM_GITPOD_PORT: '0',
  LOG_LEVEL: 'silent',
};

describe('a port clash at start', () => {
  it.each(['PORT', 'SIM_FIREWORKS_PORT', 'SIM_RUNAI_PORT', 'SIM_GITPOD_PORT'])(
    'names %s when its port is taken',
    async (variable) => {
      const config = loadConfig({ ...base, [variable]: String(port) });
      const error = await startGateway(config, createLogger(config)).then(
        (gateway) => gateway.stop().then(() => undefined),
        (e: unknown) => e,
      );
      expect(portClashMessage(error, config)).toBe(
        `port 127.0.0.1:${port} is already in use: set ${variable} to a free port (or stop the process listening there)`,
      );
    },
  );

  it('is what `npm start` prints before exiting 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...base, PORT: String(port), LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stderr: stderr.trim() }).toEqual({
      code: 1,
      stderr: `failed to start: port 127.0.0.1:${port} is already in use: set PORT to a free port (or stop the process listening there)`,
    });
  });

  it('is left alone when it is not a clash', () => {
    expect(portClashMessage(new Error('boom'), loadConfig(base))).toBeUndefined();
  });
});
