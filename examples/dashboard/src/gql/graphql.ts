/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The lifecycle state of a batch job. */
export type BatchJobState =
  /** The batch job was cancelled. */
  | 'CANCELLED'
  /** The batch job is being cancelled. */
  | 'CANCELLING'
  /** The batch job finished successfully. */
  | 'COMPLETED'
  /** The batch job is being created. */
  | 'CREATING'
  /** The batch job is being deleted. */
  | 'DELETING'
  /** The batch job failed. */
  | 'FAILED'
  /** The batch job is scheduled and waiting for resources. */
  | 'PENDING'
  /** The batch job is in the queue, waiting to be scheduled. */
  | 'QUEUED'
  /** The batch job is running. */
  | 'RUNNING'
  /** Unspecified. */
  | 'STATE_UNSPECIFIED';

/** The lifecycle state of a cluster. */
export type ClusterState =
  /** The cluster is still being created. */
  | 'CREATING'
  /** The cluster is being deleted. */
  | 'DELETING'
  /** The cluster is not operational. */
  | 'FAILED'
  /** The cluster is ready to be used. */
  | 'READY'
  /** Unspecified. */
  | 'STATE_UNSPECIFIED';

/** The lifecycle state of a node pool. */
export type NodePoolState =
  /** The node pool is being created. */
  | 'CREATING'
  /** The node pool is being deleted. */
  | 'DELETING'
  /** The node pool is not operational; see `status`. */
  | 'FAILED'
  /** The node pool is ready to be used. */
  | 'READY'
  /** Unspecified. */
  | 'STATE_UNSPECIFIED';

/** A pod metric type, as Run:ai names it. */
export type PodMetricType =
  /** CPU memory usage bytes. */
  | 'CPU_MEMORY_USAGE_BYTES'
  /** CPU usage cores. */
  | 'CPU_USAGE_CORES'
  /** GPU FP16 engine activity (one series per GPU). */
  | 'GPU_FP16_ENGINE_ACTIVITY_PER_GPU'
  /** GPU FP32 engine activity (one series per GPU). */
  | 'GPU_FP32_ENGINE_ACTIVITY_PER_GPU'
  /** GPU FP64 engine activity (one series per GPU). */
  | 'GPU_FP64_ENGINE_ACTIVITY_PER_GPU'
  /** GPU graphics engine activity (one series per GPU). */
  | 'GPU_GRAPHICS_ENGINE_ACTIVITY_PER_GPU'
  /** GPU memory bandwidth utilization (one series per GPU). */
  | 'GPU_MEMORY_BANDWIDTH_UTILIZATION_PER_GPU'
  /** GPU memory usage bytes. */
  | 'GPU_MEMORY_USAGE_BYTES'
  /** GPU memory usage bytes (one series per GPU). */
  | 'GPU_MEMORY_USAGE_BYTES_PER_GPU'
  /** GPU NVLink received bandwidth (one series per GPU). */
  | 'GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU'
  /** GPU NVLink transmitted bandwidth (one series per GPU). */
  | 'GPU_NVLINK_TRANSMITTED_BANDWIDTH_PER_GPU'
  /** GPU PCIe received bandwidth (one series per GPU). */
  | 'GPU_PCIE_RECEIVED_BANDWIDTH_PER_GPU'
  /** GPU PCIe transmitted bandwidth (one series per GPU). */
  | 'GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU'
  /** GPU SM activity (one series per GPU). */
  | 'GPU_SM_ACTIVITY_PER_GPU'
  /** GPU SM occupancy (one series per GPU). */
  | 'GPU_SM_OCCUPANCY_PER_GPU'
  /** GPU swap memory bytes (one series per GPU). */
  | 'GPU_SWAP_MEMORY_BYTES_PER_GPU'
  /** GPU tensor activity (one series per GPU). */
  | 'GPU_TENSOR_ACTIVITY_PER_GPU'
  /** GPU utilization. */
  | 'GPU_UTILIZATION'
  /** GPU utilization (one series per GPU). */
  | 'GPU_UTILIZATION_PER_GPU';

/** A pod's Kubernetes phase. */
export type PodPhase =
  /** Every container terminated, at least one in failure. */
  | 'FAILED'
  /** Accepted, but not every container is running yet. */
  | 'PENDING'
  /** Bound to a node, every container created, at least one running. */
  | 'RUNNING'
  /** Every container terminated successfully. */
  | 'SUCCEEDED'
  /** The phase could not be obtained. */
  | 'UNKNOWN';

/** The lifecycle phase of a warm pool. */
export type WarmPoolPhase =
  /** The warm pool is degraded; see `failureMessage`. */
  | 'DEGRADED'
  /** The warm pool was deleted. */
  | 'DELETED'
  /** The warm pool is being deleted. */
  | 'DELETING'
  /** The warm pool is being set up. */
  | 'PENDING'
  /** The warm pool is ready. */
  | 'READY'
  /** Unspecified. */
  | 'UNSPECIFIED';

export type NodePoolDetailQueryVariables = Exact<{
  name: string;
  after?: string | null | undefined;
  states?: Array<BatchJobState> | BatchJobState | null | undefined;
}>;


export type NodePoolDetailQuery = { nodePool: { id: string, name: string, nodePoolId: string, displayName: string | null, state: NodePoolState | null, cluster: { id: string, name: string } | null, pods: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, podId: string, name: string, phase: PodPhase, nodeName: string | null, createdAt: string, completedAt: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null, batchJobs: { totalCount: number, nodes: Array<{ id: string, displayName: string | null, state: BatchJobState | null, createdAt: string | null }> } | null } | null };

export type FleetOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type FleetOverviewQuery = { clusters: { totalCount: number, nodes: Array<{ id: string, name: string, displayName: string | null, state: ClusterState | null, nodePools: { totalCount: number, nodes: Array<{ id: string, name: string, nodePoolId: string, displayName: string | null, state: NodePoolState | null, stats: { nodeCount: number | null } | null, batchJobs: { totalCount: number } | null, pods: { totalCount: number } | null }> } | null }> } | null };

export type PodWindowQueryVariables = Exact<{
  id: string | number;
}>;


export type PodWindowQuery = { node:
    | { __typename: 'BatchJob', id: string }
    | { __typename: 'Cluster', id: string }
    | { __typename: 'NodePool', id: string }
    | { __typename: 'Pod', name: string, createdAt: string, completedAt: string | null, id: string }
    | { __typename: 'WarmPool', id: string }
   | null };

export type PodGpuQueryVariables = Exact<{
  id: string | number;
  start: string;
  end: string;
}>;


export type PodGpuQuery = { node:
    | { __typename: 'BatchJob', id: string }
    | { __typename: 'Cluster', id: string }
    | { __typename: 'NodePool', id: string }
    | { __typename: 'Pod', id: string, metrics: Array<{ type: PodMetricType, samples: Array<{ timestamp: string | null, value: number | null }> } | null> | null }
    | { __typename: 'WarmPool', id: string }
   | null };

export type WarmPoolsByProjectQueryVariables = Exact<{ [key: string]: never; }>;


export type WarmPoolsByProjectQuery = { warmPools: { totalCount: number, nodes: Array<{ id: string, warmPoolId: string, projectId: string | null, environmentClassId: string | null, spec: { minSize: number | null, maxSize: number | null } | null, status: { phase: WarmPoolPhase | null, runningInstances: number | null } | null }> } | null };


export const NodePoolDetailDocument = {"__meta__":{"hash":"sha256:b25c787200bf30c7a375c98d3d4a1103a2a01a9ecd87b271df8f3817b41f3d06"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodePoolDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"states"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BatchJobState"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodePool"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nodePoolId"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pods"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"podId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"nodeName"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"batchJobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"states"},"value":{"kind":"Variable","name":{"kind":"Name","value":"states"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<NodePoolDetailQuery, NodePoolDetailQueryVariables>;
export const FleetOverviewDocument = {"__meta__":{"hash":"sha256:c49d44b518cb6d10788928a829bd6121bfe01944fe29791ecd5392f4705e2309"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FleetOverview"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"nodePools"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nodePoolId"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodeCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"batchJobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pods"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<FleetOverviewQuery, FleetOverviewQueryVariables>;
export const PodWindowDocument = {"__meta__":{"hash":"sha256:2474e7b163bd5e5079f687bb2bc7cfd10050edff7f34e137492309d2cc18bc43"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PodWindow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Pod"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}}]}}]}}]}}]} as unknown as DocumentNode<PodWindowQuery, PodWindowQueryVariables>;
export const PodGpuDocument = {"__meta__":{"hash":"sha256:a937abd2fc3a462ecb11d5c2525519c3ddbe7e723ec53c8369fbb1c1993c5f95"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PodGpu"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"start"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"end"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Pod"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"types"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"GPU_UTILIZATION"}]}},{"kind":"Argument","name":{"kind":"Name","value":"start"},"value":{"kind":"Variable","name":{"kind":"Name","value":"start"}}},{"kind":"Argument","name":{"kind":"Name","value":"end"},"value":{"kind":"Variable","name":{"kind":"Name","value":"end"}}},{"kind":"Argument","name":{"kind":"Name","value":"samples"},"value":{"kind":"IntValue","value":"24"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"samples"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PodGpuQuery, PodGpuQueryVariables>;
export const WarmPoolsByProjectDocument = {"__meta__":{"hash":"sha256:510a1946cfe9f5e12c81e8494726a07cdf2f088e60baa48dbbc9694916611bb5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WarmPoolsByProject"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warmPools"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"warmPoolId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentClassId"}},{"kind":"Field","name":{"kind":"Name","value":"spec"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"minSize"}},{"kind":"Field","name":{"kind":"Name","value":"maxSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"status"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"runningInstances"}}]}}]}}]}}]}}]} as unknown as DocumentNode<WarmPoolsByProjectQuery, WarmPoolsByProjectQueryVariables>;