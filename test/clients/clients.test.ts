/**
 * The README's client recipes, each against a real gateway over HTTP: Apollo Client 4 with the
 * Relay pagination policies of every connection (examples/dashboard/src/type-policies.ts), urql
 * reading partial results, graphql-request, and graphql-codegen's client preset with `DateTime`
 * mapped to string (the dashboard's generated documents).
 */
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { buildSchema, getNamedType, isObjectType } from 'graphql';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  NodePoolDetailDocument,
  type NodePoolDetailQuery,
} from '../../examples/dashboard/src/gql/graphql.js';
import { typePolicies } from '../../examples/dashboard/src/type-policies.js';
import { generateRunaiData } from '../../src/vendors/runai/simulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => (gw = await startTestGateway({ UPSTREAM_MAX_ATTEMPTS: '1' })));
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

const PODS = gql`
  query Pods($first: Int!, $after: String) {
    pods(first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          podId
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

interface PodsData {
  pods: {
    totalCount: number;
    edges: { cursor: string; node: { id: string; podId: string; name: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('Apollo Client with relayStylePagination', () => {
  it('has a pagination policy for every connection field of the schema, and for nothing else', () => {
    const schema = buildSchema(loadTypeDefs().join('\n'));
    const connections = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .filter((type) => !type.name.startsWith('__'))
      .flatMap((type) =>
        Object.values(type.getFields())
          .filter((field) => getNamedType(field.type).name.endsWith('Connection'))
          .map((field) => `${type.name}.${field.name}`),
      )
      .sort();
    const policies = Object.entries(typePolicies)
      .flatMap(([type, policy]) => Object.keys(policy.fields ?? {}).map((field) => `${type}.${field}`))
      .sort();
    expect(policies).toEqual(connections);
  });

  it('pages through every live pod with cursors, merged by the policy, each exactly once, in Run:ai order', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: gw.url, fetch }),
      cache: new InMemoryCache({ typePolicies }),
    });
    // Each page is fetched with `after` from the last one; the policy merges them into one list.
    let page = await client.query<PodsData>({ query: PODS, variables: { first: 100 } });
    let pages = 1;
    while (page.data?.pods.pageInfo.hasNextPage) {
      page = await client.query<PodsData>({
        query: PODS,
        variables: { first: 100, after: page.data.pods.pageInfo.endCursor },
        fetchPolicy: 'network-only',
      });
      pages++;
    }
    const result = await client.query<PodsData>({
      query: PODS,
      variables: { first: 100 },
      fetchPolicy: 'cache-only',
    });
    const live = generateRunaiData(gw.world)
      .pods.filter((p) => !p.deletedAt)
      .sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
      );
    const seen = result.data?.pods.edges.map((e) => e.node.podId) ?? [];
    expect(seen).toEqual(live.map((p) => p.id));
    expect(result.data?.pods.totalCount).toBe(live.length);
    expect(pages).toBe(Math.ceil(live.length / 100));
    // Every request is independent (the gateway keeps no state), so each page that selects
    // totalCount asks count_pods once, except the last, whose short page is the count.
    expect(gw.calls().runai).toEqual({ list_pods: pages, count_pods: pages - 1 });
  });
});

describe('urql', () => {
  it('reads partial data and the coded error when one vendor fails', async () => {
    gw.faults('runai', { list_pods: { status: 503 } });
    // urql sends queries as GET by default, which Apollo's CSRF prevention refuses unless a
    // preflight-forcing header is present; the README tells users to set either option.
    const client = new Client({
      url: gw.url,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { 'apollo-require-preflight': 'true' } },
    });
    const result = await client
      .query(`{ clusters(first: 1) { nodes { name } } pods(first: 1) { nodes { name } } }`, {})
      .toPromise();
    expect(result.data).toEqual({
      clusters: {
        __typename: 'ClusterConnection',
        nodes: [{ __typename: 'Cluster', name: 'accounts/fleetgraph-demo/clusters/eu-west-1-prod' }],
      },
      pods: null,
    });
    expect(result.error?.graphQLErrors.map((e) => ({ path: e.path, extensions: e.extensions }))).toEqual([
      {
        path: ['pods'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', upstreamStatus: 503 },
      },
    ]);
  });
});

describe('graphql-request', () => {
  it('POSTs JSON (no CSRF header needed) and, with errorPolicy all, returns data and the coded error', async () => {
    gw.faults('runai', { list_pods: { status: 503 } });
    const client = new GraphQLClient(gw.url, { errorPolicy: 'all' });
    const result = await client.rawRequest<{ clusters: { totalCount: number }; pods: null }>(
      `{ clusters(first: 1) { totalCount } pods(first: 1) { nodes { name } } }`,
    );
    expect(result.data).toEqual({ clusters: { totalCount: 4 }, pods: null });
    expect(result.errors?.map((e) => ({ path: e.path, extensions: e.extensions }))).toEqual([
      {
        path: ['pods'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', upstreamStatus: 503 },
      },
    ]);
  });
});

describe('codegen client preset with DateTime mapped to string', () => {
  it('types DateTime fields as string, and the gateway sends RFC 3339 strings there', async () => {
    type Pod = NonNullable<NonNullable<NodePoolDetailQuery['nodePool']>['pods']>['edges'][number]['node'];
    expectTypeOf<Pod['createdAt']>().toEqualTypeOf<string>();
    expectTypeOf<Pod['completedAt']>().toEqualTypeOf<string | null>();
    const name = 'accounts/fleetgraph-demo/clusters/eu-west-1-prod/nodePools/a100-spot-3';
    // A typed document from the preset runs as is with graphql-request (and Apollo Client, urql).
    const data = await new GraphQLClient(gw.url).request(NodePoolDetailDocument, { name });
    const pods = data.nodePool?.pods?.edges.map((e) => e.node) ?? [];
    const live = generateRunaiData(gw.world)
      .pods.filter((p) => !p.deletedAt && p.currentNodePool === 'a100-spot-3')
      .filter(
        (p) => p.clusterId === gw.world.clusters.find((c) => c.id === 'eu-west-1-prod')?.runaiClusterUuid,
      );
    expect(pods).toHaveLength(Math.min(10, live.length));
    for (const pod of pods) {
      expect(typeof pod.createdAt).toBe('string');
      expect(pod.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      expect(Number.isNaN(Date.parse(pod.createdAt))).toBe(false);
    }
  });
});
