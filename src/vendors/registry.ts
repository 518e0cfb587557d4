/**
 * The one list of upstream vendors. Everything that works per vendor — configuration, the
 * per-request context, the schema's resolvers and Node types, the cost estimate, the upstream
 * pools, log redaction, the simulators and demo mode — loops over `VENDORS`; adding a vendor is
 * adding it here (docs/architecture.md has the checklist).
 */
import type { VendorModule } from './contract.js';
import { fireworks } from './fireworks/index.js';
import { gitpod } from './gitpod/index.js';
import { runai } from './runai/index.js';

/** Every vendor, in the order configuration, logs and /readyz list them. */
export const VENDORS = [fireworks, runai, gitpod] as const;

/** A vendor's id. */
export type VendorId = (typeof VENDORS)[number]['id'];

type ModuleOf<Id extends VendorId> = Extract<(typeof VENDORS)[number], { id: Id }>;

/** Each vendor's per-request API, by vendor id. */
export type VendorApis = { [Id in VendorId]: ReturnType<ModuleOf<Id>['createApi']> };

/** Each vendor's own settings, by vendor id. */
export type VendorSettings = { [Id in VendorId]: ReturnType<ModuleOf<Id>['readSettings']> };

/** Every vendor, typed as the contract (for loops that need no vendor's own types). */
export const VENDOR_MODULES: readonly VendorModule[] = VENDORS;
