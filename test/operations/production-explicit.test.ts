/**
 * Findings 6 and 10 of issue 9 from outside: in production no error suggests a field or enum
 * value (through variables and literals too, where Apollo's own hiding does not reach), and
 * cross-origin calls are allowed only from CORS_ORIGINS (any origin outside production).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server.js';
import { startQuietGateway } from '../helpers/gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function start(env: Record<string, string>): Promise<Gateway> {
  gateway = await startQuietGateway(env);
  return gateway;
}

const PRODUCTION = { NODE_ENV: 'production', DEMO: 'true', SHUTDOWN_NOTICE_MS: '0' };

async function post(gw: Gateway, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { res, body: (await res.json()) as { errors?: { message: string }[] } };
}

describe('no suggestions in production', () => {
  const cases = [
    {
      what: 'an input field in a variable',
      body: {
        query: 'query($f: ClusterFilter) { clusters(filter: $f) { totalCount } }',
        variables: { f: { stat: ['READY'] } },
      },
      message:
        'Variable "$f" got invalid value { stat: ["READY"] }; Field "stat" is not defined by type "ClusterFilter".',
    },
    {
      what: 'an enum value in a variable',
      body: {
        query: 'query($f: ClusterFilter) { clusters(filter: $f) { totalCount } }',
        variables: { f: { states: ['REDY'] } },
      },
      message:
        'Variable "$f" got invalid value "REDY" at "f.states[0]"; Value "REDY" does not exist in "ClusterState" enum.',
    },
    {
      what: 'an enum value in a literal',
      body: { query: '{ clusters(filter: { states: [REDY] }) { totalCount } }' },
      message: 'Value "REDY" does not exist in "ClusterState" enum.',
    },
  ];

  it.each(cases)('$what: the error names the mistake, not the schema', async ({ body, message }) => {
    const gw = await start(PRODUCTION);
    const { body: answer } = await post(gw, body);
    expect(answer.errors?.map((e) => e.message)).toEqual([message]);
    expect(JSON.stringify(answer)).not.toMatch(/Did you mean/);
  });

  it('outside production the same error still suggests (introspection is on there)', async () => {
    const gw = await start({ NODE_ENV: 'test' });
    const { body } = await post(gw, cases[0]!.body);
    expect(body.errors?.[0]?.message).toMatch(/Did you mean "states"\?$/);
  });
});

describe('CORS_ORIGINS', () => {
  const preflight = (gw: Gateway, origin: string) =>
    fetch(gw.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    }).then((r) => r.headers.get('access-control-allow-origin'));

  it('production without CORS_ORIGINS: no origin is allowed cross-origin', async () => {
    const gw = await start(PRODUCTION);
    expect(await preflight(gw, 'https://evil.example')).toBeNull();
  });

  it('only the listed origins are allowed', async () => {
    const gw = await start({ ...PRODUCTION, CORS_ORIGINS: 'https://dash.example.com' });
    expect(await preflight(gw, 'https://dash.example.com')).toBe('https://dash.example.com');
    expect(await preflight(gw, 'https://evil.example')).toBeNull();
  });

  it('outside production any origin is allowed by default', async () => {
    const gw = await start({ NODE_ENV: 'test' });
    expect(await preflight(gw, 'https://anything.example')).toBe('https://anything.example');
  });
});
