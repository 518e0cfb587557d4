/**
 * Pod.namespace, Pod.statusReason and Pod.podGroupId: data only Run:ai's deprecated getPods
 * carries, fetched once per Run:ai cluster per request and joined by pod id, compared with the
 * simulator's records through the seed's documented legacy mapping (restated here).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateRunaiData, type RunaiWorkload } from '../../src/vendors/runai/simulator/data.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CREDENTIALS, groundTruth, type Fleet, type RunaiPod } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
let workloads: Map<string, RunaiWorkload>;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
  workloads = new Map(generateRunaiData(gw.world).workloads.map((w) => [w.id, w]));
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

const STATUS: Record<string, string> = {
  Succeeded: 'Completed',
  Failed: 'Error',
  Running: 'Running',
  Unknown: 'Unknown',
};
const statusOf = (p: RunaiPod) => STATUS[p.k8sPhase] ?? (p.nodeName ? 'ContainerCreating' : 'Pending');

describe('legacy getPods data on Pod', () => {
  it('a page of pods across every cluster: one getPods per cluster, joined by pod id', async () => {
    const pods = fleet.pods.slice(0, 60);
    const res = await gw.post({
      query: `{ pods(first: 60) { nodes { podId namespace statusReason podGroupId } } }`,
    });
    expect(res.data).toEqual({
      pods: {
        nodes: pods.map((p) => ({
          podId: p.id,
          namespace: workloads.get(p.workloadId)!.namespace,
          statusReason: statusOf(p),
          podGroupId: workloads.get(p.workloadId)!.podGroupId,
        })),
      },
    });
    const clusters = [...new Set(pods.map((p) => p.clusterId))].sort();
    expect(clusters.length).toBeGreaterThan(1);
    const legacy = gw
      .requests('runai')
      .filter((r) => r.operation === 'getPods')
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(legacy).toEqual(
      clusters.map((uuid) => ({
        operation: 'getPods',
        method: 'GET',
        path: `/v1/k8s/clusters/${uuid}/pods`,
        query: {},
        body: null,
        credential: CREDENTIALS.runai.masked,
        status: 200,
      })),
    );
    expect(gw.calls().runai).toEqual({ list_pods: 1, getPods: clusters.length });
  });

  it('the statuses getPods adds beyond the phase are reachable (ContainerCreating, Error)', async () => {
    const pending = fleet.pods.find((p) => p.k8sPhase === 'Pending' && p.nodeName)!;
    const res = await gw.post({
      query: `query($w: ID!) { workloadPods(workloadId: $w, first: 100) { nodes { podId phase statusReason } } }`,
      variables: { w: pending.workloadId },
    });
    const nodes = (res.data as { workloadPods: { nodes: { podId: string; statusReason: string }[] } })
      .workloadPods.nodes;
    expect(nodes.find((n) => n.podId === pending.id)?.statusReason).toBe('ContainerCreating');
    expect(gw.calls().runai).toEqual({ get_workload_pods: 1, getPods: 1 });
  });
});
