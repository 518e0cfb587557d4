import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/simulators/world.js';
import { generateGitpodData, WARM_POOL_PHASES } from '../../../src/vendors/gitpod/simulator/index.js';
import { createOpenApiValidator } from '../../helpers/openapi.js';

const world = createWorld();
const { warmPools } = generateGitpodData(world);

describe('generateGitpodData', () => {
  it('is a pure function of the world', () => {
    expect(generateGitpodData(createWorld())).toEqual(generateGitpodData(createWorld()));
    expect(generateGitpodData(createWorld({ seed: 7 })).warmPools[0]).not.toEqual(warmPools[0]);
  });

  it('renders world.gitpod.warmPoolCount pools at several scales, one per distinct <project, class> pair', () => {
    expect(warmPools).toHaveLength(140);
    for (const scale of [1, 2, 10]) {
      const scaled = createWorld({ scale });
      const pools = generateGitpodData(scaled).warmPools;
      const pairs = new Set(pools.map((p) => `${p.metadata.projectId}/${p.metadata.environmentClassId}`));
      expect(pools).toHaveLength(scaled.gitpod.warmPoolCount);
      expect(pairs.size).toBe(scaled.gitpod.warmPoolCount);
      expect(new Set(pools.map((p) => p.id)).size).toBe(scaled.gitpod.warmPoolCount);
      expect(pools.every((p) => scaled.gitpod.projectIds.includes(p.metadata.projectId as string))).toBe(
        true,
      );
      expect(
        pools.every((p) =>
          scaled.gitpod.environmentClassIds.includes(p.metadata.environmentClassId as string),
        ),
      ).toBe(true);
    }
  });

  it('gives every pool the organization of the world and one runner per environment class', () => {
    expect(new Set(warmPools.map((p) => p.metadata.organizationId))).toEqual(
      new Set([world.gitpod.organizationId]),
    );
    const runnersOfClass = new Map<string, Set<string>>();
    for (const pool of warmPools) {
      const runners = runnersOfClass.get(pool.metadata.environmentClassId as string) ?? new Set<string>();
      runners.add(pool.metadata.runnerId as string);
      runnersOfClass.set(pool.metadata.environmentClassId as string, runners);
    }
    expect([...runnersOfClass.values()].every((runners) => runners.size === 1)).toBe(true);
    // Runners are shared by several classes, as real runners are.
    expect(new Set(warmPools.map((p) => p.metadata.runnerId)).size).toBeLessThan(runnersOfClass.size);
  });

  it('represents every phase, with a failure message exactly on degraded pools', () => {
    expect(new Set(warmPools.map((p) => p.status.phase))).toEqual(new Set(WARM_POOL_PHASES));
    for (const pool of warmPools) {
      expect(pool.status.failureMessage !== undefined).toBe(pool.status.phase === 'WARM_POOL_PHASE_DEGRADED');
    }
  });

  it('keeps sizes within the documented bounds, legacy pools at min = max = desiredSize', () => {
    for (const { spec } of warmPools) {
      const [min, max] = [spec.minSize as number, spec.maxSize as number];
      expect(Number.isInteger(min) && Number.isInteger(max)).toBe(true);
      expect(0 <= min && min <= max && max <= 20 && max >= 1).toBe(true);
      if (spec.desiredSize !== undefined) expect([spec.desiredSize, spec.desiredSize]).toEqual([min, max]);
    }
    expect(warmPools.some((p) => p.spec.desiredSize !== undefined)).toBe(true);
    expect(warmPools.some((p) => p.spec.desiredSize === undefined)).toBe(true);
  });

  it('omits zero-valued optional fields as protojson does, and never emits zeros for them', () => {
    for (const { status, spec } of warmPools) {
      for (const value of [status.desiredSize, status.runningInstances, status.stoppedInstances]) {
        expect(value === undefined || value > 0).toBe(true);
      }
      expect(spec.snapshotId === undefined || spec.snapshotId !== '').toBe(true);
    }
    const unreported = warmPools.find((p) => p.status.phase === 'WARM_POOL_PHASE_UNSPECIFIED');
    expect(unreported?.status).toEqual({ phase: 'WARM_POOL_PHASE_UNSPECIFIED' });
  });

  it('dates every pool in the year before the world epoch, in whole seconds, updatedAt >= createdAt', () => {
    const epoch = world.epoch.getTime();
    for (const { metadata } of warmPools) {
      expect(metadata.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(metadata.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const [created, updated] = [Date.parse(metadata.createdAt), Date.parse(metadata.updatedAt)];
      expect(created >= epoch - 365 * 86_400_000 && created <= updated && updated <= epoch).toBe(true);
    }
  });

  it('lists pools in the default order: createdAt ascending, then id', () => {
    const expected = [...warmPools].sort((a, b) =>
      a.metadata.createdAt !== b.metadata.createdAt
        ? a.metadata.createdAt < b.metadata.createdAt
          ? -1
          : 1
        : (a.id as string) < (b.id as string)
          ? -1
          : 1,
    );
    expect(warmPools.map((p) => p.id)).toEqual(expected.map((p) => p.id));
  });

  it('matches the WarmPool schema of the OpenAPI document', () => {
    const validator = createOpenApiValidator('gitpod');
    expect(validator.errors('ListWarmPools', 200, { pagination: {}, warmPools })).toEqual([]);
  });
});
