/**
 * The field catalogs of the three Fireworks resources: what `filter`, `orderBy` and `readMask`
 * may name, and what kind of value each field holds. A path names fields by their proto
 * (snake_case) or JSON (camelCase) spelling, subfields separated by '.'; everything past a map
 * field is the map key (keys such as `fleetgraph.dev/team` contain dots themselves).
 *
 * Each catalog `satisfies` the generated wire type, so a field added to the OpenAPI document
 * fails type checking here until the simulator knows how to filter, order and mask it.
 */
import type { components } from '../wire.gen.js';
import { RPC_CODE_NUMBERS } from '../rpc-status.js';
import { InvalidArgumentError } from './invalid-argument.js';

type Schemas = components['schemas'];

/** A field holding one value. */
export type ScalarField =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'bool' }
  | { kind: 'timestamp' }
  | { kind: 'enum'; values: readonly string[] };

/** Any field of a resource. */
export type FieldKind =
  | ScalarField
  | { kind: 'map'; value: ScalarField }
  | { kind: 'repeated'; item: ScalarField }
  | { kind: 'message'; fields: MessageFields };

/** The fields of one message, keyed by their JSON (camelCase) name. */
export type MessageFields = Readonly<Record<string, FieldKind>>;

/** A field path resolved against a catalog. */
export interface ResolvedField {
  /** The path as the caller spelled it, for messages. */
  path: string;
  /** The JSON names from the resource down to the field. */
  wirePath: string[];
  /** The key when the path selects one entry of a map field. */
  mapKey?: string;
  /** The field's kind; for a map entry, the kind of the map's values. */
  field: FieldKind;
}

/** Enum values in declaration order (the order `orderBy` sorts them in). */
function enumValues<T extends string>(byName: Record<T, number>): readonly T[] {
  return (Object.keys(byName) as T[]).sort((a, b) => byName[a] - byName[b]);
}

/** `gatewayClusterState` / `gatewayNodePoolState` values. */
export const RESOURCE_STATES = enumValues<Schemas['gatewayNodePoolState']>({
  STATE_UNSPECIFIED: 0,
  CREATING: 1,
  READY: 2,
  DELETING: 3,
  FAILED: 4,
});

/** `gatewayBatchJobState` values. */
export const BATCH_JOB_STATES = enumValues<Schemas['gatewayBatchJobState']>({
  STATE_UNSPECIFIED: 0,
  CREATING: 1,
  QUEUED: 2,
  PENDING: 3,
  RUNNING: 4,
  COMPLETED: 5,
  FAILED: 6,
  CANCELLING: 7,
  CANCELLED: 8,
  DELETING: 9,
});

/** `PythonExecutorTargetType` values. */
export const PYTHON_TARGET_TYPES = enumValues<Schemas['PythonExecutorTargetType']>({
  TARGET_TYPE_UNSPECIFIED: 0,
  MODULE: 1,
  FILENAME: 2,
});

/** `gatewayCode` values, in google.rpc number order. */
export const STATUS_CODES = enumValues<Schemas['gatewayCode']>(RPC_CODE_NUMBERS);

const STRING = { kind: 'string' } as const;
const INT = { kind: 'int' } as const;
const BOOL = { kind: 'bool' } as const;
const TIMESTAMP = { kind: 'timestamp' } as const;

type Catalog<T> = { readonly [K in keyof Required<T>]: FieldKind };

const STATUS_FIELDS = {
  code: { kind: 'enum', values: STATUS_CODES },
  message: STRING,
} satisfies Catalog<Schemas['gatewayStatus']>;

/** The fields of `gatewayCluster`. */
export const CLUSTER_FIELDS: MessageFields = {
  name: STRING,
  displayName: STRING,
  createTime: TIMESTAMP,
  eksCluster: {
    kind: 'message',
    fields: {
      awsAccountId: STRING,
      region: STRING,
      fireworksManagerRole: STRING,
      clusterName: STRING,
      storageBucketName: STRING,
      metricWriterRole: STRING,
      loadBalancerControllerRole: STRING,
      workloadIdentityPoolProviderId: STRING,
      inferenceRole: STRING,
    } satisfies Catalog<Schemas['gatewayEksCluster']>,
  },
  fakeCluster: {
    kind: 'message',
    fields: { projectId: STRING, location: STRING, clusterName: STRING } satisfies Catalog<
      Schemas['gatewayFakeCluster']
    >,
  },
  state: { kind: 'enum', values: RESOURCE_STATES },
  status: { kind: 'message', fields: STATUS_FIELDS },
  updateTime: TIMESTAMP,
} satisfies Catalog<Schemas['gatewayCluster']>;

/** The fields of `gatewayNodePool`. */
export const NODE_POOL_FIELDS: MessageFields = {
  name: STRING,
  displayName: STRING,
  createTime: TIMESTAMP,
  minNodeCount: INT,
  maxNodeCount: INT,
  overprovisionNodeCount: INT,
  eksNodePool: {
    kind: 'message',
    fields: {
      nodeRole: STRING,
      instanceType: STRING,
      spot: BOOL,
      nodeGroupName: STRING,
      subnetIds: { kind: 'repeated', item: STRING },
      zone: STRING,
      placementGroup: STRING,
      launchTemplate: STRING,
    } satisfies Catalog<Schemas['gatewayEksNodePool']>,
  },
  fakeNodePool: {
    kind: 'message',
    fields: { machineType: STRING, numNodes: INT, serviceAccount: STRING } satisfies Catalog<
      Schemas['gatewayFakeNodePool']
    >,
  },
  annotations: { kind: 'map', value: STRING },
  state: { kind: 'enum', values: RESOURCE_STATES },
  status: { kind: 'message', fields: STATUS_FIELDS },
  nodePoolStats: {
    kind: 'message',
    fields: {
      nodeCount: INT,
      ranksPerNode: INT,
      environmentCount: INT,
      environmentRanks: INT,
      batchJobCount: { kind: 'map', value: INT },
      batchJobRanks: { kind: 'map', value: INT },
    } satisfies Catalog<Schemas['gatewayNodePoolStats']>,
  },
  updateTime: TIMESTAMP,
} satisfies Catalog<Schemas['gatewayNodePool']>;

/** The fields of `gatewayBatchJob`. */
export const BATCH_JOB_FIELDS: MessageFields = {
  name: STRING,
  displayName: STRING,
  createTime: TIMESTAMP,
  startTime: TIMESTAMP,
  endTime: TIMESTAMP,
  createdBy: STRING,
  nodePoolId: STRING,
  environmentId: STRING,
  snapshotId: STRING,
  numRanks: INT,
  envVars: { kind: 'map', value: STRING },
  role: STRING,
  pythonExecutor: {
    kind: 'message',
    fields: {
      targetType: { kind: 'enum', values: PYTHON_TARGET_TYPES },
      target: STRING,
      args: { kind: 'repeated', item: STRING },
    } satisfies Catalog<Schemas['gatewayPythonExecutor']>,
  },
  notebookExecutor: {
    kind: 'message',
    fields: { notebookFilename: STRING } satisfies Catalog<Schemas['gatewayNotebookExecutor']>,
  },
  shellExecutor: {
    kind: 'message',
    fields: { command: STRING } satisfies Catalog<Schemas['gatewayShellExecutor']>,
  },
  imageRef: STRING,
  annotations: { kind: 'map', value: STRING },
  state: { kind: 'enum', values: BATCH_JOB_STATES },
  status: STRING,
  shared: BOOL,
  updateTime: TIMESTAMP,
} satisfies Catalog<Schemas['gatewayBatchJob']>;

/** Given `node_pool_stats`, returns `nodePoolStats` (a camelCase name is returned unchanged). */
export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Given `nodePoolStats`, returns `node_pool_stats`. */
export function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Given the segments of a path (`['eks_node_pool', 'instance_type']`) and a catalog, returns the
 * resolved field; throws `InvalidArgumentError` naming the first segment that matches no field.
 * `what` names the parameter in messages ("filter", "order_by", "read_mask").
 */
export function resolveFieldPath(
  segments: readonly string[],
  fields: MessageFields,
  what: string,
): ResolvedField {
  const path = segments.join('.');
  const wirePath: string[] = [];
  let current: MessageFields = fields;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const name = Object.hasOwn(current, segment) ? segment : snakeToCamel(segment);
    const field = Object.hasOwn(current, name) ? current[name] : undefined;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(segment) || field === undefined) {
      const parent = wirePath.length ? `${wirePath.map(camelToSnake).join('.')}.` : '';
      const known = Object.keys(current)
        .map((n) => parent + camelToSnake(n))
        .join(', ');
      throw new InvalidArgumentError(
        `${what}: unknown field "${parent}${segment}" in "${path}"; expected one of: ${known}`,
      );
    }
    wirePath.push(name);
    const rest = segments.slice(i + 1);
    if (rest.length === 0) return { path, wirePath, field };
    if (field.kind === 'map') return { path, wirePath, mapKey: rest.join('.'), field: field.value };
    if (field.kind !== 'message') {
      throw new InvalidArgumentError(
        `${what}: field "${wirePath.map(camelToSnake).join('.')}" has no subfields, got "${path}"`,
      );
    }
    current = field.fields;
  }
  throw new InvalidArgumentError(`${what}: expected a field path, got an empty one`);
}

/** Returns the value a resolved field holds in a record (undefined when the field is not set). */
export function readField(record: unknown, field: ResolvedField): unknown {
  let value: unknown = record;
  for (const name of field.wirePath) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  if (field.mapKey !== undefined) {
    if (typeof value !== 'object' || value === null) return undefined;
    return Object.hasOwn(value, field.mapKey) ? (value as Record<string, unknown>)[field.mapKey] : undefined;
  }
  return value;
}
