/**
 * What every Run:ai operation shares through the harness: bearer authentication with the vendor's
 * 401 body, injected faults as a client observes them, and the statistics tests assert calls with.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RUNAI_OPERATIONS } from '../../../src/vendors/runai/simulator/index.js';
import {
  RUNAI_TEST_TOKEN,
  expectValidResponse,
  runaiErrorBody,
  startRunai,
  type RunaiHarness,
} from '../../helpers/runai-sim.js';

let h: RunaiHarness;
beforeAll(async () => {
  h = await startRunai();
});
afterAll(() => h.sim.close());
beforeEach(() => h.sim.reset());

const LIST = '/api/v1/workloads/pods';
const UNAUTHORIZED = runaiErrorBody(401, 'the request does not have valid authentication credentials');

function pathsByOperation(): Record<string, { path: string; query: Record<string, string> }> {
  const pod = h.data.pods.find((p) => p.revisionId) as (typeof h.data.pods)[number];
  return {
    getPods: { path: `/v1/k8s/clusters/${pod.clusterId}/pods`, query: {} },
    list_pods: { path: LIST, query: { limit: '2' } },
    count_pods: { path: '/api/v1/workloads/pods/count', query: {} },
    get_workload_pods: { path: `/api/v1/workloads/${pod.workloadId}/pods`, query: {} },
    get_workload_pod_metrics: {
      path: `/api/v1/workloads/${pod.workloadId}/pods/${pod.id}/metrics`,
      query: { metricType: 'GPU_UTILIZATION', start: '2025-12-01T00:00:00Z', end: '2025-12-01T01:00:00Z' },
    },
    get_revision_pods: { path: `/api/v1/workloads/inferences/revisions/${pod.revisionId}/pods`, query: {} },
  };
}

describe('authentication', () => {
  it.each(RUNAI_OPERATIONS)(
    '%s answers 401 with the Error body without a token or with a wrong one',
    async (operation) => {
      const { path, query } = pathsByOperation()[operation] as {
        path: string;
        query: Record<string, string>;
      };
      for (const token of [null, 'wrong-token', `${RUNAI_TEST_TOKEN}x`]) {
        const res = await h.get(path, query, token);
        expect(res.status).toBe(401);
        expectValidResponse(operation, 401, res.body);
        expect(res.body).toEqual(UNAUTHORIZED);
      }
      const ok = await h.get(path, query);
      expect(ok.status).toBe(200);
      expectValidResponse(operation, 200, ok.body);
    },
  );
});

describe('statistics', () => {
  it('counts calls per operation and records the masked credential, query and status', async () => {
    await h.get(LIST, { limit: '3', filterBy: ['nodeName=@ip', 'clusterId!=x'] });
    await h.get(LIST, {}, 'someone-elses-token');
    await h.get('/api/v1/workloads/pods/count', { search: 'vision' });
    expect(h.sim.stats()).toEqual({
      operations: { list_pods: 2, count_pods: 1 },
      requests: [
        {
          operation: 'list_pods',
          method: 'GET',
          path: LIST,
          query: { limit: '3', filterBy: ['nodeName=@ip', 'clusterId!=x'] },
          body: null,
          credential: '****7f3a',
          status: 200,
        },
        {
          operation: 'list_pods',
          method: 'GET',
          path: LIST,
          query: {},
          body: null,
          credential: '****oken',
          status: 401,
        },
        {
          operation: 'count_pods',
          method: 'GET',
          path: '/api/v1/workloads/pods/count',
          query: { search: 'vision' },
          body: null,
          credential: '****7f3a',
          status: 200,
        },
      ],
    });
  });

  it('serves the same statistics over /_sim/stats', async () => {
    await h.get('/api/v1/workloads/pods/count');
    const res = await fetch(`${h.url}/_sim/stats`);
    expect(await res.json()).toEqual(h.sim.stats());
    expect(h.sim.stats().operations).toEqual({ count_pods: 1 });
  });
});

describe('faults', () => {
  it('latency delays the answer', async () => {
    h.sim.addFaults({ count_pods: { latencyMs: 150 } });
    const started = performance.now();
    const res = await h.get('/api/v1/workloads/pods/count');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(res.status).toBe(200);
  });

  it('status answers the Error body with Retry-After, on the faulted operation only', async () => {
    const res0 = await fetch(`${h.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ list_pods: { status: 503, retryAfter: 7 } }),
    });
    expect(res0.status).toBe(200);
    const res = await h.get(LIST);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expectValidResponse('list_pods', 503, res.body);
    expect(res.body).toEqual(runaiErrorBody(503, 'injected fault: HTTP 503'));
    expect((await h.get('/api/v1/workloads/pods/count')).status).toBe(200);
    expect(h.sim.stats().operations).toEqual({ list_pods: 1, count_pods: 1 });
  });

  it('a 500 fault validates against the documented 500 response', async () => {
    h.sim.addFaults({ get_revision_pods: { status: 500 } });
    const { path } = pathsByOperation().get_revision_pods as { path: string };
    const res = await h.get(path);
    expect(res.status).toBe(500);
    expectValidResponse('get_revision_pods', 500, res.body);
    expect(res.body).toEqual(runaiErrorBody(500, 'injected fault: HTTP 500'));
  });

  it('hang never answers; the client gives up on its own timeout', async () => {
    h.sim.addFaults({ list_pods: { hang: true } });
    const attempt = fetch(`${h.url}${LIST}`, {
      headers: { authorization: `Bearer ${RUNAI_TEST_TOKEN}` },
      signal: AbortSignal.timeout(200),
    });
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(h.sim.stats().requests.map((r) => r.status)).toEqual([-1]);
  });

  it('malformed answers 200 with a body that is not JSON', async () => {
    h.sim.addFaults({ count_pods: { malformed: true } });
    const res = await fetch(`${h.url}/api/v1/workloads/pods/count`, {
      headers: { authorization: `Bearer ${RUNAI_TEST_TOKEN}` },
    });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('reset drops the connection without an answer', async () => {
    h.sim.addFaults({ getPods: { reset: true } });
    const { path } = pathsByOperation().getPods as { path: string };
    await expect(h.get(path)).rejects.toThrow(TypeError);
    expect(h.sim.stats().operations).toEqual({ getPods: 1 });
  });

  it('rate 0 never strikes, and reset() clears every fault', async () => {
    h.sim.addFaults({ list_pods: { status: 503, rate: 0 } });
    expect((await h.get(LIST)).status).toBe(200);
    h.sim.addFaults({ list_pods: { rate: 1 } });
    expect((await h.get(LIST)).status).toBe(503);
    h.sim.reset();
    expect((await h.get(LIST)).status).toBe(200);
  });
});
