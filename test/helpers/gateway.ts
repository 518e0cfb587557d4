/**
 * Starts a real gateway over real simulators (all on free loopback ports) for integration tests,
 * and reads the simulators' statistics, so tests can assert the exact upstream calls made.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_CREDENTIALS } from './demo.js';
import { groundTruth, type Fleet } from './ground-truth.js';
import { createLogger } from '../../src/logging.js';
import { startGateway, type Gateway } from '../../src/server.js';
import type { Fault, RecordedRequest, SimulatorServer } from '../../src/simulators/harness.js';
import type { World } from '../../src/simulators/world.js';

export type VendorName = 'fireworks' | 'runai' | 'gitpod';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  world: World;
  sims: Record<VendorName, SimulatorServer>;
  /**
   * POSTs a GraphQL request as a browser client would (JSON body). `extensions.cost`, on every
   * response, is left out so suites compare whole results; test/limits asserts it with `post`.
   */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** POSTs `body` (JSON-encoded unless a string) and returns the whole response, `extensions.cost` included. */
  post<T = Record<string, unknown>>(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Operation counts per vendor since the last reset, without zero entries. */
  calls(): Record<VendorName, Record<string, number>>;
  /** Recorded upstream requests of one vendor since the last reset. */
  requests(vendor: VendorName): RecordedRequest[];
  /** Clears statistics and faults of every simulator. */
  reset(): void;
  faults(vendor: VendorName, faults: Record<string, Fault>): void;
  /** Every log line written so far, parsed. */
  logs(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Settings of every gateway the tests start: demo mode on loopback, it and its simulators on free ports. */
export const LOOPBACK_ENV = {
  PORT: '0',
  HOST: '127.0.0.1',
  SIM_FIREWORKS_PORT: '0',
  SIM_RUNAI_PORT: '0',
  SIM_GITPOD_PORT: '0',
  NODE_ENV: 'test',
} as const;

/**
 * Starts a bare gateway on free loopback ports with its logs discarded, for tests that drive the
 * process itself (production mode, HTTP limits, shutdown); `env` adds to or overrides the defaults.
 */
export async function startQuietGateway(env: Record<string, string>): Promise<Gateway> {
  const config = loadConfig({ ...LOOPBACK_ENV, LOG_LEVEL: 'silent', ...env });
  return startGateway(config, createLogger(config, new Writable({ write: (_c, _e, done) => done() })));
}

/** Starts a gateway in demo mode on free ports; `env` adds to or overrides the defaults. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const config = loadConfig({ ...LOOPBACK_ENV, LOG_LEVEL: 'debug', ...env });
  // Every credential the suite uses: no response body and no log line may ever contain one.
  const secrets = new Set<string>([
    DEMO_CREDENTIALS.fireworks,
    DEMO_CREDENTIALS.runai,
    DEMO_CREDENTIALS.gitpod,
    config.fireworks.credential,
    config.runai.credential,
    config.gitpod.credential,
    ...config.auth.apiKeys,
  ]);
  const logText: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText.push(chunk.toString('utf8'));
      done();
    },
  });
  const leaked = (text: string) => [...secrets].filter((secret) => text.includes(secret));
  const gateway = await startGateway(config, createLogger(config, sink));
  const simulators = gateway.simulators;
  if (!simulators) throw new Error('test gateway expected demo-mode simulators');
  const sims = simulators.servers;
  async function post<T>(payload: unknown, headers?: Record<string, string>): Promise<GraphQLResponse<T>> {
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (
        /^x-(fireworks-api-key|runai-token|gitpod-api-key|api-key)$|^authorization$/i.test(name) &&
        value.length >= 8
      ) {
        secrets.add(value.replace(/^Bearer\s+/i, ''));
      }
    }
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    const text = await res.text();
    const exposed = leaked(text);
    if (exposed.length)
      throw new Error(`a response exposed a credential: ${exposed.map((s) => `…${s.slice(-4)}`).join(', ')}`);
    const body = JSON.parse(text) as Omit<GraphQLResponse, 'status'>;
    assertCallsWithinEstimate(body.extensions, payload);
    return { status: res.status, ...body } as never;
  }

  return {
    gateway,
    url: gateway.url,
    world: simulators.world,
    sims,
    async query(query, variables, headers) {
      return withoutCost(await post({ query, variables }, headers)) as never;
    },
    post,
    calls() {
      const out = {} as Record<VendorName, Record<string, number>>;
      for (const vendor of ['fireworks', 'runai', 'gitpod'] as const) {
        out[vendor] = Object.fromEntries(
          Object.entries(sims[vendor].stats().operations).filter(([, n]) => n > 0),
        );
      }
      return out;
    },
    requests: (vendor) => sims[vendor].stats().requests,
    reset() {
      for (const sim of Object.values(sims)) sim.reset();
    },
    faults: (vendor, faults) => sims[vendor].addFaults(faults),
    logs: () =>
      logText
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      await gateway.stop();
      const exposed = leaked(logText.join(''));
      if (exposed.length)
        throw new Error(
          `a log line exposed a credential: ${exposed.map((s) => `…${s.slice(-4)}`).join(', ')}`,
        );
    },
  };
}

/**
 * Shares one gateway among a file's tests: starts it before the first (and hands it, with the fleet
 * it serves, to `use`), clears the simulators' statistics and faults before each, stops it after
 * the last.
 */
export function shareGateway(
  env: Record<string, string>,
  use: (shared: { gw: TestGateway; fleet: Fleet }) => void,
): void {
  let gw: TestGateway | undefined;
  beforeAll(async () => {
    gw = await startTestGateway(env);
    use({ gw, fleet: groundTruth(gw.world) });
  });
  afterAll(() => gw?.stop());
  beforeEach(() => gw?.reset());
}

/**
 * Fails the test when a response made more upstream calls than its estimate said it could: the
 * estimate is an upper bound (README, Query limits and cost), so every suite's query checks it.
 */
export function assertCallsWithinEstimate(
  extensions: Record<string, unknown> | undefined,
  payload: unknown,
): void {
  const cost = extensions?.cost as
    { estimatedUpstreamCalls?: unknown; actualUpstreamCalls?: unknown } | undefined;
  if (typeof cost?.estimatedUpstreamCalls !== 'number' || typeof cost.actualUpstreamCalls !== 'number')
    return;
  if (cost.actualUpstreamCalls <= cost.estimatedUpstreamCalls) return;
  const sent = typeof payload === 'string' ? payload : JSON.stringify(payload);
  throw new Error(
    `a response made ${cost.actualUpstreamCalls} upstream calls, over its estimate of ` +
      `${cost.estimatedUpstreamCalls}: ${sent.slice(0, 2000)}`,
  );
}

/** Returns the response without `extensions.cost` (and without `extensions` when nothing else is left). */
function withoutCost<T>(response: GraphQLResponse<T>): GraphQLResponse<T> {
  if (!response.extensions || !('cost' in response.extensions)) return response;
  const { cost: _cost, ...extensions } = response.extensions;
  const { extensions: _extensions, ...rest } = response;
  return Object.keys(extensions).length ? { ...rest, extensions } : rest;
}
