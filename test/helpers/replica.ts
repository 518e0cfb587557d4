/**
 * A second gateway replica over the first one's simulators (as real upstreams, with the demo
 * credentials and the demo cluster map), so tests see every replica's upstream calls in one set
 * of simulator statistics.
 */
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { startGateway, type Gateway } from '../../src/server.js';
import { DEMO_CREDENTIALS } from './demo.js';
import type { GraphQLResponse, TestGateway } from './gateway.js';

export interface Replica {
  gateway: Gateway;
  /** POSTs a GraphQL request and returns the whole response. */
  post<T = Record<string, unknown>>(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** The log text so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts a replica of `first` (same simulators); `env` adds to its settings. */
export async function startReplica(first: TestGateway, env: Record<string, string> = {}): Promise<Replica> {
  const sims = first.gateway.simulators;
  if (!sims) throw new Error('the first gateway must run the simulators');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    FIREWORKS_BASE_URL: sims.urls.fireworks,
    FIREWORKS_API_KEY: DEMO_CREDENTIALS.fireworks,
    RUNAI_BASE_URL: sims.urls.runai,
    RUNAI_TOKEN: DEMO_CREDENTIALS.runai,
    GITPOD_BASE_URL: sims.urls.gitpod,
    GITPOD_API_KEY: DEMO_CREDENTIALS.gitpod,
    RUNAI_CLUSTER_MAP: JSON.stringify(sims.clusterMap),
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const gateway = await startGateway(config, createLogger(config, sink));
  return {
    gateway,
    async post(body, headers) {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, ...((await res.json()) as object) } as never;
    },
    log: () => lines.join(''),
    async stop() {
      await gateway.stop();
      const text = lines.join('');
      const leaked = Object.values(DEMO_CREDENTIALS).filter((secret) => text.includes(secret));
      if (leaked.length) throw new Error('a replica log line exposed a credential');
    },
  };
}
