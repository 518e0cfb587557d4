/**
 * The per-request context: fresh loaders for each vendor (never shared between requests, so no
 * caller sees another's data), the credential in force for each vendor, and the joins between
 * vendors.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Config, NodePoolKey } from '../config.js';
import { badUserInput } from '../errors.js';
import { RequestBudget } from '../upstream/budget.js';
import { UpstreamSession, type UpstreamPool } from '../upstream/http.js';
import { createFireworksApi, type FireworksApi } from '../vendors/fireworks/api.js';
import { createGitpodApi, type GitpodApi } from '../vendors/gitpod/api.js';
import { createRunaiApi, type RunaiApi } from '../vendors/runai/api.js';
import type { SelectedFields } from './selection.js';

/** Request headers that carry a caller's own credential for one vendor (replacing the configured one). */
export const CREDENTIAL_HEADERS = {
  fireworks: 'x-fireworks-api-key',
  runai: 'x-runai-token',
  gitpod: 'x-gitpod-api-key',
} as const;

/**
 * The joins between the vendors: Fireworks cluster ids and Run:ai cluster UUIDs, both ways, and
 * how a node pool is named on the Run:ai side.
 */
export interface ClusterJoin {
  uuidOf(clusterId: string): string | undefined;
  clusterIdOf(uuid: string): string | undefined;
  nodePoolKey: NodePoolKey;
}

export interface GatewayContext {
  fireworks: FireworksApi;
  runai: RunaiApi;
  gitpod: GitpodApi;
  join: ClusterJoin;
  /** Fields selected per type in this operation (set once the operation is resolved). */
  selection: { current: SelectedFields };
  sessions: { fireworks: UpstreamSession; runai: UpstreamSession; gitpod: UpstreamSession };
}

export interface UpstreamPools {
  fireworks: UpstreamPool;
  runai: UpstreamPool;
  gitpod: UpstreamPool;
}

/** Returns the join over a Fireworks cluster id → Run:ai UUID map. */
export function createClusterJoin(
  map: Record<string, string>,
  nodePoolKey: NodePoolKey = { kind: 'id' },
): ClusterJoin {
  const reverse = new Map(Object.entries(map).map(([id, uuid]) => [uuid.toLowerCase(), id]));
  return {
    nodePoolKey,
    uuidOf: (clusterId) => (Object.hasOwn(map, clusterId) ? map[clusterId] : undefined),
    clusterIdOf: (uuid) => reverse.get(uuid.toLowerCase()),
  };
}

/** Returns the context function Apollo Server calls once per request. */
export function createContextFactory(config: Config, pools: UpstreamPools, join: ClusterJoin) {
  return (headers: IncomingHttpHeaders, signal?: AbortSignal): GatewayContext => {
    const credential = (vendor: keyof typeof CREDENTIAL_HEADERS, configured: string): string => {
      const raw = headers[CREDENTIAL_HEADERS[vendor]];
      if (raw === undefined) return configured;
      if (!config.allowCredentialHeaders) {
        throw badUserInput(`The ${CREDENTIAL_HEADERS[vendor]} header is disabled on this gateway.`, {
          http: { status: 400 },
        });
      }
      const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
      if (!/^[\x21-\x7e]{1,4096}$/.test(value)) {
        throw badUserInput(`The ${CREDENTIAL_HEADERS[vendor]} header must be a non-empty printable token.`, {
          http: { status: 400 },
        });
      }
      return value;
    };
    const selection = { current: new Map() as SelectedFields };
    const selected = () => selection.current;
    // One budget per request: every upstream call and retry wait ends at its deadline or with the
    // client, and the calls of all three vendors count against one MAX_UPSTREAM_CALLS.
    const budget = new RequestBudget(config.requestDeadlineMs, signal, config.limits.maxUpstreamCalls);
    const sessions = {
      fireworks: new UpstreamSession(
        pools.fireworks,
        credential('fireworks', config.fireworks.credential),
        budget,
      ),
      runai: new UpstreamSession(pools.runai, credential('runai', config.runai.credential), budget),
      gitpod: new UpstreamSession(pools.gitpod, credential('gitpod', config.gitpod.credential), budget),
    };
    return {
      fireworks: createFireworksApi(
        sessions.fireworks,
        config.fireworks.accountId,
        selected,
        join.nodePoolKey,
      ),
      runai: createRunaiApi(sessions.runai, selected),
      gitpod: createGitpodApi(sessions.gitpod),
      join,
      selection,
      sessions,
    };
  };
}
