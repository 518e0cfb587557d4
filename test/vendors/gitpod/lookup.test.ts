/**
 * Warm pools by ID, planned before any call (src/vendors/gitpod/lookup.ts): the cheapest of one
 * list over every project × class, one per project, or one per class, each walk capped at the
 * pages one warm pool per project and class can fill. The cost estimate counts the same plan.
 */
import { describe, expect, it } from 'vitest';
import { planWarmPoolLookup, warmPoolLookupCalls } from '../../../src/vendors/gitpod/lookup.js';

const scope = (projectId: string, environmentClassId: string) => ({ projectId, environmentClassId });

describe('planWarmPoolLookup', () => {
  it('plans nothing for no warm pools', () => {
    expect(planWarmPoolLookup([])).toEqual([]);
    expect(warmPoolLookupCalls([])).toBe(0);
  });

  it('one list over every project and class when their pairs fit a page', () => {
    const scopes = [scope('p2', 'c1'), scope('p1', 'c2'), scope('p1', 'c1'), scope('p2', 'c3')];
    expect(planWarmPoolLookup(scopes)).toEqual([
      { filter: { projectIds: ['p1', 'p2'], environmentClassIds: ['c1', 'c2', 'c3'] }, maxPages: 1 },
    ]);
    expect(warmPoolLookupCalls(scopes)).toBe(1);
  });

  it('one list per class when few classes span many projects', () => {
    // 150 projects × 3 classes: 450 pairs, 5 pages over all; per class 3 lists of 50 projects, 1
    // page each; per project 150 lists.
    const wide = Array.from({ length: 150 }, (_, i) => scope(`p${String(i).padStart(3, '0')}`, `c${i % 3}`));
    const plan = planWarmPoolLookup(wide);
    expect(
      plan.map((walk) => [walk.filter.environmentClassIds, walk.filter.projectIds?.length, walk.maxPages]),
    ).toEqual([
      [['c0'], 50, 1],
      [['c1'], 50, 1],
      [['c2'], 50, 1],
    ]);
    expect(warmPoolLookupCalls(wide)).toBe(3);
  });

  it('one list per project when few projects span many classes', () => {
    const scopes = [scope('p1', 'c1'), scope('p1', 'c2'), scope('p2', 'c3'), scope('p3', 'c4')];
    // All: 3 × 4 = 12 pairs, 1 page: still the cheapest (1 call).
    expect(planWarmPoolLookup(scopes)).toHaveLength(1);
    const many = Array.from({ length: 300 }, (_, i) => scope(`p${i % 2}`, `c${String(i).padStart(3, '0')}`));
    // All: 2 × 300 = 600 pairs (6 pages); per project: 2 lists of 150 classes (2 pages each), 4.
    expect(planWarmPoolLookup(many).map((walk) => [walk.filter.projectIds, walk.maxPages])).toEqual([
      [['p0'], 2],
      [['p1'], 2],
    ]);
    expect(warmPoolLookupCalls(many)).toBe(4);
  });
});
