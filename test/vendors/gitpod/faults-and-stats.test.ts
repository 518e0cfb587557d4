import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/simulators/world.js';
import type { SimulatorServer } from '../../../src/simulators/harness.js';
import { generateGitpodData } from '../../../src/vendors/gitpod/simulator/index.js';
import { callListWarmPools, GITPOD_CREDENTIAL, shareGitpodSimulator } from '../../helpers/gitpod-client.js';

const world = createWorld();
const { warmPools } = generateGitpodData(world);
const projectId = warmPools[0]?.metadata.projectId as string;

let sim: SimulatorServer;
let url: string;
shareGitpodSimulator(world, (shared) => ({ sim, url } = shared));

describe('ListWarmPools faults', () => {
  it('delays answers by the injected latency', async () => {
    sim.addFaults({ ListWarmPools: { latencyMs: 150 } });
    const started = performance.now();
    const result = await callListWarmPools(url);
    expect(result.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('answers an injected 503 as a Connect unavailable error with Retry-After', async () => {
    sim.addFaults({ ListWarmPools: { status: 503, retryAfter: 2 } });
    const result = await callListWarmPools(url);
    expect([result.status, result.headers.get('retry-after')]).toEqual([503, '2']);
    expect(result.body).toEqual({ code: 'unavailable', message: 'injected fault: HTTP 503' });
  });

  it.each([
    [429, 'resource_exhausted'],
    [500, 'internal'],
    [504, 'deadline_exceeded'],
    [403, 'permission_denied'],
  ])('answers an injected %i with the Connect code %s', async (status, code) => {
    sim.addFaults({ ListWarmPools: { status } });
    const result = await callListWarmPools(url);
    expect(result.status).toBe(status);
    expect(result.body).toEqual({ code, message: `injected fault: HTTP ${status}` });
  });

  it('still answers 401 before an injected status when the credential is wrong', async () => {
    sim.addFaults({ ListWarmPools: { status: 503 } });
    const result = await callListWarmPools(url, { credential: 'nope' });
    expect(result.status).toBe(401);
  });

  it('hangs until the client gives up', async () => {
    sim.addFaults({ ListWarmPools: { hang: true } });
    await expect(callListWarmPools(url, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('answers 200 with a body that is not JSON when malformed', async () => {
    sim.addFaults({ ListWarmPools: { malformed: true } });
    const response = await fetch(`${url}/gitpod.v1.PrebuildService/ListWarmPools`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GITPOD_CREDENTIAL}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('drops the connection when reset', async () => {
    sim.addFaults({ ListWarmPools: { reset: true } });
    await expect(callListWarmPools(url)).rejects.toThrow(TypeError);
    expect(sim.stats().requests.map((r) => r.status)).toEqual([-1]);
  });

  it('applies a fault to a fraction of calls with rate, configured over HTTP', async () => {
    const configured = await fetch(`${url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ ListWarmPools: { status: 503, rate: 0.5 } }),
    });
    expect(configured.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await callListWarmPools(url)).status);
    expect(new Set(statuses)).toEqual(new Set([200, 503]));
  });
});

describe('ListWarmPools statistics', () => {
  it('counts calls and records query, JSON body, masked credential and status', async () => {
    await callListWarmPools(url, { query: { pageSize: 2 }, body: { filter: { projectIds: [projectId] } } });
    await callListWarmPools(url, { credential: 'wrong-credential-abcd' });
    await callListWarmPools(url, { body: { pagination: { pageSize: 500 } } });

    const stats = await (await fetch(`${url}/_sim/stats`)).json();
    expect(stats).toEqual(sim.stats());
    expect(stats).toEqual({
      operations: { ListWarmPools: 3 },
      requests: [
        {
          operation: 'ListWarmPools',
          method: 'POST',
          path: '/gitpod.v1.PrebuildService/ListWarmPools',
          query: { pageSize: '2' },
          body: { filter: { projectIds: [projectId] } },
          credential: `****${GITPOD_CREDENTIAL.slice(-4)}`,
          status: 200,
        },
        {
          operation: 'ListWarmPools',
          method: 'POST',
          path: '/gitpod.v1.PrebuildService/ListWarmPools',
          query: {},
          body: {},
          credential: '****abcd',
          status: 401,
        },
        {
          operation: 'ListWarmPools',
          method: 'POST',
          path: '/gitpod.v1.PrebuildService/ListWarmPools',
          query: {},
          body: { pagination: { pageSize: 500 } },
          credential: `****${GITPOD_CREDENTIAL.slice(-4)}`,
          status: 400,
        },
      ],
    });
  });

  it('does not count calls the harness refuses before routing (405)', async () => {
    await callListWarmPools(url, { method: 'GET' });
    expect(sim.stats()).toEqual({ operations: {}, requests: [] });
  });
});
