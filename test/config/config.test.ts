/**
 * Configuration is validated once: every bad value stops the start with a message naming its
 * variable; good values land typed, per vendor where the knob is per vendor.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEMO_CREDENTIALS } from '../helpers/demo.js';
import { DEMO_CURSOR_SECRET } from '../../src/pagination/connection.js';

const SECRET = 'config-test-cursor-secret-0123456789';
/** Every vendor configured: what production needs besides CURSOR_SECRET. */
const VENDORS = {
  FIREWORKS_BASE_URL: 'https://api.fireworks.example',
  FIREWORKS_API_KEY: 'fw-config-test-key',
  RUNAI_BASE_URL: 'https://tenant.run.example',
  RUNAI_TOKEN: 'runai-config-test-token',
  GITPOD_BASE_URL: 'https://gitpod.example/api',
  GITPOD_API_KEY: 'gitpod-config-test-key',
};

describe('loadConfig', () => {
  it('gives a demo configuration on an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.fireworks).toMatchObject({
      demo: true,
      credential: DEMO_CREDENTIALS.fireworks,
      accountId: 'fleetgraph-demo',
      baseUrl: 'http://127.0.0.1:4011',
    });
    expect(config.runai).toMatchObject({ demo: true, baseUrl: 'http://127.0.0.1:4012' });
    expect(config.gitpod).toMatchObject({ demo: true, baseUrl: 'http://127.0.0.1:4013' });
    expect(config.production).toBe(false);
    expect(config.introspection).toBe(true);
  });

  it('reads a vendor-specific knob before the UPSTREAM_ one', () => {
    const config = loadConfig({ UPSTREAM_HEADERS_TIMEOUT_MS: '5000', RUNAI_HEADERS_TIMEOUT_MS: '30000' });
    expect(config.fireworks.resilience.timeouts.headersMs).toBe(5000);
    expect(config.runai.resilience.timeouts.headersMs).toBe(30000);
  });

  it('reads <VENDOR>_POLL_MS before UPSTREAM_POLL_MS; the world is still by default', () => {
    const config = loadConfig({ UPSTREAM_POLL_MS: '2000', RUNAI_POLL_MS: '500' });
    expect(config.live.pollMs).toEqual({ fireworks: 2000, runai: 500, gitpod: 2000 });
    expect(loadConfig({}).simulator.evolveMs).toBe(0);
    expect(loadConfig({}).live.pollMs.fireworks).toBe(5000);
  });

  it('turns introspection off in production unless asked', () => {
    const production = { NODE_ENV: 'production', CURSOR_SECRET: SECRET, ...VENDORS };
    expect(loadConfig(production).introspection).toBe(false);
    expect(loadConfig({ ...production, INTROSPECTION: 'true' }).introspection).toBe(true);
  });

  it('stops a production start without vendor URLs, naming the variables, unless DEMO=true', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CURSOR_SECRET: SECRET })).toThrow(
      new ConfigError(
        'FIREWORKS_BASE_URL and FIREWORKS_API_KEY, RUNAI_BASE_URL and RUNAI_TOKEN, GITPOD_BASE_URL and ' +
          'GITPOD_API_KEY are required with NODE_ENV=production (set DEMO=true to serve the embedded simulators instead)',
      ),
    );
    const { GITPOD_BASE_URL: _base, GITPOD_API_KEY: _key, ...twoVendors } = VENDORS;
    expect(() => loadConfig({ NODE_ENV: 'production', CURSOR_SECRET: SECRET, ...twoVendors })).toThrow(
      new ConfigError(
        'GITPOD_BASE_URL and GITPOD_API_KEY is required with NODE_ENV=production (set DEMO=true to serve the ' +
          'embedded simulators instead)',
      ),
    );
    const demo = loadConfig({ NODE_ENV: 'production', DEMO: 'true' });
    expect([demo.demo, demo.fireworks.demo, demo.cursorKeys.secret]).toEqual([
      true,
      true,
      DEMO_CURSOR_SECRET,
    ]);
    expect(() => loadConfig({ DEMO: 'false' })).toThrow(/are required with NODE_ENV=production/);
  });

  it('HTTP limits: defaults, and a headers timeout longer than the request timeout stops the start', () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1_024,
      writeTimeoutMs: 30_000,
    });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000' })).toThrow(
      new ConfigError('HTTP_HEADERS_TIMEOUT_MS (60000) must not exceed HTTP_REQUEST_TIMEOUT_MS (30000)'),
    );
  });

  it('the shutdown grace is at least the request deadline by default; the notice is on in production', () => {
    expect([loadConfig({}).shutdownGraceMs, loadConfig({}).shutdownNoticeMs]).toEqual([20_000, 0]);
    expect(loadConfig({ REQUEST_DEADLINE_MS: '30000' }).shutdownGraceMs).toBe(35_000);
    expect(loadConfig({ NODE_ENV: 'production', DEMO: 'true' }).shutdownNoticeMs).toBe(5_000);
  });

  it('CORS_ORIGINS: any origin outside production, none cross-origin in production unless listed', () => {
    expect(loadConfig({}).corsOrigins).toBe('*');
    expect(loadConfig({ NODE_ENV: 'production', CURSOR_SECRET: SECRET, ...VENDORS }).corsOrigins).toEqual([]);
    expect(
      loadConfig({ CORS_ORIGINS: 'https://dash.example.com, http://localhost:3000' }).corsOrigins,
    ).toEqual(['https://dash.example.com', 'http://localhost:3000']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://dash.example.com/path' })).toThrow(
      new ConfigError(
        'CORS_ORIGINS must be * or a comma-separated list of origins such as https://dash.example.com, got "https://dash.example.com/path"',
      ),
    );
  });

  it('signs cursors with the demo key outside production, and requires CURSOR_SECRET in production', () => {
    expect(loadConfig({}).cursorKeys).toEqual({ secret: DEMO_CURSOR_SECRET, previous: [] });
    expect(() => loadConfig({ NODE_ENV: 'production', ...VENDORS })).toThrow(
      new ConfigError(
        'CURSOR_SECRET is required with NODE_ENV=production: a random string of 32+ characters, the same ' +
          'on every replica (it signs pagination cursors)',
      ),
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        CURSOR_SECRET: SECRET,
        CURSOR_SECRET_PREVIOUS: `${SECRET}-old`,
        ...VENDORS,
      }).cursorKeys,
    ).toEqual({ secret: SECRET, previous: [`${SECRET}-old`] });
    expect(() => loadConfig({ CURSOR_SECRET: 'short' })).toThrow(
      new ConfigError('CURSOR_SECRET must be 32+ printable characters without spaces'),
    );
    expect(() => loadConfig({ CURSOR_SECRET: SECRET, CURSOR_SECRET_PREVIOUS: 'short' })).toThrow(
      new ConfigError(
        'CURSOR_SECRET_PREVIOUS must be a comma-separated list of secrets of 32+ printable characters',
      ),
    );
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535, got 70000'],
    [{ NODE_ENV: 'prod' }, 'NODE_ENV must be development, production or test (or unset), got "prod"'],
    [{ FIREWORKS_BASE_URL: 'ftp://x' }, 'FIREWORKS_BASE_URL must use http or https, got "ftp:"'],
    [
      { FIREWORKS_BASE_URL: 'not a url' },
      'FIREWORKS_BASE_URL must be an absolute http(s) URL, got "not a url"',
    ],
    [
      { RUNAI_BASE_URL: 'https://x.run.ai' },
      'RUNAI_TOKEN is required when RUNAI_BASE_URL is set (the runai credential)',
    ],
    [
      { GITPOD_BASE_URL: 'https://u:p@x', GITPOD_API_KEY: 'k' },
      'GITPOD_BASE_URL must not contain credentials, a query or a fragment',
    ],
    [
      { RUNAI_CLUSTER_MAP: '{bad' },
      'RUNAI_CLUSTER_MAP must be a JSON object {"<fireworks cluster id>": "<run:ai cluster uuid>"}',
    ],
    [{ RUNAI_CLUSTER_MAP: '{"a": "nope"}' }, 'RUNAI_CLUSTER_MAP["a"] must be a UUID, got "nope"'],
    [{ SIM_SCALE: '0' }, 'SIM_SCALE must be between 0.01 and 1000, got 0'],
    [{ SIM_LATENCY_MS: 'slow' }, 'SIM_LATENCY_MS must be an integer, got "slow"'],
    [{ INTROSPECTION: 'yes' }, 'INTROSPECTION must be true or false, got "yes"'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      { GATEWAY_API_KEYS: 'short' },
      'GATEWAY_API_KEYS must be a comma-separated list of keys of 16+ printable characters',
    ],
    [
      { FIREWORKS_ACCOUNT_ID: 'Bad Account' },
      'FIREWORKS_ACCOUNT_ID must be a Fireworks account id (a-z, 0-9, -), got "Bad Account"',
    ],
    [{ RUNAI_MAX_ATTEMPTS: '0' }, 'RUNAI_MAX_ATTEMPTS must be between 1 and 10, got 0'],
    [{ GITPOD_POLL_MS: '10' }, 'GITPOD_POLL_MS must be between 50 and 3600000, got 10'],
    [{ UPSTREAM_POLL_MS: 'fast' }, 'UPSTREAM_POLL_MS must be an integer, got "fast"'],
    [{ SIM_EVOLVE_MS: '-1' }, 'SIM_EVOLVE_MS must be between 0 and 3600000, got -1'],
    [
      { MAX_SUBSCRIPTIONS_PER_CONNECTION: '0' },
      'MAX_SUBSCRIPTIONS_PER_CONNECTION must be between 1 and 10000, got 0',
    ],
  ])('refuses %j: %s', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });
});

describe('RUNAI_NODE_POOL_KEY', () => {
  it('defaults to the short id and reads an annotation key', () => {
    expect(loadConfig({}).runaiNodePoolKey).toEqual({ kind: 'id' });
    expect(loadConfig({ RUNAI_NODE_POOL_KEY: 'annotation:run.ai/node-pool' }).runaiNodePoolKey).toEqual({
      kind: 'annotation',
      key: 'run.ai/node-pool',
    });
  });

  it.each(['name', 'annotation:', 'annotation:bad key', 'annotation:a"b'])('refuses %j', (value) => {
    expect(() => loadConfig({ RUNAI_NODE_POOL_KEY: value })).toThrow(
      new ConfigError(
        `RUNAI_NODE_POOL_KEY must be "id" or "annotation:<kubernetes annotation key>", got "${value}"`,
      ),
    );
  });
});
