/**
 * Test helpers for the Fireworks simulator: start it on an ephemeral port, call it over real
 * HTTP, validate every answer against schema/upstream/fireworks.openapi.yaml, walk paged lists,
 * and the plain-JS orderings and quoting the tests use as independent expectations.
 */
import { expect } from 'vitest';
import type { SimulatorServer } from '../../src/simulators/harness.js';
import { createWorld, type World } from '../../src/simulators/world.js';
import {
  createFireworksSimulator,
  generateFireworksData,
  type FireworksData,
} from '../../src/vendors/fireworks/simulator/index.js';
import { byCodeUnit } from './ground-truth.js';
import { getWithBearer, type JsonResponse } from './http.js';
import { createOpenApiValidator } from './openapi.js';

/** The only credential the test simulators accept. */
export const FIREWORKS_TEST_KEY = 'fw-test-key-5c9e';
/** The account the default world serves. */
export const ACCOUNT = 'fleetgraph-demo';

/** A Fireworks simulator's answer. */
export type FireworksResponse = JsonResponse;

export interface FireworksHarness {
  sim: SimulatorServer;
  url: string;
  world: World;
  data: FireworksData;
  /** GETs `path` with the query and the test key (`null`: no Authorization header). */
  get(path: string, query?: Record<string, string>, key?: string | null): Promise<FireworksResponse>;
}

/** Starts a simulator over `createWorld(options)` and regenerates its data independently. */
export async function startFireworks(
  options: Parameters<typeof createWorld>[0] = {},
): Promise<FireworksHarness> {
  const world = createWorld(options);
  const sim = createFireworksSimulator({ world, credential: FIREWORKS_TEST_KEY });
  const url = await sim.listen(0);
  return {
    sim,
    url,
    world,
    data: generateFireworksData(createWorld(options)),
    get: (path, query = {}, key = FIREWORKS_TEST_KEY) =>
      getWithBearer(`${url}${path}`, new URLSearchParams(query), key),
  };
}

const validator = createOpenApiValidator('fireworks');

/** Asserts that a body matches what the OpenAPI document gives the operation for the status. */
export function expectValidResponse(operationId: string, status: number, body: unknown): void {
  expect(validator.errors(operationId, status, body), `${operationId} HTTP ${status}`).toEqual([]);
}

/** The list operations: operationId, path below the account, response field. */
export const LISTS = {
  ListClusters: { path: 'clusters', field: 'clusters' },
  ListNodePools: { path: 'nodePools', field: 'nodePools' },
  ListBatchJobs: { path: 'batchJobs', field: 'batchJobs' },
} as const;

export type ListOperation = keyof typeof LISTS;

/** One page of a walk: what was asked and what came back. */
export interface WalkedPage {
  status: number;
  items: { name: string }[];
  nextPageToken?: string;
  totalSize: number;
}

/**
 * Walks a list to its end with a page size and fixed query, validating every page against the
 * OpenAPI document; fails if a page is not 200 or the walk takes more than `maxPages` pages.
 */
export async function walk(
  fw: FireworksHarness,
  operation: ListOperation,
  query: Record<string, string>,
  maxPages = 1000,
): Promise<WalkedPage[]> {
  const pages: WalkedPage[] = [];
  let pageToken: string | undefined;
  do {
    const res = await fw.get(`/v1/accounts/${ACCOUNT}/${LISTS[operation].path}`, {
      ...query,
      ...(pageToken ? { pageToken } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectValidResponse(operation, res.status, res.body);
    const body = res.body as Record<string, unknown>;
    const page: WalkedPage = {
      status: res.status,
      items: (body[LISTS[operation].field] as { name: string }[] | undefined) ?? [],
      totalSize: body.totalSize as number,
      ...(typeof body.nextPageToken === 'string' ? { nextPageToken: body.nextPageToken } : {}),
    };
    pages.push(page);
    pageToken = page.nextPageToken;
    if (pages.length > maxPages) throw new Error(`${operation} did not end within ${maxPages} pages`);
  } while (pageToken);
  return pages;
}

/** Every batch job state, in the order of the documented enum (the order `orderBy: state` sorts by). */
export const BATCH_JOB_STATES = [
  'STATE_UNSPECIFIED',
  'CREATING',
  'QUEUED',
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLING',
  'CANCELLED',
  'DELETING',
];

/** Sorts a copy by the comparators in turn, then by `name` ascending. */
export function sortedBy<T extends { name: string }>(
  items: readonly T[],
  ...keys: ((a: T, b: T) => number)[]
): T[] {
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const result = key(a, b);
      if (result !== 0) return result;
    }
    return byCodeUnit(a.name, b.name);
  });
}

/** Quotes a value as an AIP-160 string literal, written independently of the simulator. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
