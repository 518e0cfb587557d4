/**
 * Test helpers for the Run:ai simulator: start it on an ephemeral port, call it over real HTTP,
 * validate every answer against schema/upstream/runai.openapi.yaml, and walk paged lists.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import type { SimulatorServer } from '../../src/simulators/harness.js';
import { createWorld, type World } from '../../src/simulators/world.js';
import {
  createRunaiSimulator,
  generateRunaiData,
  type RunaiData,
  type RunaiPod,
} from '../../src/vendors/runai/simulator/index.js';
import { getWithBearer, type JsonResponse } from './http.js';
import { createOpenApiValidator, loadOpenApi } from './openapi.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The only credential the test simulators accept. */
export const RUNAI_TEST_TOKEN = 'runai-test-token-7f3a';

/** A Run:ai simulator's answer. */
export type RunaiResponse = JsonResponse;

export interface RunaiHarness {
  sim: SimulatorServer;
  url: string;
  world: World;
  data: RunaiData;
  /** GETs `path` with the query (repeated keys as arrays) and the test token unless overridden. */
  get(path: string, query?: Record<string, string | string[]>, token?: string | null): Promise<RunaiResponse>;
}

/** Starts a simulator over `createWorld(options)` and regenerates its data independently. */
export async function startRunai(options: Parameters<typeof createWorld>[0] = {}): Promise<RunaiHarness> {
  const world = createWorld(options);
  const sim = createRunaiSimulator({ world, credential: RUNAI_TEST_TOKEN });
  const url = await sim.listen(0);
  const data = generateRunaiData(world);
  return {
    sim,
    url,
    world,
    data,
    async get(path, query = {}, token = RUNAI_TEST_TOKEN) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
      }
      return getWithBearer(`${url}${path}`, params, token);
    },
  };
}

const validator = createOpenApiValidator('runai');
const doc = loadOpenApi('runai');
const errorAjv = new Ajv({ strict: false, allErrors: true });
addFormats(errorAjv);
errorAjv.addSchema({ ...doc, $id: 'runai-errors' });
const validateErrorBody = errorAjv.compile({ $ref: 'runai-errors#/components/schemas/Error' });

function documentedStatuses(operationId: string): string[] {
  for (const item of Object.values(
    doc.paths as Record<string, Record<string, { operationId?: string; responses: object }>>,
  )) {
    for (const op of Object.values(item)) {
      if (op.operationId === operationId) return Object.keys(op.responses);
    }
  }
  throw new Error(`runai: no operation ${operationId}`);
}

/**
 * Asserts that a body matches the response the OpenAPI document gives the operation for the
 * status. Most operations document no 400 although the API answers malformed queries with one;
 * such bodies are checked against the document's `Error` schema, which every other error uses.
 */
export function expectValidResponse(operationId: string, status: number, body: unknown): void {
  const statuses = documentedStatuses(operationId);
  if (statuses.includes(String(status)) || statuses.includes('default')) {
    expect(validator.errors(operationId, status, body)).toEqual([]);
    return;
  }
  expect(status, `${operationId} documents no HTTP ${status}; only 400 is answered undocumented`).toBe(400);
  expect(validateErrorBody(body) ? [] : validateErrorBody.errors).toEqual([]);
}

/** The `Error` body the simulator answers with. */
export function runaiErrorBody(
  status: number,
  message: string,
): { code: number; message: string; details: string } {
  const details: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return { code: status, message, details: details[status] ?? 'Error' };
}

interface PodPage {
  pods: RunaiPod[];
  next?: number;
}

/**
 * Walks a paged pod list from offset 0, asserting on every page that it validates, holds
 * `min(limit, remaining)` pods and carries `next` exactly when more remain. `total` is the
 * expected number of pods. Returns the pods in the order served and the number of requests.
 */
export async function walkPods(
  harness: RunaiHarness,
  operationId: 'list_pods' | 'get_workload_pods',
  path: string,
  query: Record<string, string | string[]>,
  limit: number,
  total: number,
): Promise<{ pods: RunaiPod[]; requests: number }> {
  const pods: RunaiPod[] = [];
  let offset = 0;
  let requests = 0;
  for (;;) {
    const res = await harness.get(path, { ...query, offset: String(offset), limit: String(limit) });
    requests++;
    expect(res.status).toBe(200);
    expectValidResponse(operationId, 200, res.body);
    const page = res.body as PodPage;
    const remaining = total - offset;
    expect(page.pods.length).toBe(Math.min(limit, Math.max(remaining, 0)));
    pods.push(...page.pods);
    if (offset + limit < total) {
      expect(page.next).toBe(offset + limit);
      offset = page.next as number;
    } else {
      expect(page).not.toHaveProperty('next');
      return { pods, requests };
    }
  }
}

/** The brief rendering of a pod (what list_pods serves without `verbosity=full`). */
export function brief(pod: RunaiPod): RunaiPod {
  const copy: RunaiPod = { ...pod };
  delete copy.projectName;
  delete copy.workloadName;
  return copy;
}

/** An independent implementation of the documented default order: createdAt asc, then id. */
export function inDefaultOrder(pods: readonly RunaiPod[]): RunaiPod[] {
  return [...pods].sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
