/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query NodePoolDetail($name: String!, $after: String, $states: [BatchJobState!]) {\n    nodePool(name: $name) {\n      id\n      name\n      nodePoolId\n      displayName\n      state\n      cluster {\n        id\n        name\n      }\n      pods(first: 10, after: $after) {\n        totalCount\n        edges {\n          cursor\n          node {\n            id\n            podId\n            name\n            phase\n            nodeName\n            createdAt\n            completedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      batchJobs(first: 10, filter: { states: $states }) {\n        totalCount\n        nodes {\n          id\n          displayName\n          state\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.NodePoolDetailDocument,
    "\n  query FleetOverview {\n    clusters(first: 10) {\n      totalCount\n      nodes {\n        id\n        name\n        displayName\n        state\n        nodePools(first: 20) {\n          totalCount\n          nodes {\n            id\n            name\n            nodePoolId\n            displayName\n            state\n            stats {\n              nodeCount\n            }\n            batchJobs(first: 0) {\n              totalCount\n            }\n            pods(first: 0) {\n              totalCount\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.FleetOverviewDocument,
    "\n  query PodWindow($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        name\n        createdAt\n        completedAt\n      }\n    }\n  }\n": typeof types.PodWindowDocument,
    "\n  query PodGpu($id: ID!, $start: DateTime!, $end: DateTime!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        metrics(types: [GPU_UTILIZATION], start: $start, end: $end, samples: 24) {\n          type\n          samples {\n            timestamp\n            value\n          }\n        }\n      }\n    }\n  }\n": typeof types.PodGpuDocument,
    "\n  query WarmPoolsByProject {\n    warmPools(first: 100) {\n      totalCount\n      nodes {\n        id\n        warmPoolId\n        projectId\n        environmentClassId\n        spec {\n          minSize\n          maxSize\n        }\n        status {\n          phase\n          runningInstances\n        }\n      }\n    }\n  }\n": typeof types.WarmPoolsByProjectDocument,
};
const documents: Documents = {
    "\n  query NodePoolDetail($name: String!, $after: String, $states: [BatchJobState!]) {\n    nodePool(name: $name) {\n      id\n      name\n      nodePoolId\n      displayName\n      state\n      cluster {\n        id\n        name\n      }\n      pods(first: 10, after: $after) {\n        totalCount\n        edges {\n          cursor\n          node {\n            id\n            podId\n            name\n            phase\n            nodeName\n            createdAt\n            completedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      batchJobs(first: 10, filter: { states: $states }) {\n        totalCount\n        nodes {\n          id\n          displayName\n          state\n          createdAt\n        }\n      }\n    }\n  }\n": types.NodePoolDetailDocument,
    "\n  query FleetOverview {\n    clusters(first: 10) {\n      totalCount\n      nodes {\n        id\n        name\n        displayName\n        state\n        nodePools(first: 20) {\n          totalCount\n          nodes {\n            id\n            name\n            nodePoolId\n            displayName\n            state\n            stats {\n              nodeCount\n            }\n            batchJobs(first: 0) {\n              totalCount\n            }\n            pods(first: 0) {\n              totalCount\n            }\n          }\n        }\n      }\n    }\n  }\n": types.FleetOverviewDocument,
    "\n  query PodWindow($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        name\n        createdAt\n        completedAt\n      }\n    }\n  }\n": types.PodWindowDocument,
    "\n  query PodGpu($id: ID!, $start: DateTime!, $end: DateTime!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        metrics(types: [GPU_UTILIZATION], start: $start, end: $end, samples: 24) {\n          type\n          samples {\n            timestamp\n            value\n          }\n        }\n      }\n    }\n  }\n": types.PodGpuDocument,
    "\n  query WarmPoolsByProject {\n    warmPools(first: 100) {\n      totalCount\n      nodes {\n        id\n        warmPoolId\n        projectId\n        environmentClassId\n        spec {\n          minSize\n          maxSize\n        }\n        status {\n          phase\n          runningInstances\n        }\n      }\n    }\n  }\n": types.WarmPoolsByProjectDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodePoolDetail($name: String!, $after: String, $states: [BatchJobState!]) {\n    nodePool(name: $name) {\n      id\n      name\n      nodePoolId\n      displayName\n      state\n      cluster {\n        id\n        name\n      }\n      pods(first: 10, after: $after) {\n        totalCount\n        edges {\n          cursor\n          node {\n            id\n            podId\n            name\n            phase\n            nodeName\n            createdAt\n            completedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      batchJobs(first: 10, filter: { states: $states }) {\n        totalCount\n        nodes {\n          id\n          displayName\n          state\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NodePoolDetail($name: String!, $after: String, $states: [BatchJobState!]) {\n    nodePool(name: $name) {\n      id\n      name\n      nodePoolId\n      displayName\n      state\n      cluster {\n        id\n        name\n      }\n      pods(first: 10, after: $after) {\n        totalCount\n        edges {\n          cursor\n          node {\n            id\n            podId\n            name\n            phase\n            nodeName\n            createdAt\n            completedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      batchJobs(first: 10, filter: { states: $states }) {\n        totalCount\n        nodes {\n          id\n          displayName\n          state\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FleetOverview {\n    clusters(first: 10) {\n      totalCount\n      nodes {\n        id\n        name\n        displayName\n        state\n        nodePools(first: 20) {\n          totalCount\n          nodes {\n            id\n            name\n            nodePoolId\n            displayName\n            state\n            stats {\n              nodeCount\n            }\n            batchJobs(first: 0) {\n              totalCount\n            }\n            pods(first: 0) {\n              totalCount\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FleetOverview {\n    clusters(first: 10) {\n      totalCount\n      nodes {\n        id\n        name\n        displayName\n        state\n        nodePools(first: 20) {\n          totalCount\n          nodes {\n            id\n            name\n            nodePoolId\n            displayName\n            state\n            stats {\n              nodeCount\n            }\n            batchJobs(first: 0) {\n              totalCount\n            }\n            pods(first: 0) {\n              totalCount\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PodWindow($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        name\n        createdAt\n        completedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query PodWindow($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        name\n        createdAt\n        completedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PodGpu($id: ID!, $start: DateTime!, $end: DateTime!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        metrics(types: [GPU_UTILIZATION], start: $start, end: $end, samples: 24) {\n          type\n          samples {\n            timestamp\n            value\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PodGpu($id: ID!, $start: DateTime!, $end: DateTime!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Pod {\n        metrics(types: [GPU_UTILIZATION], start: $start, end: $end, samples: 24) {\n          type\n          samples {\n            timestamp\n            value\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WarmPoolsByProject {\n    warmPools(first: 100) {\n      totalCount\n      nodes {\n        id\n        warmPoolId\n        projectId\n        environmentClassId\n        spec {\n          minSize\n          maxSize\n        }\n        status {\n          phase\n          runningInstances\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WarmPoolsByProject {\n    warmPools(first: 100) {\n      totalCount\n      nodes {\n        id\n        warmPoolId\n        projectId\n        environmentClassId\n        spec {\n          minSize\n          maxSize\n        }\n        status {\n          phase\n          runningInstances\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;