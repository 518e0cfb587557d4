/**
 * A minimal ListWarmPools client for the Gitpod simulator tests: it speaks plain HTTP with
 * `fetch`, and checks every answer against schema/upstream/gitpod.openapi.yaml before handing it
 * to the test (a JSON body against the documented schema of its status; an empty body only where
 * the document declares a status without content).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SimulatorServer } from '../../src/simulators/harness.js';
import type { World } from '../../src/simulators/world.js';
import { createGitpodSimulator } from '../../src/vendors/gitpod/simulator/index.js';
import { createOpenApiValidator, loadOpenApi } from './openapi.js';

export const GITPOD_CREDENTIAL = 'gitpod-test-token-9f3a';
export const LIST_WARM_POOLS = '/gitpod.v1.PrebuildService/ListWarmPools';

const validator = createOpenApiValidator('gitpod');
type OpenApiPaths = Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
const documentedResponses =
  (loadOpenApi('gitpod').paths as OpenApiPaths)[LIST_WARM_POOLS]?.post?.responses ?? {};

export interface CallOptions {
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  /** A value to send as JSON, or a string sent verbatim. Default `{}`. */
  body?: unknown;
  /** Default `POST`. */
  method?: string;
  /** Default `application/json`; null sends no Content-Type. */
  contentType?: string | null;
  /** Default the test credential; null sends no Authorization header. */
  credential?: string | null;
  headers?: Record<string, string>;
  path?: string;
  signal?: AbortSignal;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the raw text when it is empty or not JSON. */
  body: unknown;
  text: string;
}

/** Calls the simulator at `baseUrl` and validates the answer against the OpenAPI document. */
export async function callListWarmPools(baseUrl: string, options: CallOptions = {}): Promise<CallResult> {
  const url = new URL((options.path ?? LIST_WARM_POOLS).replace(/^\//, ''), `${baseUrl}/`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const method = options.method ?? 'POST';
  const headers: Record<string, string> = { ...options.headers };
  const credential = options.credential === undefined ? GITPOD_CREDENTIAL : options.credential;
  if (credential !== null) headers.authorization = `Bearer ${credential}`;
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const value = options.body === undefined ? {} : options.body;
    body = typeof value === 'string' ? value : JSON.stringify(value);
    if (contentType !== null) headers['content-type'] = contentType;
  }
  const response = await fetch(url, { method, headers, body, signal: options.signal });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? text : (JSON.parse(text) as unknown);
  } catch {
    parsed = text;
  }
  const result = { status: response.status, headers: response.headers, body: parsed, text };
  if (url.pathname === LIST_WARM_POOLS) assertDocumented(result);
  return result;
}

/** Throws unless the answer matches the OpenAPI document. */
export function assertDocumented(result: CallResult): void {
  if (result.text === '') {
    const documented = documentedResponses[String(result.status)];
    if (!documented || documented.content !== undefined) {
      throw new Error(
        `HTTP ${result.status} answered an empty body, which the OpenAPI document does not declare`,
      );
    }
    return;
  }
  const errors = validator.errors('ListWarmPools', result.status, result.body);
  if (errors.length > 0) {
    throw new Error(`HTTP ${result.status} body does not match the OpenAPI document: ${errors.join('; ')}`);
  }
}

export interface WalkOptions {
  pageSize?: number;
  filter?: { projectIds?: string[]; environmentClassIds?: string[] };
  /** Where to send the token and page size: the query string (as the SDK does) or the body. */
  via: 'query' | 'body';
}

export interface Walk {
  pages: Array<{ warmPools: Array<{ id?: string }>; pagination: { nextToken?: string } }>;
  ids: string[];
}

/** Follows `nextToken` from the first page to the last, failing on any non-200 answer. */
export async function walkWarmPools(baseUrl: string, options: WalkOptions): Promise<Walk> {
  const pages: Walk['pages'] = [];
  let token: string | undefined;
  do {
    const pagination = { pageSize: options.pageSize, token };
    const result = await callListWarmPools(baseUrl, {
      query: options.via === 'query' ? pagination : {},
      body: {
        ...(options.filter ? { filter: options.filter } : {}),
        ...(options.via === 'body' ? { pagination } : {}),
      },
    });
    if (result.status !== 200)
      throw new Error(`page ${pages.length + 1}: HTTP ${result.status} ${result.text}`);
    const page = result.body as Walk['pages'][number];
    pages.push(page);
    token = page.pagination.nextToken;
    if (pages.length > 1000) throw new Error('walk did not end after 1000 pages');
  } while (token !== undefined);
  return { pages, ids: pages.flatMap((page) => page.warmPools.map((pool) => pool.id ?? '')) };
}

/**
 * Shares one Gitpod simulator of `world` among a file's tests: starts it before the first (and
 * hands it and its URL to `use`), resets it before each, closes it after the last.
 */
export function shareGitpodSimulator(
  world: World,
  use: (shared: { sim: SimulatorServer; url: string }) => void,
): void {
  let sim: SimulatorServer | undefined;
  beforeAll(async () => {
    sim = createGitpodSimulator({ world, credential: GITPOD_CREDENTIAL });
    use({ sim, url: await sim.listen(0) });
  });
  afterAll(() => sim?.close());
  beforeEach(() => sim?.reset());
}
