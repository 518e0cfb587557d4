/**
 * Finding 1 of issue 9, repeated as written: one 2 KB query asking 100 pods for all 19 metric
 * types at 1000 samples answered 172 MB in 23.5 s with `extensions.cost` at 100 nodes. Metric
 * series and their samples now count as nodes, so it is refused before any upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { NO_CALLS } from '../helpers/ground-truth.js';

const ALL_TYPES = [
  ...(/enum PodMetricType \{([^}]*)\}/.exec(readFileSync('schema/pods.graphql', 'utf8'))?.[1] ?? '').matchAll(
    /^\s+([A-Z][A-Z0-9_]+)\s*$/gm,
  ),
].map((m) => m[1]);

const range = 'start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z"';
const bomb = (samples: number, first = 100, types = ALL_TYPES) =>
  `{ pods(first: ${first}) { nodes { name metrics(types: [${types.join(', ')}], ${range}, samples: ${samples}) ` +
  '{ type samples { timestamp value } } } } }';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.stop());

describe('metric series × samples count as nodes', () => {
  it('the response bomb is refused with HTTP 400 and no upstream call', async () => {
    expect(ALL_TYPES).toHaveLength(19);
    gw.reset();
    const res = await gw.post({ query: bomb(1000) });
    // 100 pods + 100 × (15 per-GPU types × 8 GPUs + 4 types) series of 1 + 1000 nodes each.
    const perGpu = ALL_TYPES.filter((t) => t?.endsWith('_PER_GPU'));
    expect(perGpu).toHaveLength(15);
    const nodes = 100 + 100 * (15 * 8 + 4) * 1001;
    expect(res).toEqual({
      status: 400,
      errors: [
        {
          message:
            `Query node count ${nodes} exceeds the limit of 50000 (MAX_QUERY_NODES). ` +
            'Ask for smaller pages (`first`/`last`) or nest fewer connections.',
          extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_QUERY_NODES', maximum: 50000, actual: nodes },
        },
      ],
      extensions: {
        cost: {
          requestedNodes: nodes,
          estimatedUpstreamCalls: 101,
          actualUpstreamCalls: 0,
          limits: { maxNodes: 50000, maxUpstreamCalls: 1000 },
        },
      },
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('per-GPU series count once per GPU of an 8-GPU pod: 3 pods × 15 per-GPU types × 1000 samples is refused', async () => {
    gw.reset();
    const perGpu = ALL_TYPES.filter((t) => t?.endsWith('_PER_GPU'));
    const res = await gw.post({ query: bomb(1000, 3, perGpu) });
    const nodes = 3 + 3 * 15 * 8 * 1001;
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      {
        message:
          `Query node count ${nodes} exceeds the limit of 50000 (MAX_QUERY_NODES). ` +
          'Ask for smaller pages (`first`/`last`) or nest fewer connections.',
        extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_QUERY_NODES', maximum: 50000, actual: nodes },
      },
    ]);
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a dashboard-sized metrics query passes and reports its samples as nodes', async () => {
    gw.reset();
    const res = await gw.post({
      query: bomb(60, 5, ['GPU_UTILIZATION', 'GPU_UTILIZATION', 'CPU_USAGE_CORES']),
    });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.extensions?.cost).toEqual({
      requestedNodes: 5 + 5 * 2 * 61,
      estimatedUpstreamCalls: 6,
      actualUpstreamCalls: 6,
      limits: { maxNodes: 50000, maxUpstreamCalls: 1000 },
    });
  });
});
