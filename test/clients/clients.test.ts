/**
 * The gateway as frontends use it: Apollo Client 4 with its Relay pagination policy paging with
 * fetchMore, and urql reading partial results. Both talk to a real gateway over HTTP.
 */
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  it('pages through every live pod with cursors, merged by the policy, each exactly once, in Run:ai order', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: gw.url, fetch }),
      cache: new InMemoryCache({
        typePolicies: { Query: { fields: { pods: relayStylePagination(['filter', 'orderBy']) } } },
      }),
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
