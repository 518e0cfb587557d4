/**
 * Warm pools by ID, planned before any call. Gitpod lists warm pools filtered by sets of projects
 * and environment classes (AND between the sets), and holds one warm pool per project and class
 * (its WarmPool documentation), so a list filtered to P projects and C classes holds at most
 * P × C pools: ceil(P × C / 100) pages. The plan takes the cheapest of one list over every project
 * and class asked for, one list per project, or one list per class; each walk stops at its pages,
 * and the cost estimate counts the same plan, so the lookup never makes more calls than estimated.
 */
import { GITPOD_MAX_PAGE_SIZE, type GitpodWarmPoolFilter } from './client.js';

/** One filtered walk of a lookup and the most pages it may take. */
export interface WarmPoolLookupWalk {
  filter: GitpodWarmPoolFilter;
  maxPages: number;
}

/** What a lookup filters on: the project and class of each warm pool asked for. */
export interface WarmPoolScope {
  projectId: string;
  environmentClassId: string;
}

const pagesFor = (pairs: number) => Math.max(1, Math.ceil(pairs / GITPOD_MAX_PAGE_SIZE));

/** Given the warm pools asked for, returns the cheapest set of walks that lists all of them. */
export function planWarmPoolLookup(scopes: readonly WarmPoolScope[]): WarmPoolLookupWalk[] {
  if (scopes.length === 0) return [];
  const byProject = group(
    scopes,
    (s) => s.projectId,
    (s) => s.environmentClassId,
  );
  const byClass = group(
    scopes,
    (s) => s.environmentClassId,
    (s) => s.projectId,
  );
  const projects = [...byProject.keys()].sort();
  const classes = [...byClass.keys()].sort();
  const plans: WarmPoolLookupWalk[][] = [
    [
      {
        filter: { projectIds: projects, environmentClassIds: classes },
        maxPages: pagesFor(projects.length * classes.length),
      },
    ],
    [...byProject].map(([projectId, classIds]) => ({
      filter: { projectIds: [projectId], environmentClassIds: [...classIds].sort() },
      maxPages: pagesFor(classIds.size),
    })),
    [...byClass].map(([classId, projectIds]) => ({
      filter: { projectIds: [...projectIds].sort(), environmentClassIds: [classId] },
      maxPages: pagesFor(projectIds.size),
    })),
  ];
  const calls = (plan: WarmPoolLookupWalk[]) => plan.reduce((n, walk) => n + walk.maxPages, 0);
  return plans.reduce((best, plan) => (calls(plan) < calls(best) ? plan : best));
}

/** Given the warm pools asked for, returns the most ListWarmPools calls their lookup makes. */
export function warmPoolLookupCalls(scopes: readonly WarmPoolScope[]): number {
  return planWarmPoolLookup(scopes).reduce((n, walk) => n + walk.maxPages, 0);
}

function group<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => string) {
  const out = new Map<string, Set<string>>();
  for (const item of items) {
    const set = out.get(key(item)) ?? new Set<string>();
    set.add(value(item));
    out.set(key(item), set);
  }
  return out;
}
