/**
 * The Gitpod / Ona simulator: `POST /gitpod.v1.PrebuildService/ListWarmPools` over the Connect
 * protocol (unary, JSON), serving `generateGitpodData(world)`.
 *
 * Contract (each point as a Connect server built with connect-go behaves):
 * - Only POST reaches the procedure; any other method answers 405 with `Allow: POST` and no body.
 * - The request Content-Type must be `application/json`, optionally with `charset=utf-8`;
 *   anything else (or none) answers 415 with `Accept-Post` and no body.
 * - `Connect-Protocol-Version`, when sent, must be "1" (else 400 `invalid_argument`).
 * - The body and the query string are read by `readListWarmPoolsRequest` (its header states the
 *   rules); a bad request answers 400 `invalid_argument`.
 * - Pools match a filter when their projectId is in `projectIds` (if non-empty) and their
 *   environmentClassId is in `environmentClassIds` (if non-empty); they are listed in the default
 *   order (createdAt, then id). `pagination.nextToken` is omitted on the last page.
 * - Every error with a body is `{"code": "<connect code>", "message": "..."}` at the status the
 *   Connect specification maps the code to (401 `unauthenticated` for a missing or wrong token).
 */
import {
  SimulatorServer,
  harnessOptions,
  type SimRequest,
  type SimResponse,
  type SimRoute,
  type VendorProtocol,
  type VendorSimulatorOptions,
} from '../../../simulators/harness.js';
import { connectCodeForHttpStatus } from '../connect-errors.js';
import { generateGitpodData, type WireWarmPool } from './data.js';
import { createGitpodMotion } from './motion.js';
import { readListWarmPoolsRequest, type WarmPoolFilter } from './list-warm-pools-request.js';
import { decodePageToken, encodePageToken, fingerprintFilter } from './page-token.js';
import type { components } from '../wire.gen.js';

export { generateGitpodData, compareDefaultOrder, WARM_POOL_PHASES } from './data.js';
export type { GitpodData, WireWarmPool, WarmPoolPhase } from './data.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list-warm-pools-request.js';

/** The path of the ListWarmPools procedure. */
export const LIST_WARM_POOLS_PATH = '/gitpod.v1.PrebuildService/ListWarmPools';
/** The operation name under which statistics and faults count ListWarmPools calls. */
export const LIST_WARM_POOLS_OPERATION = 'ListWarmPools';
/** The request content types the procedure accepts, as its 415 answer lists them. */
export const ACCEPTED_CONTENT_TYPES = 'application/json, application/json; charset=utf-8';

type ListWarmPoolsResponse = components['schemas']['ListWarmPoolsResponse'];

/**
 * How Gitpod words errors: the Connect error body at the given status; 405 and 415 are answered
 * without a body, as Connect's protocol negotiation does.
 */
export const gitpodConnectProtocol: VendorProtocol = {
  vendor: 'gitpod',
  error(status: number, message: string): SimResponse {
    if (status === 405) return { status, rawBody: '', headers: { allow: 'POST' } };
    if (status === 415) return { status, rawBody: '', headers: { 'accept-post': ACCEPTED_CONTENT_TYPES } };
    return { status, body: { code: connectCodeForHttpStatus(status), message } };
  },
};

/** Creates the Gitpod simulator over `generateGitpodData(options.world)`; call `listen()` to serve it. */
export function createGitpodSimulator(options: VendorSimulatorOptions): SimulatorServer {
  const { warmPools } = generateGitpodData(options.world);
  options.world.motion.register('gitpod', createGitpodMotion(warmPools));
  const route: SimRoute = {
    method: 'POST',
    path: LIST_WARM_POOLS_PATH,
    operation: LIST_WARM_POOLS_OPERATION,
    handle: (request) => listWarmPools(warmPools, request),
  };
  return new SimulatorServer(gitpodConnectProtocol, [route], harnessOptions(options));
}

function listWarmPools(warmPools: readonly WireWarmPool[], request: SimRequest): SimResponse {
  const invalid = (message: string): SimResponse => gitpodConnectProtocol.error(400, message);

  if (!isAcceptedContentType(request.headers['content-type'])) {
    return gitpodConnectProtocol.error(415, `unsupported content type ${request.headers['content-type']}`);
  }
  const version = request.headers['connect-protocol-version'];
  if (version !== undefined && version !== '1') {
    return invalid(`Connect-Protocol-Version must be "1": got "${String(version)}"`);
  }
  const read = readListWarmPoolsRequest(request.rawBody, request.query);
  if (!read.ok) return invalid(read.message);
  const { pageSize, token, filter } = read.request;

  let offset = 0;
  if (token !== undefined) {
    const decoded = decodePageToken(token);
    if (!decoded)
      return invalid(`invalid pagination token "${token}": not a token returned by ListWarmPools`);
    if (decoded.filterFingerprint !== fingerprintFilter(filter)) {
      return invalid(
        `pagination token "${token}" was issued for a different filter; send the filter of the request that returned it`,
      );
    }
    offset = decoded.offset;
  }

  const matching = warmPools.filter(matches(filter));
  const page = matching.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  const body: ListWarmPoolsResponse = {
    pagination: next < matching.length ? { nextToken: encodePageToken(next, filter) } : {},
    warmPools: page,
  };
  return { status: 200, body };
}

function matches(filter: WarmPoolFilter): (pool: WireWarmPool) => boolean {
  const projects = new Set(filter.projectIds);
  const classes = new Set(filter.environmentClassIds);
  return (pool) =>
    (projects.size === 0 || projects.has(pool.metadata.projectId ?? '')) &&
    (classes.size === 0 || classes.has(pool.metadata.environmentClassId ?? ''));
}

/** Accepts `application/json` with at most a `charset=utf-8` parameter (case-insensitive). */
function isAcceptedContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((param) => /^charset\s*=\s*"?utf-8"?$/.test(param));
}
