/**
 * The per-request context: fresh loaders for each vendor in the registry (never shared between
 * requests, so no caller sees another's data), the credential in force for each vendor, and the
 * joins between vendors.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config.js';
import { badUserInput } from '../errors.js';
import { alwaysSelectedFor, type ClusterJoin } from '../joins/index.js';
import { RequestBudget } from '../upstream/budget.js';
import { UpstreamSession, type UpstreamPool } from '../upstream/http.js';
import type { SharedUpstream } from '../upstream/shared.js';
import { VENDORS, type VendorApis, type VendorId } from '../vendors/registry.js';
import type { SelectedFields } from './selection.js';

/** The request context: each vendor's API under its id, the joins, the selection and the sessions. */
export type GatewayContext = VendorApis & {
  join: ClusterJoin;
  /** Fields selected per type in this operation (set once the operation is resolved). */
  selection: { current: SelectedFields };
  sessions: Record<VendorId, UpstreamSession>;
};

/** The process-wide upstream pools, by vendor id. */
export type UpstreamPools = Record<VendorId, UpstreamPool>;

/** The process-wide shared upstream access (coalescing, cache) over each pool, by vendor id. */
export type SharedUpstreams = Record<VendorId, SharedUpstream>;

/** Returns the context function the HTTP handler calls once per request. */
export function createContextFactory(config: Config, upstreams: SharedUpstreams, join: ClusterJoin) {
  const alwaysSelected = alwaysSelectedFor(join);
  return (headers: IncomingHttpHeaders, signal?: AbortSignal): GatewayContext => {
    const credential = (header: string, configured: string): string => {
      const raw = headers[header];
      if (raw === undefined) return configured;
      if (!config.allowCredentialHeaders) {
        throw badUserInput(`The ${header} header is disabled on this gateway.`, { http: { status: 400 } });
      }
      const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
      if (!/^[\x21-\x7e]{1,4096}$/.test(value)) {
        throw badUserInput(`The ${header} header must be a non-empty printable token.`, {
          http: { status: 400 },
        });
      }
      return value;
    };
    const selection = { current: new Map() as SelectedFields };
    const selected = () => selection.current;
    // One budget per request: every upstream call and retry wait ends at its deadline or with the
    // client, and the calls of every vendor count against one MAX_UPSTREAM_CALLS.
    const budget = new RequestBudget(config.requestDeadlineMs, signal, {
      maxCalls: config.limits.maxUpstreamCalls,
    });
    const sessions = {} as Record<VendorId, UpstreamSession>;
    const apis = {} as Record<VendorId, unknown>;
    for (const vendor of VENDORS) {
      const vendorConfig = config[vendor.id];
      const session = new UpstreamSession(
        upstreams[vendor.id],
        credential(vendor.credentialHeader, vendorConfig.credential),
        budget,
      );
      sessions[vendor.id] = session;
      apis[vendor.id] = (vendor.createApi as (deps: unknown) => unknown)({
        session,
        settings: vendorConfig,
        selected,
        alwaysSelected,
      });
    }
    return { ...(apis as VendorApis), join, selection, sessions };
  };
}
