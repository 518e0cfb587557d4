/**
 * Per-client limits from outside (finding 7 of issue 9: one client took 1,271 requests/s, and
 * 21,600 wrong gateway keys were tried at ~7,000/s on one connection): requests per second with a
 * burst, vendor calls per second, and a throttle on repeated authentication failures per address.
 * Every refusal is 429 with Retry-After and RATE_LIMITED, before any upstream call.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { keyFingerprint } from '../../src/http/client-limits.js';
import { createLogger } from '../../src/logging.js';
import { startGateway, type Gateway } from '../../src/server.js';

const KEY_A = 'client-a-key-0123456789abcdef';
const KEY_B = 'client-b-key-0123456789abcdef';

let gateway: Gateway | undefined;
let lines: Record<string, unknown>[] = [];
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function start(env: Record<string, string>): Promise<Gateway> {
  lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SIM_FIREWORKS_PORT: '0',
    SIM_RUNAI_PORT: '0',
    SIM_GITPOD_PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...env,
  });
  gateway = await startGateway(config, createLogger(config, sink));
  return gateway;
}

async function post(gw: Gateway, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as unknown,
  };
}

function upstreamCalls(gw: Gateway): number {
  return Object.values(gw.simulators!.servers).reduce(
    (sum, sim) => sum + Object.values(sim.stats().operations).reduce((a, b) => a + b, 0),
    0,
  );
}

const refused = (limit: string, message: string) => ({
  status: 429,
  retryAfter: '1',
  body: { errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfter: 1, limit } }] },
});
const RATE_MESSAGE =
  'This client sent more than 5 requests per second (CLIENT_RATE_LIMIT, burst CLIENT_RATE_BURST); retry after the time in Retry-After.';

describe('CLIENT_RATE_LIMIT and CLIENT_RATE_BURST', () => {
  it('lets the rate and the burst through, then answers 429 with Retry-After', async () => {
    const gw = await start({ CLIENT_RATE_LIMIT: '5', CLIENT_RATE_BURST: '2' });
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await post(gw, '{ __typename }'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 429, 429, 429]);
    expect(answers[9]).toEqual(refused('CLIENT_RATE_LIMIT', RATE_MESSAGE));
    expect(lines.filter((l) => l.msg === 'request refused: client rate limit')).toHaveLength(3);
  });

  it('counts per API key when keys are on: one client over its rate leaves the other alone', async () => {
    const gw = await start({
      CLIENT_RATE_LIMIT: '5',
      CLIENT_RATE_BURST: '0',
      GATEWAY_API_KEYS: `${KEY_A},${KEY_B}`,
    });
    const a = { authorization: `Bearer ${KEY_A}` };
    for (let i = 0; i < 6; i++) await post(gw, '{ __typename }', a);
    expect((await post(gw, '{ __typename }', a)).status).toBe(429);
    const other = await post(gw, '{ __typename }', { 'x-api-key': KEY_B });
    expect(other.status).toBe(200);
    expect((other.body as { data: unknown }).data).toEqual({ __typename: 'Query' });
    const refusal = lines.find((l) => l.msg === 'request refused: client rate limit');
    expect(refusal).toMatchObject({ client: `key:${keyFingerprint(KEY_A)}`, limit: 'CLIENT_RATE_LIMIT' });
    expect(JSON.stringify(lines)).not.toContain(KEY_A);
  });
});

describe('CLIENT_CALL_RATE_LIMIT', () => {
  it('charges the vendor calls a request made; the next request over the rate is refused with no call', async () => {
    const gw = await start({ CLIENT_CALL_RATE_LIMIT: '1' });
    // 1 call per second over 10 s: 10 calls. This query costs 12 (1 list + 1 per node pool + …).
    const heavy = '{ nodePools(first: 11) { nodes { batchJobs(first: 1) { totalCount } } } }';
    expect((await post(gw, heavy)).status).toBe(200);
    expect(upstreamCalls(gw)).toBe(12);
    const res = await post(gw, heavy);
    expect(res.status).toBe(429);
    expect(res.retryAfter).toMatch(/^([1-9]|10)$/);
    expect(res.body).toEqual({
      errors: [
        {
          message:
            'This client made more than 1 vendor calls per second (CLIENT_CALL_RATE_LIMIT); retry after the time in Retry-After, or ask for less per request.',
          extensions: {
            code: 'RATE_LIMITED',
            retryAfter: Number(res.retryAfter),
            limit: 'CLIENT_CALL_RATE_LIMIT',
          },
        },
      ],
    });
    expect(upstreamCalls(gw)).toBe(12);
  });
});

describe('AUTH_FAILURE_LIMIT', () => {
  it('after the limit of failed keys from one address, refuses it (even with a good key) and logs why', async () => {
    const gw = await start({ GATEWAY_API_KEYS: KEY_A, AUTH_FAILURE_LIMIT: '3' });
    const wrong = { authorization: 'Bearer wrong-key-0123456789abcdef' };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(gw, '{ __typename }', wrong)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const res = await post(gw, '{ __typename }', { authorization: `Bearer ${KEY_A}` });
    expect(res.status).toBe(429);
    expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(59);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'Too many failed authentications from this address; retry after the time in Retry-After.',
          extensions: {
            code: 'RATE_LIMITED',
            retryAfter: Number(res.retryAfter),
            limit: 'AUTH_FAILURE_LIMIT',
          },
        },
      ],
    });
    const throttled = lines.filter(
      (l) => l.msg === 'authentication throttled: too many failed keys from this address',
    );
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ level: 40, clientAddress: '127.0.0.1' });
    expect(JSON.stringify(lines)).not.toContain('wrong-key-0123456789abcdef');
    expect(upstreamCalls(gw)).toBe(0);
  });

  it('a burst of 200 guesses reaches the key check only AUTH_FAILURE_LIMIT times (default 20)', async () => {
    const gw = await start({ GATEWAY_API_KEYS: KEY_A });
    const counts: Record<number, number> = {};
    for (let i = 0; i < 200; i++) {
      const { status } = await post(gw, '{ __typename }', { 'x-api-key': `guess-${i}-0123456789abcdef` });
      counts[status] = (counts[status] ?? 0) + 1;
    }
    expect(counts).toEqual({ 401: 20, 429: 180 });
  });
});
