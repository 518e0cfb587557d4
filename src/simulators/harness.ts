/**
 * The HTTP harness every vendor simulator runs on: routing, bearer authentication, call
 * statistics, injected faults and the `/_sim/` test controls. A vendor simulator supplies its
 * routes (one per vendor operation) and its protocol (how that vendor words an error); it never
 * touches sockets, so its handlers stay pure functions of the request and its data set.
 *
 * Contract of the test controls (never part of a vendor API, no credential, loopback only):
 * - `GET /_sim/stats` → `{ operations: { [operation]: count }, requests: RecordedRequest[] }`
 * - `POST /_sim/reset` → clears statistics and faults
 * - `POST /_sim/faults` with `{ [operation]: Fault }` → merges into the faults of each operation
 * - `POST /_sim/settings` with a vendor's settings object → merges into that simulator's settings
 *   (vendor behaviour a real tenant configures, such as Run:ai's feature flags) and answers the
 *   settings in force; a simulator without settings answers 404; `/_sim/reset` restores the defaults
 * - `POST /_sim/mutate` with `{"<kind>": "<id>", "set": {...}}` → applies one change to the shared
 *   world and answers it; `POST /_sim/evolve` with `{"steps": n}` → takes n evolution steps and
 *   answers `{ changes }` (see motion.ts; any of the three simulators serves both)
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { MotionError, type WorldMotion } from './motion.js';
import { Prng } from './prng.js';
import type { World } from './world.js';

/** A request as a vendor route handler sees it. */
export interface SimRequest {
  method: string;
  /** The URL path, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Path parameters of the route template, percent-decoded. */
  params: Record<string, string>;
  rawBody: string;
}

/** What a route handler answers; `body` is serialised as JSON unless `rawBody` is given. */
export interface SimResponse {
  status: number;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One vendor operation: `path` is a template such as `/v1/accounts/{account_id}/nodePools`. */
export interface SimRoute {
  method: 'GET' | 'POST';
  path: string;
  operation: string;
  handle(request: SimRequest): SimResponse;
}

/** How a vendor words its errors: every error the harness emits goes through here. */
export interface VendorProtocol {
  /** The vendor's id in the registry. */
  vendor: string;
  error(status: number, message: string): SimResponse;
}

/** A fault injected into one operation; all fields optional, merged per operation until reset. */
export interface Fault {
  /** Fixed delay before answering, in milliseconds. */
  latencyMs?: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs?: number;
  /** Answer with this HTTP status and the vendor's error body instead of the real response. */
  status?: number;
  /** Fraction of requests (0..1, default 1) that get `status`, `hang`, `malformed` or `reset`. */
  rate?: number;
  /** Seconds sent in a `Retry-After` header along with `status`. */
  retryAfter?: number;
  /** Never answer; the connection stays open until the client gives up. */
  hang?: boolean;
  /** Answer 200 with a body that is not valid JSON. */
  malformed?: boolean;
  /** Destroy the connection without answering. */
  reset?: boolean;
}

/** One entry of `/_sim/stats` `requests`. */
export interface RecordedRequest {
  operation: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  /** The bearer credential presented, masked to its last 4 characters, or null when none. */
  credential: string | null;
  /** The W3C `traceparent` header, when one was sent (the gateway's tracing tests read it). */
  traceparent?: string;
  status: number;
}

export interface SimulatorStats {
  operations: Record<string, number>;
  requests: RecordedRequest[];
}

export interface HarnessOptions {
  /** The only bearer credential accepted on vendor routes. */
  credential: string;
  /** A latency added to every vendor response (benchmarks use it to model a real network). */
  latency?: { ms: number; jitterMs: number };
  /** How many recent requests `/_sim/stats` keeps. */
  maxRecordedRequests?: number;
  /** The world's motion, which `/_sim/mutate` and `/_sim/evolve` drive. */
  motion?: WorldMotion;
  /** The vendor's switchable behaviour, which `/_sim/settings` changes. */
  settings?: SimulatorSettings;
}

/** Vendor behaviour a tenant configures (a feature flag), switched by tests through `/_sim/settings`. */
export interface SimulatorSettings {
  /** Merges a change and returns the settings in force; throws an Error naming a bad field. */
  apply(change: unknown): unknown;
  /** Restores the defaults. */
  reset(): void;
}

const FAULT_KEYS = new Set([
  'latencyMs',
  'jitterMs',
  'status',
  'rate',
  'retryAfter',
  'hang',
  'malformed',
  'reset',
]);
const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute extends SimRoute {
  pattern: RegExp;
  names: string[];
}

/** A running (or ready to run) simulator of one vendor. */
export class SimulatorServer {
  readonly server: Server;
  private readonly routes: CompiledRoute[];
  private readonly operations = new Map<string, number>();
  private requests: RecordedRequest[] = [];
  private faults = new Map<string, Fault>();
  private readonly faultPrng = new Prng(7);
  private readonly sockets = new Set<Socket>();
  private readonly maxRecorded: number;
  private address: AddressInfo | undefined;

  constructor(
    private readonly protocol: VendorProtocol,
    routes: SimRoute[],
    private readonly options: HarnessOptions,
  ) {
    this.routes = routes.map(compileRoute);
    this.maxRecorded = options.maxRecordedRequests ?? 1000;
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: unknown) => {
        // A handler bug must surface as the vendor's 500, never as a dropped connection.
        if (!res.headersSent) this.send(res, this.protocol.error(500, `simulator error: ${String(error)}`));
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts listening; port 0 picks a free one. Resolves to the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    return this.url;
  }

  get url(): string {
    if (!this.address) throw new Error(`${this.protocol.vendor} simulator is not listening`);
    return `http://127.0.0.1:${this.address.port}`;
  }

  /** Stops listening and drops every open connection, including hanging ones. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** The statistics `/_sim/stats` serves, as a copy. */
  stats(): SimulatorStats {
    return {
      operations: Object.fromEntries(this.operations),
      requests: this.requests.map((r) => ({ ...r })),
    };
  }

  /** Clears statistics and faults and restores the default settings, as `/_sim/reset` does. */
  reset(): void {
    this.operations.clear();
    this.requests = [];
    this.faults.clear();
    this.options.settings?.reset();
  }

  /** Merges a change into the vendor's settings, as `/_sim/settings` does; throws when it has none. */
  applySettings(change: unknown): unknown {
    if (!this.options.settings) throw new Error(`the ${this.protocol.vendor} simulator has no settings`);
    return this.options.settings.apply(change);
  }

  /** Merges faults per operation, as `/_sim/faults` does; throws on an unknown operation or field. */
  addFaults(faults: Record<string, Fault>): void {
    const known = new Set(this.routes.map((r) => r.operation));
    for (const [operation, fault] of Object.entries(faults)) {
      if (!known.has(operation)) {
        throw new Error(`unknown operation "${operation}"; expected one of ${[...known].join(', ')}`);
      }
      if (typeof fault !== 'object' || fault === null)
        throw new Error(`fault for ${operation} must be an object`);
      for (const key of Object.keys(fault)) {
        if (!FAULT_KEYS.has(key)) throw new Error(`unknown fault field "${key}" for ${operation}`);
      }
      this.faults.set(operation, { ...this.faults.get(operation), ...fault });
    }
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const rawBody = await readBody(req);
    if (rawBody === undefined) {
      this.send(res, this.protocol.error(413, `request body exceeds ${MAX_BODY_BYTES} bytes`));
      return;
    }
    if (url.pathname.startsWith('/_sim/')) {
      this.control(req, res, url.pathname, rawBody);
      return;
    }
    const match = this.match(req.method ?? 'GET', url.pathname);
    if (match === 'method-not-allowed') {
      this.send(res, this.protocol.error(405, `method ${req.method} is not allowed on ${url.pathname}`));
      return;
    }
    if (!match) {
      this.send(res, this.protocol.error(404, `no route for ${req.method} ${url.pathname}`));
      return;
    }
    const { route, params } = match;
    const presented = bearer(req.headers.authorization);
    const request: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      params,
      rawBody,
    };
    this.operations.set(route.operation, (this.operations.get(route.operation) ?? 0) + 1);
    const record: RecordedRequest = {
      operation: route.operation,
      method: request.method,
      path: url.pathname,
      query: queryObject(url.searchParams),
      body: parseMaybeJson(rawBody),
      credential: presented === undefined ? null : mask(presented),
      ...(typeof req.headers.traceparent === 'string' ? { traceparent: req.headers.traceparent } : {}),
      status: 0,
    };
    this.requests.push(record);
    if (this.requests.length > this.maxRecorded) this.requests.shift();

    const fault = this.faults.get(route.operation) ?? {};
    const delay =
      (fault.latencyMs ?? 0) +
      (fault.jitterMs ? this.faultPrng.next() * fault.jitterMs : 0) +
      (this.options.latency ? this.options.latency.ms + Math.random() * this.options.latency.jitterMs : 0);
    if (delay > 0) await sleep(delay);

    const strikes = fault.rate === undefined || this.faultPrng.next() < fault.rate;
    if (strikes && fault.reset) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (strikes && fault.hang) {
      record.status = -1;
      return; // the socket stays open until the client or close() ends it
    }
    let response: SimResponse;
    if (!this.authorized(presented)) {
      response = this.protocol.error(401, 'the request does not have valid authentication credentials');
    } else if (strikes && fault.status !== undefined) {
      response = this.protocol.error(fault.status, `injected fault: HTTP ${fault.status}`);
      if (fault.retryAfter !== undefined) {
        response = { ...response, headers: { ...response.headers, 'retry-after': String(fault.retryAfter) } };
      }
    } else {
      response = route.handle(request);
      if (strikes && fault.malformed && response.status < 300) {
        response = { status: response.status, rawBody: '{"truncated": [1, 2', headers: response.headers };
      }
    }
    record.status = response.status;
    this.send(res, response);
  }

  private authorized(presented: string | undefined): boolean {
    if (presented === undefined) return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(this.options.credential);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private match(
    method: string,
    path: string,
  ): { route: CompiledRoute; params: Record<string, string> } | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')));
      } catch {
        return undefined; // malformed percent-encoding: no such resource
      }
      return { route, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }

  private control(req: IncomingMessage, res: ServerResponse, path: string, rawBody: string): void {
    const remote = req.socket.remoteAddress ?? '';
    if (!isLoopback(remote)) {
      this.sendJson(res, 403, { error: 'simulator controls are only available on loopback' });
      return;
    }
    if (req.method === 'GET' && path === '/_sim/stats') {
      this.sendJson(res, 200, this.stats());
    } else if (req.method === 'POST' && path === '/_sim/reset') {
      this.reset();
      this.sendJson(res, 200, {});
    } else if (req.method === 'POST' && path === '/_sim/faults') {
      try {
        const body = JSON.parse(rawBody || '{}') as unknown;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new Error('expected an object keyed by operation');
        }
        this.addFaults(body as Record<string, Fault>);
        this.sendJson(res, 200, { faults: Object.fromEntries(this.faults) });
      } catch (error) {
        this.sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    } else if (req.method === 'POST' && path === '/_sim/settings' && this.options.settings) {
      try {
        this.sendJson(res, 200, { settings: this.applySettings(JSON.parse(rawBody || '{}') as unknown) });
      } catch (error) {
        this.sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    } else if (
      req.method === 'POST' &&
      (path === '/_sim/mutate' || path === '/_sim/evolve') &&
      this.options.motion
    ) {
      this.move(res, this.options.motion, path, rawBody);
    } else {
      this.sendJson(res, 404, { error: `no simulator control ${req.method} ${path}` });
    }
  }

  private move(res: ServerResponse, motion: WorldMotion, path: string, rawBody: string): void {
    let body: unknown;
    try {
      body = JSON.parse(rawBody || '{}') as unknown;
    } catch {
      this.sendJson(res, 400, { error: 'the body must be JSON' });
      return;
    }
    try {
      if (path === '/_sim/mutate') {
        this.sendJson(res, 200, { change: motion.mutate(body) });
      } else {
        const steps = (body as { steps?: unknown } | null)?.steps ?? 1;
        this.sendJson(res, 200, { changes: motion.evolve(steps as number) });
      }
    } catch (error) {
      if (!(error instanceof MotionError)) throw error;
      this.sendJson(res, error.status, { error: error.message });
    }
  }

  private send(res: ServerResponse, response: SimResponse): void {
    const body = response.rawBody ?? (response.body === undefined ? '' : JSON.stringify(response.body));
    res.writeHead(response.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...response.headers,
    });
    res.end(body);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    this.send(res, { status, body });
  }
}

function compileRoute(route: SimRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split(/(\{[a-zA-Z_]+\})/)
    .map((part) => {
      const param = /^\{([a-zA-Z_]+)\}$/.exec(part);
      if (param) {
        names.push(param[1] as string);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m ? (m[1] as string).trim() : header;
}

/** Masks a credential to its last 4 characters, as the statistics record it. */
export function mask(credential: string): string {
  return credential.length <= 4 ? '****' : `****${credential.slice(-4)}`;
}

function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    out[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return out;
}

function parseMaybeJson(raw: string): unknown {
  if (raw === '') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What every vendor simulator factory takes (`createFireworksSimulator(options)`, ...). */
export interface VendorSimulatorOptions {
  /** The shared fleet skeleton (`createWorld`); the data set is a pure function of it. */
  world: World;
  /** The only bearer credential accepted (`FIREWORKS_API_KEY`, `RUNAI_TOKEN`, `GITPOD_API_KEY`). */
  credential: string;
  latency?: { ms: number; jitterMs: number };
}

/** The harness options of a vendor simulator: its credential, latency, the world's motion, its settings. */
export function harnessOptions(
  options: VendorSimulatorOptions,
  settings?: SimulatorSettings,
): HarnessOptions {
  return {
    credential: options.credential,
    motion: options.world.motion,
    ...(options.latency ? { latency: options.latency } : {}),
    ...(settings ? { settings } : {}),
  };
}
