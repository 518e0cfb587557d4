/**
 * Configuration: read from the environment once, at start, validated into a typed object. A bad
 * value stops the start with a message that names the variable. Nothing else reads process.env.
 *
 * A vendor without a base URL is served by its embedded simulator (demo mode), with the demo
 * credential unless one is configured; a vendor with a base URL must have its credential.
 */
import { readJoinSettings, type JoinSettings } from './joins/settings.js';
import { readSharedSettings, type SharedSettings } from './store/settings.js';
import { VENDORS, type VendorId, type VendorSettings } from './vendors/registry.js';
import { loadFederationConfig, type FederationConfig } from './federation/config.js';
import { DEMO_CURSOR_SECRET } from './pagination/connection.js';

/** Demo defaults of the simulated data set, documented in the README. */
const SIMULATOR_DEFAULTS = { SIM_SEED: 42, SIM_SCALE: 1 } as const;

/** How calls to one vendor are bounded, retried and shed (per vendor; see the README). */
export interface ResilienceConfig {
  /** Attempts per call, the first included (1 = no retry). Only reads are ever retried. */
  maxAttempts: number;
  /** Base of the exponential backoff between attempts (full jitter). */
  retryBaseDelayMs: number;
  /** Cap of one backoff delay, and of an honoured Retry-After. */
  retryMaxDelayMs: number;
  /** Share of failed attempts (0..1, exclusive) over the window that opens an operation's breaker. */
  breakerFailureRate: number;
  /** Attempts an operation must have made within the window before its breaker may open. */
  breakerMinCalls: number;
  /** The sliding window over which the breaker counts attempts. */
  breakerWindowMs: number;
  /** How long an open breaker fails fast before letting a trial call through. */
  breakerCooldownMs: number;
  /** Retries allowed per call made over the last 10 s (the retry budget), ... */
  retryBudgetRatio: number;
  /** ... plus this many retries per 10 s whatever the traffic. */
  retryBudgetMin: number;
  /** Calls in flight at once to this vendor (the socket pool size). */
  maxConcurrent: number;
  /** Calls waiting for a slot beyond maxConcurrent; more are refused with UPSTREAM_UNAVAILABLE. */
  maxQueue: number;
  /** The largest answer body read from this vendor; a longer one fails its field (UPSTREAM_ERROR). */
  maxBodyBytes: number;
  /** Connect, response-headers and body-idle timeouts of one attempt. */
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
}

/** Limits checked on every operation before any upstream call (see the README). */
export interface LimitsConfig {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxBodyBytes: number;
  /** The most nodes a query may ask for: the product of nested page sizes, summed (GitHub's node limit). */
  maxNodes: number;
  /** The most upstream calls a query may be estimated to need, and may make. */
  maxUpstreamCalls: number;
  /** The largest response body the gateway sends; a larger one is replaced by an error. */
  maxResponseBytes: number;
  /** Fragment definitions in one document, checked before validation. */
  maxFragments: number;
  /** Field selections once fragments are spread, checked before validation. */
  maxExpandedSelections: number;
}

/** Bounds on the gateway's own HTTP server. */
export interface HttpLimitsConfig {
  /** Time a client has to send the request headers (`HTTP_HEADERS_TIMEOUT_MS`). */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included (`HTTP_REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive socket stays open (`HTTP_KEEP_ALIVE_TIMEOUT_MS`). */
  keepAliveTimeoutMs: number;
  /** Open connections at once; more are refused (`HTTP_MAX_CONNECTIONS`). */
  maxConnections: number;
  /** Time a response may take to be read by the client before its socket is closed (`HTTP_WRITE_TIMEOUT_MS`). */
  writeTimeoutMs: number;
}

/** Per-client limits of the gateway (see the README); 0 turns a limit off. */
export interface ClientLimitsConfig {
  /** Requests per second per client (`CLIENT_RATE_LIMIT`, 0 = off). */
  requestsPerSecond: number;
  /** Requests a client may make beyond the rate, per 10 s (`CLIENT_RATE_BURST`). */
  burst: number;
  /** Vendor calls per second per client, averaged over 10 s (`CLIENT_CALL_RATE_LIMIT`, 0 = off). */
  callsPerSecond: number;
  /** Failed authentications per address per minute before it is refused (`AUTH_FAILURE_LIMIT`). */
  authFailuresPerMinute: number;
}

/** How one vendor is reached. */
export interface UpstreamConfig {
  /** Base URL (scheme, host, optional path prefix); in demo mode the simulator's. */
  baseUrl: string;
  /** The credential configured for this vendor (sent as a bearer token to it only). */
  credential: string;
  /** True when the embedded simulator serves this vendor. */
  demo: boolean;
  /** Port of the embedded simulator (demo mode only). */
  simulatorPort: number;
  resilience: ResilienceConfig;
}

/** The configuration of one vendor: how it is reached, and its own settings. */
export type VendorConfig<Id extends VendorId> = UpstreamConfig & VendorSettings[Id];

/** The validated configuration: the gateway's own settings, each vendor's, and the joins'. */
export type Config = GatewayConfig & { [Id in VendorId]: VendorConfig<Id> } & JoinSettings & SharedSettings;

/** The settings of the gateway itself. */
export interface GatewayConfig {
  port: number;
  host: string;
  /** `NODE_ENV=development`: upstream error texts in errors, stack traces. */
  devMode: boolean;
  /** `NODE_ENV=production`: introspection and landing page off unless enabled. */
  production: boolean;
  introspection: boolean;
  /** Whether callers may pass their own vendor credentials in request headers. */
  allowCredentialHeaders: boolean;
  /** Overall budget of one GraphQL request; no upstream call outlives it. */
  requestDeadlineMs: number;
  limits: LimitsConfig;
  /** Client authentication of the gateway itself; off when both lists are empty. */
  auth: { apiKeys: string[] };
  clientLimits: ClientLimitsConfig;
  /** `PERSISTED_DOCUMENTS`: path of the trusted documents manifest; only those run when set. */
  persistedDocumentsPath: string | undefined;
  /** `DEMO`: whether a vendor without a base URL may be served by its simulator (default: outside production). */
  demo: boolean;
  /** `CORS_ORIGINS`: origins allowed cross-origin; `'*'` for any (the default outside production). */
  corsOrigins: readonly string[] | '*';
  /**
   * Keys of the cursor MACs: `secret` (`CURSOR_SECRET`) signs, `previous` (`CURSOR_SECRET_PREVIOUS`,
   * comma-separated) are still accepted during a rotation. The documented demo key when unset
   * outside production.
   */
  cursorKeys: { secret: string; previous: string[] };
  /** On SIGTERM/SIGINT, keep serving this long with /readyz at 503, so load balancers move away. */
  shutdownNoticeMs: number;
  /** Then stop accepting, and give in-flight requests this long before cutting them. */
  shutdownGraceMs: number;
  /** Bounds on the gateway's own HTTP server (see the README). */
  http: HttpLimitsConfig;
  /** `LOG_LEVEL`: pino level of the JSON logs. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Prometheus metrics and OpenTelemetry tracing. */
  observability: ObservabilityConfig;
  /** `LOG_FORMAT`: `json`, `pretty`, or `auto` (pretty when the output is a terminal). */
  logFormat: 'auto' | 'json' | 'pretty';
  /**
   * The simulated world: `SIM_SEED`, `SIM_SCALE`, `SIM_EVOLVE_MS` (the period of one evolution step;
   * 0 = still), and `SIM_LATENCY_MS`/`SIM_JITTER_MS` (latency `npm run simulators` adds to answers).
   */
  simulator: { seed: number; scale: number; evolveMs: number; latencyMs: number; jitterMs: number };
  /** The federation subgraph endpoint (`/subgraph`, src/federation/). */
  federation: FederationConfig;
  live: LiveConfig;
}

/** Subscriptions: poll intervals per vendor and the limits of the live transports (see the README). */
export interface LiveConfig {
  /** `<VENDOR>_POLL_MS`, then `UPSTREAM_POLL_MS`: the interval of a shared poller. */
  pollMs: Record<VendorId, number>;
  /** `POLL_MAX_BACKOFF_MS`: the longest wait between polls of a failing vendor. */
  maxBackoffMs: number;
  /** `MAX_SUBSCRIPTIONS_PER_CONNECTION`: active subscriptions on one WebSocket. */
  maxPerConnection: number;
  /** `MAX_SUBSCRIPTIONS_PER_CLIENT`: active subscriptions of one client (API key, else address). */
  maxPerClient: number;
  /** `SUBSCRIPTION_KEEPALIVE_MS`: the WebSocket ping period. */
  keepAliveMs: number;
}

/** A configuration error; its message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Given an environment, returns the validated configuration or throws a ConfigError. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV?.trim() ?? '';
  if (!['', 'development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test (or unset), got "${nodeEnv}"`);
  }
  const production = nodeEnv === 'production';
  // Production serves real vendors only, unless demo mode is asked for by name.
  const demoAllowed = bool(env, 'DEMO', !production);
  const missing = VENDORS.map(
    (vendor) => [`${vendor.configPrefix}_BASE_URL`, vendor.credentialVariable] as const,
  ).filter(([base]) => !env[base]?.trim());
  if (!demoAllowed && missing.length > 0) {
    throw new ConfigError(
      `${missing.map(([base, credential]) => `${base} and ${credential}`).join(', ')} ` +
        `${missing.length === 1 ? 'is' : 'are'} required with NODE_ENV=production (set DEMO=true to serve ` +
        'the embedded simulators instead)',
    );
  }
  const requestDeadlineMs = int(env, 'REQUEST_DEADLINE_MS', 15_000, 100, 600_000);
  const seed = int(env, 'SIM_SEED', SIMULATOR_DEFAULTS.SIM_SEED, 0, 2 ** 31 - 1);
  const scale = number(env, 'SIM_SCALE', SIMULATOR_DEFAULTS.SIM_SCALE, 0.01, 1000);
  const vendors = Object.fromEntries(
    VENDORS.map((vendor) => [vendor.id, { ...upstream(env, vendor), ...vendor.readSettings(env, fail) }]),
  ) as { [Id in VendorId]: VendorConfig<Id> };
  return {
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    devMode: nodeEnv === 'development',
    production,
    introspection: bool(env, 'INTROSPECTION', !production),
    ...vendors,
    ...readJoinSettings(env, fail),
    ...readSharedSettings(env, VENDORS, fail),
    allowCredentialHeaders: bool(env, 'ALLOW_CREDENTIAL_HEADERS', true),
    requestDeadlineMs,
    limits: {
      maxDepth: int(env, 'MAX_QUERY_DEPTH', 12, 1, 1000),
      maxAliases: int(env, 'MAX_QUERY_ALIASES', 30, 0, 10_000),
      maxRootFields: int(env, 'MAX_ROOT_FIELDS', 10, 1, 1000),
      maxTokens: int(env, 'MAX_QUERY_TOKENS', 5_000, 10, 1_000_000),
      maxBodyBytes: int(env, 'MAX_BODY_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
      maxNodes: int(env, 'MAX_QUERY_NODES', 50_000, 1, 10_000_000),
      maxUpstreamCalls: int(env, 'MAX_UPSTREAM_CALLS', 1_000, 1, 100_000),
      maxResponseBytes: int(env, 'MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxFragments: int(env, 'MAX_FRAGMENTS', 100, 0, 100_000),
      maxExpandedSelections: int(env, 'MAX_EXPANDED_SELECTIONS', 2_000, 1, 10_000_000),
    },
    auth: { apiKeys: list(env, 'GATEWAY_API_KEYS') },
    cursorKeys: cursorKeys(env, production && !demoAllowed),
    demo: demoAllowed,
    persistedDocumentsPath: env.PERSISTED_DOCUMENTS?.trim() || undefined,
    corsOrigins: corsOrigins(env, production),
    clientLimits: clientLimits(env),
    // A load balancer only watches /readyz in production; the demo has nothing to notify.
    shutdownNoticeMs: int(env, 'SHUTDOWN_NOTICE_MS', production ? 5_000 : 0, 0, 600_000),
    // At least the deadline (and its slack), so a request that is allowed to run is allowed to finish.
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', requestDeadlineMs + 5_000, 0, 1_200_000),
    http: httpLimits(env),
    logLevel: logLevel(env),
    observability: observability(env, int(env, 'PORT', 4000, 0, 65535)),
    logFormat: oneOf(env, 'LOG_FORMAT', ['auto', 'json', 'pretty'] as const, 'auto'),
    simulator: {
      seed,
      scale,
      evolveMs: int(env, 'SIM_EVOLVE_MS', 0, 0, 3_600_000),
      latencyMs: int(env, 'SIM_LATENCY_MS', 0, 0, 60_000),
      jitterMs: int(env, 'SIM_JITTER_MS', 0, 0, 60_000),
    },
    federation: loadFederationConfig(env, production),
    live: {
      pollMs: Object.fromEntries(
        VENDORS.map((vendor) => [
          vendor.id,
          vendorKnob(env, vendor.configPrefix, 'POLL_MS', 5_000, 50, 3_600_000),
        ]),
      ) as Record<VendorId, number>,
      maxBackoffMs: int(env, 'POLL_MAX_BACKOFF_MS', 60_000, 100, 3_600_000),
      maxPerConnection: int(env, 'MAX_SUBSCRIPTIONS_PER_CONNECTION', 100, 1, 10_000),
      maxPerClient: int(env, 'MAX_SUBSCRIPTIONS_PER_CLIENT', 2_000, 1, 1_000_000),
      keepAliveMs: int(env, 'SUBSCRIPTION_KEEPALIVE_MS', 12_000, 1_000, 600_000),
    },
  };
}

/** Stops the start: a ConfigError whose message names the variable. */
function fail(message: string): never {
  throw new ConfigError(message);
}

/**
 * A per-vendor knob: `<PREFIX>_<NAME>` first, then `UPSTREAM_<NAME>`, then its default, so one
 * vendor can be given a longer timeout or a slower poll without touching the others.
 */
function vendorKnob(
  env: Env,
  prefix: string,
  name: string,
  fallback: number,
  min: number,
  max: number,
  parse = int,
): number {
  const specific = `${prefix}_${name}`;
  return env[specific]?.trim()
    ? parse(env, specific, fallback, min, max)
    : parse(env, `UPSTREAM_${name}`, fallback, min, max);
}

function resilience(env: Env, prefix: string): ResilienceConfig {
  const knob = (name: string, fallback: number, min: number, max: number, parse = int): number =>
    vendorKnob(env, prefix, name, fallback, min, max, parse);
  return {
    maxAttempts: knob('MAX_ATTEMPTS', 3, 1, 10),
    retryBaseDelayMs: knob('RETRY_BASE_DELAY_MS', 100, 0, 60_000),
    retryMaxDelayMs: knob('RETRY_MAX_DELAY_MS', 2_000, 0, 600_000),
    breakerFailureRate: knob('BREAKER_FAILURE_RATE', 0.8, 0.01, 0.99, number),
    breakerMinCalls: knob('BREAKER_MIN_CALLS', 20, 1, 1_000_000),
    breakerWindowMs: knob('BREAKER_WINDOW_MS', 10_000, 1_000, 600_000),
    breakerCooldownMs: knob('BREAKER_COOLDOWN_MS', 5_000, 1, 3_600_000),
    retryBudgetRatio: knob('RETRY_BUDGET_RATIO', 0.5, 0, 100, number),
    retryBudgetMin: knob('RETRY_BUDGET_MIN', 10, 0, 1_000_000),
    maxConcurrent: knob('MAX_CONCURRENT', 32, 1, 1024),
    maxQueue: knob('MAX_QUEUE', 4_096, 0, 100_000),
    maxBodyBytes: knob('MAX_BODY_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    timeouts: {
      connectMs: knob('CONNECT_TIMEOUT_MS', 2_000, 1, 600_000),
      headersMs: knob('HEADERS_TIMEOUT_MS', 10_000, 1, 600_000),
      bodyMs: knob('BODY_TIMEOUT_MS', 10_000, 1, 600_000),
    },
  };
}

/**
 * How one vendor is reached: `<PREFIX>_BASE_URL` with its credential variable, or, without a base
 * URL, its embedded simulator on `SIM_<PREFIX>_PORT` with the demo credential.
 */
function upstream(
  env: Env,
  vendor: {
    id: string;
    configPrefix: string;
    credentialVariable: string;
    demo: { credential: string; simulatorPort: number };
  },
): UpstreamConfig {
  const baseVar = `${vendor.configPrefix}_BASE_URL`;
  const credentialVar = vendor.credentialVariable;
  const simulatorPort = int(env, `SIM_${vendor.configPrefix}_PORT`, vendor.demo.simulatorPort, 0, 65535);
  const resilienceConfig = resilience(env, vendor.configPrefix);
  const rawBase = env[baseVar]?.trim();
  const credential = env[credentialVar]?.trim();
  if (credential !== undefined && credential !== '' && !/^[\x21-\x7e]+$/.test(credential)) {
    throw new ConfigError(`${credentialVar} must be printable ASCII without spaces`);
  }
  if (!rawBase) {
    return {
      baseUrl: `http://127.0.0.1:${simulatorPort}`,
      credential: credential || vendor.demo.credential,
      demo: true,
      simulatorPort,
      resilience: resilienceConfig,
    };
  }
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw new ConfigError(`${baseVar} must be an absolute http(s) URL, got "${rawBase}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${baseVar} must use http or https, got "${url.protocol}"`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(`${baseVar} must not contain credentials, a query or a fragment`);
  }
  if (!credential) {
    throw new ConfigError(
      `${credentialVar} is required when ${baseVar} is set (the ${vendor.id} credential)`,
    );
  }
  return {
    baseUrl: url.toString().replace(/\/$/, ''),
    credential,
    demo: false,
    simulatorPort,
    resilience: resilienceConfig,
  };
}

function corsOrigins(env: Env, production: boolean): Config['corsOrigins'] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return production ? [] : '*';
  if (raw === '*') return '*';
  return raw.split(',').map((origin) => {
    const value = origin.trim();
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== value) {
      throw new ConfigError(
        `CORS_ORIGINS must be * or a comma-separated list of origins such as https://dash.example.com, got "${value}"`,
      );
    }
    return value;
  });
}

function httpLimits(env: Env): HttpLimitsConfig {
  const limits = {
    headersTimeoutMs: int(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: int(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    keepAliveTimeoutMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: int(env, 'HTTP_MAX_CONNECTIONS', 1_024, 1, 1_000_000),
    writeTimeoutMs: int(env, 'HTTP_WRITE_TIMEOUT_MS', 30_000, 100, 600_000),
  };
  // Node refuses a server whose headers timeout is longer than its whole-request timeout.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      `HTTP_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}

function clientLimits(env: Env): ClientLimitsConfig {
  const requestsPerSecond = int(env, 'CLIENT_RATE_LIMIT', 0, 0, 1_000_000);
  return {
    requestsPerSecond,
    burst: int(env, 'CLIENT_RATE_BURST', requestsPerSecond, 0, 10_000_000),
    callsPerSecond: int(env, 'CLIENT_CALL_RATE_LIMIT', 0, 0, 1_000_000),
    authFailuresPerMinute: int(env, 'AUTH_FAILURE_LIMIT', 20, 0, 1_000_000),
  };
}

function cursorKeys(env: Env, production: boolean): Config['cursorKeys'] {
  const secret = env.CURSOR_SECRET?.trim();
  const previous = list(env, 'CURSOR_SECRET_PREVIOUS', 32, 'secrets');
  if (!secret) {
    if (production) {
      throw new ConfigError(
        'CURSOR_SECRET is required with NODE_ENV=production: a random string of 32+ characters, the same ' +
          'on every replica (it signs pagination cursors)',
      );
    }
    return { secret: DEMO_CURSOR_SECRET, previous };
  }
  if (!/^[\x21-\x7e]{32,4096}$/.test(secret)) {
    throw new ConfigError('CURSOR_SECRET must be 32+ printable characters without spaces');
  }
  return { secret, previous };
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function list(env: Env, name: string, minLength = 16, what = 'keys'): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  const items = raw.split(',').map((item) => item.trim());
  for (const item of items) {
    if (item.length < minLength || item.length > 4096 || !/^[\x21-\x7e]+$/.test(item)) {
      throw new ConfigError(
        `${name} must be a comma-separated list of ${what} of ${minLength}+ printable characters`,
      );
    }
  }
  return items;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(env: Env): Config['logLevel'] {
  const raw = env.LOG_LEVEL?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw as Config['logLevel'];
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** Prometheus metrics and OpenTelemetry tracing (README, "Operating Fleetgraph"). */
export interface ObservabilityConfig {
  metrics: {
    /** `METRICS_ENABLED`: collect metrics and serve `/metrics`. */
    enabled: boolean;
    /** `METRICS_PORT`: serve `/metrics` only on this port (not on the gateway's); unset = gateway port. */
    port: number | undefined;
    /** `METRICS_MAX_OPERATION_NAMES`: distinct operation names kept as label values; more fold into one. */
    maxOperationNames: number;
  };
  /** OpenTelemetry tracing; undefined when off (no OTLP endpoint, or `OTEL_SDK_DISABLED=true`). */
  tracing: TracingConfig | undefined;
}

/** Where and how spans are exported, from the standard `OTEL_*` variables. */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or the base endpoint + `/v1/traces`). */
  url: string;
  protocol: 'http/json' | 'http/protobuf';
  serviceName: string;
  sampler: TracesSampler;
  /** `OTEL_BSP_SCHEDULE_DELAY`: the batch span processor's export interval. */
  scheduleDelayMs: number;
}

/** `OTEL_TRACES_SAMPLER` (and `OTEL_TRACES_SAMPLER_ARG` for the ratio samplers). */
export type TracesSampler =
  | { name: 'always_on' | 'always_off' | 'parentbased_always_on' | 'parentbased_always_off' }
  | { name: 'traceidratio' | 'parentbased_traceidratio'; ratio: number };

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

function observability(env: Env, port: number): ObservabilityConfig {
  const metricsPort = env.METRICS_PORT?.trim() ? int(env, 'METRICS_PORT', 0, 0, 65535) : undefined;
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    throw new ConfigError(`METRICS_PORT must differ from PORT (${port}); unset it to serve /metrics on PORT`);
  }
  return {
    metrics: {
      enabled: bool(env, 'METRICS_ENABLED', true),
      port: metricsPort,
      maxOperationNames: int(env, 'METRICS_MAX_OPERATION_NAMES', 200, 1, 10_000),
    },
    tracing: tracing(env),
  };
}

function tracing(env: Env): TracingConfig | undefined {
  if (bool(env, 'OTEL_SDK_DISABLED', false)) return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim() || 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none') {
    throw new ConfigError(`OTEL_TRACES_EXPORTER must be otlp or none, got "${exporter}"`);
  }
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (exporter === 'none' || (!specific && !base)) return undefined;
  // The spec: a signal-specific endpoint is used as is; the base endpoint gets `v1/traces` appended.
  const variable = specific ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  let url: URL;
  try {
    url = new URL(specific ?? (base as string));
  } catch {
    throw new ConfigError(`${variable} must be an absolute http(s) URL, got "${specific ?? base}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${variable} must use http or https (OTLP/HTTP), got "${url.protocol}"`);
  }
  if (!specific) url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/traces`;
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ||
    'http/protobuf';
  if (protocol !== 'http/json' && protocol !== 'http/protobuf') {
    throw new ConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (grpc is not supported), got "${protocol}"`,
    );
  }
  return {
    url: url.toString(),
    protocol,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'fleetgraph',
    sampler: sampler(env),
    scheduleDelayMs: int(env, 'OTEL_BSP_SCHEDULE_DELAY', 5_000, 1, 3_600_000),
  };
}

function sampler(env: Env): TracesSampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on';
  if (!(SAMPLERS as readonly string[]).includes(name)) {
    throw new ConfigError(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}, got "${name}"`);
  }
  if (name === 'traceidratio' || name === 'parentbased_traceidratio') {
    return { name, ratio: number(env, 'OTEL_TRACES_SAMPLER_ARG', 1, 0, 1) };
  }
  return { name: name as Exclude<TracesSampler['name'], 'traceidratio' | 'parentbased_traceidratio'> };
}
