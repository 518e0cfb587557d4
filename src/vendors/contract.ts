/**
 * The contract every upstream vendor folder implements and exports from its `index.ts`. The rest
 * of the gateway knows a vendor only through it: `registry.ts` lists the vendors, and the
 * configuration, the per-request context, the schema, the cost estimate, the upstream pools, log
 * redaction and the simulators loop over that list. Relations between vendors live in
 * `src/joins/`, which uses each vendor's public surface (its index.ts) and nothing deeper.
 */
import type { ErrorCode } from '../errors.js';
import type { CostTables } from '../graphql/cost.js';
import type { SelectedFields } from '../graphql/selection.js';
import type { SimulatorServer, VendorSimulatorOptions } from '../simulators/harness.js';
import type { ChangeDetector } from '../subscriptions/changes.js';
import type { UpstreamSession } from '../upstream/http.js';

/** The environment as configuration reads it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What a vendor's per-request API is built from. */
export interface VendorApiDeps<Settings> {
  /** The request's access to this vendor: its credential, deadline and call memo. */
  session: UpstreamSession;
  /** The vendor's own settings, as its `readSettings` returned them. */
  settings: Settings;
  /** The fields the operation selects per GraphQL type (for pushdown), known once it is resolved. */
  selected: () => SelectedFields;
  /**
   * Fields the joins need on a type whatever the operation selects (e.g. a node pool's
   * annotations when one of them names the pool on another vendor), by GraphQL type and field.
   */
  alwaysSelected: Readonly<Record<string, readonly string[]>>;
}

/** A GraphQL type that implements Node (and a federation entity), served by one vendor. */
export interface NodeType<Api> {
  typename: string;
  /**
   * Fields besides `id` that identify an object on their own (federation `@key`s), each holding
   * the key of its global ID (e.g. a Fireworks resource `name`).
   */
  naturalKeys?: readonly string[];
  /** Checks a key without I/O; throws BAD_USER_INPUT when it cannot name an object of this type. */
  checkKey(key: string): void;
  /**
   * Given the key inside a global ID of this type, returns the object through the request's
   * loaders; throws NOT_FOUND (or the upstream's error) when there is none.
   */
  load(key: string, api: Api, id: string): Promise<unknown>;
}

/** A subscription field a vendor serves (`batchJobEvents`, ...), polled through its API. */
export interface LiveSource<Api> {
  /** The Subscription field (schema/subscriptions.graphql). */
  field: string;
  /** Validates the field's filter argument (throws BAD_USER_INPUT) and returns its change detector. */
  detector(filter: unknown): ChangeDetector<Api>;
}

/** One upstream vendor, as the gateway plugs it in. */
export interface VendorModule<Id extends string = string, Api = unknown, Settings = unknown> {
  /** Lower-case id: the key of its configuration, context entry and `extensions.upstream`. */
  id: Id;
  /** The vendor's name in messages ("Fireworks answered HTTP 503"). */
  label: string;
  /** Prefix of its variables: `<PREFIX>_BASE_URL`, `<PREFIX>_<KNOB>` for resilience knobs. */
  configPrefix: string;
  /** The variable that holds its credential (e.g. `RUNAI_TOKEN`). */
  credentialVariable: string;
  /** Demo mode: the credential and port of its embedded simulator (documented in the README). */
  demo: { credential: string; simulatorPort: number };
  /** Reads the vendor's own settings (e.g. the Fireworks account); `fail` names the variable. */
  readSettings(env: Env, fail: (message: string) => never): Settings;
  /** The request header that carries a caller's own credential for this vendor. */
  credentialHeader: string;
  /** Given a non-2xx answer, returns the gateway code its error body names (else the status decides). */
  errorCode(status: number, body: unknown): ErrorCode | undefined;
  /** Makes the vendor's loaders and connections for one GraphQL request. */
  createApi(deps: VendorApiDeps<Settings>): Api;
  /** Resolvers of the vendor's types and root fields (codegen-typed in the vendor folder). */
  resolvers: object;
  /** Its Node types: global-ID lookups for `node`, `nodes` (and federation entities). */
  nodeTypes: readonly NodeType<Api>[];
  /** Its subscription fields, with the cheapest change detection its API allows. */
  liveSources?: readonly LiveSource<Api>[];
  /** What its connections, fields and lookups cost, for the estimate (graphql/cost.ts). */
  cost: CostTables;
  /** Makes its simulator over the shared world. */
  createSimulator(options: VendorSimulatorOptions): SimulatorServer;
}

/** Declares a vendor module, keeping its literal id and its API and settings types. */
export function defineVendor<Id extends string, Api, Settings>(
  vendor: VendorModule<Id, Api, Settings>,
): VendorModule<Id, Api, Settings> {
  return vendor;
}
