/**
 * The Fireworks data set: a pure function of the world, covering every cluster and pool of the
 * world, every enum value and executor kind, and internally consistent (names, pool ids, stats,
 * the seed's exclusivity rules, timestamps in state order).
 */
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/simulators/world.js';
import { generateFireworksData } from '../../../src/vendors/fireworks/simulator/index.js';
import { BATCH_JOB_STATES, expectValidResponse } from '../../helpers/fireworks-sim.js';

const world = createWorld();
const data = generateFireworksData(world);

describe('generateFireworksData', () => {
  it('is deterministic and depends on the seed', () => {
    expect(generateFireworksData(createWorld())).toEqual(data);
    expect(generateFireworksData(createWorld({ seed: 7 })).batchJobs[0]).not.toEqual(data.batchJobs[0]);
  });

  it('has the documented counts at scale 1', () => {
    expect({
      clusters: data.clusters.length,
      nodePools: data.nodePools.length,
      batchJobs: data.batchJobs.length,
    }).toEqual({ clusters: 4, nodePools: 17, batchJobs: 900 });
  });

  it('renders every world cluster and pool under its hierarchical name', () => {
    expect(data.clusters.map((c) => c.name)).toEqual(
      world.clusters.map((c) => `accounts/fleetgraph-demo/clusters/${c.id}`),
    );
    expect(data.nodePools.map((p) => p.name)).toEqual(
      world.clusters.flatMap((c) =>
        c.nodePools.map((p) => `accounts/fleetgraph-demo/clusters/${c.id}/nodePools/${p.id}`),
      ),
    );
  });

  it('gives each pool exactly its world batchJobCount jobs, named under the pool cluster', () => {
    for (const cluster of world.clusters) {
      for (const pool of cluster.nodePools) {
        const jobs = data.batchJobs.filter((j) => j.nodePoolId === pool.id);
        expect(jobs.length).toBe(pool.batchJobCount);
        for (const job of jobs) {
          expect(job.name).toMatch(
            new RegExp(`^accounts/fleetgraph-demo/clusters/${cluster.id}/batchJobs/\\d{9}$`),
          );
        }
      }
    }
    expect(new Set(data.batchJobs.map((j) => j.name)).size).toBe(data.batchJobs.length);
  });

  it('validates against the OpenAPI schemas', () => {
    expectValidResponse('ListClusters', 200, { clusters: data.clusters, totalSize: 4 });
    expectValidResponse('ListNodePools', 200, { nodePools: data.nodePools, totalSize: 17 });
    expectValidResponse('ListBatchJobs', 200, { batchJobs: data.batchJobs, totalSize: 900 });
  });

  it('uses the backend sub-message of its cluster and instance types matching the accelerator', () => {
    const instance = { h100: 'p5.48xlarge', a100: 'p4d.24xlarge', l4: 'g6.12xlarge', cpu: 'm7i.8xlarge' };
    for (const cluster of world.clusters) {
      const record = data.clusters.find((c) => c.name.endsWith(`/${cluster.id}`));
      expect(record?.eksCluster !== undefined).toBe(cluster.backend === 'eks');
      expect(record?.fakeCluster !== undefined).toBe(cluster.backend === 'fake');
      for (const pool of cluster.nodePools) {
        const p = data.nodePools.find((n) => n.name.endsWith(`/nodePools/${pool.id}`));
        if (cluster.backend === 'eks') {
          expect(p?.fakeNodePool).toBeUndefined();
          expect(p?.eksNodePool?.instanceType).toBe(instance[pool.accelerator]);
          expect(p?.eksNodePool?.spot).toBe(pool.id.includes('-spot-'));
        } else {
          expect(p?.eksNodePool).toBeUndefined();
          expect(p?.fakeNodePool?.numNodes).toBe(p?.nodePoolStats?.nodeCount);
        }
      }
    }
    expect(data.clusters.filter((c) => c.fakeCluster).length).toBe(1);
  });

  it('keeps node counts within bounds and puts pools in every non-default state', () => {
    for (const p of data.nodePools) {
      const { minNodeCount = 0, maxNodeCount = 0, overprovisionNodeCount = 0 } = p;
      expect(minNodeCount).toBeLessThanOrEqual(maxNodeCount);
      expect(overprovisionNodeCount).toBeLessThanOrEqual(Math.min(minNodeCount, maxNodeCount - minNodeCount));
      expect(p.nodePoolStats?.nodeCount).toBeLessThanOrEqual(maxNodeCount);
      if (p.state === 'FAILED') expect(p.status?.code).not.toBe('OK');
      if (p.state !== 'READY') expect(p.status?.message).not.toBe('');
    }
    expect(new Set(data.nodePools.map((p) => p.state))).toEqual(
      new Set(['READY', 'CREATING', 'FAILED', 'DELETING']),
    );
  });

  it('counts jobs and ranks per state in nodePoolStats exactly as the jobs are', () => {
    for (const p of data.nodePools) {
      const poolId = p.name.split('/').pop();
      const jobs = data.batchJobs.filter((j) => j.nodePoolId === poolId);
      const count: Record<string, number> = {};
      const ranks: Record<string, number> = {};
      for (const j of jobs) {
        count[j.state as string] = (count[j.state as string] ?? 0) + 1;
        ranks[j.state as string] = (ranks[j.state as string] ?? 0) + (j.numRanks ?? 0);
      }
      expect(p.nodePoolStats?.batchJobCount).toEqual(count);
      expect(p.nodePoolStats?.batchJobRanks).toEqual(ranks);
    }
  });

  it('represents every job state and executor kind, one executor per job', () => {
    expect(new Set(data.batchJobs.map((j) => j.state))).toEqual(new Set(BATCH_JOB_STATES));
    const kinds = data.batchJobs.map((j) => {
      const set = [
        j.pythonExecutor && `python:${j.pythonExecutor.targetType}`,
        j.notebookExecutor && 'notebook',
        j.shellExecutor && 'shell',
      ];
      expect(set.filter(Boolean).length).toBe(1);
      return set.find(Boolean);
    });
    expect(new Set(kinds)).toEqual(new Set(['python:MODULE', 'python:FILENAME', 'notebook', 'shell']));
    expect(data.batchJobs.some((j) => (j.pythonExecutor?.args?.length ?? 0) > 0)).toBe(true);
  });

  it('keeps imageRef exclusive of environmentId, and snapshotId only with environmentId', () => {
    for (const j of data.batchJobs) {
      expect(j.imageRef !== undefined).toBe(j.environmentId === undefined);
      if (j.snapshotId !== undefined) expect(j.environmentId).toBeDefined();
    }
    expect(data.batchJobs.some((j) => j.snapshotId !== undefined)).toBe(true);
  });

  it('orders create ≤ start ≤ end ≤ update and sets start/end by state', () => {
    for (const j of data.batchJobs) {
      const [c, s, e, u] = [j.createTime, j.startTime, j.endTime, j.updateTime].map((x) =>
        x ? Date.parse(x) : undefined,
      );
      expect(c).toBeDefined();
      if (s !== undefined) expect(s).toBeGreaterThanOrEqual(c as number);
      if (e !== undefined) expect(e).toBeGreaterThanOrEqual(s ?? (c as number));
      expect(u).toBeGreaterThanOrEqual(Math.max(c as number, s ?? 0, e ?? 0));
      if (['RUNNING', 'COMPLETED', 'CANCELLING'].includes(j.state as string)) expect(s).toBeDefined();
      if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.state as string)) expect(e).toBeDefined();
      if (
        ['CREATING', 'QUEUED', 'PENDING', 'STATE_UNSPECIFIED', 'RUNNING', 'CANCELLING'].includes(
          j.state as string,
        )
      ) {
        expect(e).toBeUndefined();
      }
      if (['CREATING', 'QUEUED', 'PENDING', 'STATE_UNSPECIFIED'].includes(j.state as string))
        expect(s).toBeUndefined();
      expect(j.createdBy).toMatch(/^[a-z.+-]+@fleetgraph\.dev$/);
      expect((j.displayName ?? '').length).toBeLessThan(64);
    }
  });

  it('includes hostile display names and createTime ties', () => {
    const displayNames = data.batchJobs.map((j) => j.displayName ?? '');
    for (const ch of ['"', "'", '\\', ',', '*', ':'])
      expect(displayNames.some((n) => n.includes(ch))).toBe(true);
    const times = data.batchJobs.map((j) => j.createTime);
    expect(new Set(times).size).toBeLessThan(times.length - 20);
    const poolTimes = data.nodePools.map((p) => p.createTime);
    expect(new Set(poolTimes).size).toBeLessThan(poolTimes.length);
  });

  it('has annotations with "/", "." and \'"\' in keys or values', () => {
    const entries = [...data.nodePools, ...data.batchJobs].flatMap((r) =>
      Object.entries(r.annotations ?? {}),
    );
    expect(entries.some(([k]) => k.includes('/') && k.includes('.'))).toBe(true);
    expect(entries.some(([, v]) => v.includes('"'))).toBe(true);
    expect(entries.some(([, v]) => v.includes('/'))).toBe(true);
  });
});
