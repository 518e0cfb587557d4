/**
 * Composition: Fleetgraph's subgraph SDL composes with @theguild/federation-composition next to
 * a third-party subgraph it has never seen, one with its own Relay types (`Node`, `PageInfo`,
 * `node(id:)`, `nodes(ids:)`, `OrderDirection`, `Status`, `KeyValue`, none marked @shareable)
 * that references every Fleetgraph entity by `id`. The same third party next to Fleetgraph's
 * un-namespaced types fails, which is why the subgraph prefixes them.
 */
import { describe, expect, it } from 'vitest';
import { composeSupergraph, composeExample } from '../../examples/supergraph/compose.js';
import { teamsTypeDefs } from '../../examples/supergraph/teams.js';
import { printSubgraphSdl } from '../../src/federation/schema.js';

const INCIDENTS = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  interface Node {
    id: ID!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum OrderDirection {
    ASCENDING
    DESCENDING
  }

  type KeyValue {
    key: String!
    value: String
  }

  type Status {
    code: Int!
    text: String
  }

  type Incident implements Node @key(fields: "id") {
    id: ID!
    title: String!
    status: Status!
    labels: [KeyValue!]!
    cluster: Cluster
    nodePool: NodePool
    batchJob: BatchJob
    pod: Pod
    warmPool: WarmPool
  }

  type Cluster @key(fields: "id", resolvable: false) {
    id: ID!
  }
  type NodePool @key(fields: "id", resolvable: false) {
    id: ID!
  }
  type BatchJob @key(fields: "id", resolvable: false) {
    id: ID!
  }
  type Pod @key(fields: "id", resolvable: false) {
    id: ID!
  }
  type WarmPool @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type IncidentEdge {
    cursor: String!
    node: Incident!
  }

  type IncidentConnection {
    edges: [IncidentEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Query {
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    incidents(first: Int, after: String, direction: OrderDirection): IncidentConnection!
  }
`;

const URLS = { fleetgraph: 'http://fleetgraph:4000/subgraph', incidents: 'http://incidents:4002/graphql' };

describe('composition', () => {
  it('composes next to a third-party Relay subgraph that references every entity by id', () => {
    const supergraph = composeSupergraph([
      { name: 'fleetgraph', url: URLS.fleetgraph, sdl: printSubgraphSdl() },
      { name: 'incidents', url: URLS.incidents, sdl: INCIDENTS },
    ]);
    // The third party keeps Query.node and the Relay names; Fleetgraph's are namespaced beside them.
    expect(supergraph).toMatch(/\n {2}node\(id: ID!\): Node @join__field\(graph: INCIDENTS\)/);
    expect(supergraph).toMatch(
      /\n {2}fleetgraphNode\([^)]*\bid: ID!\s*\): FleetgraphNode @join__field\(graph: FLEETGRAPH\)/,
    );
    expect(supergraph).toContain('type PageInfo @join__type(graph: INCIDENTS)');
    expect(supergraph).toContain('type FleetgraphPageInfo @join__type(graph: FLEETGRAPH)');
    for (const entity of ['Cluster', 'NodePool', 'BatchJob']) {
      expect(supergraph).toContain(
        `type ${entity} implements FleetgraphNode @join__type(graph: FLEETGRAPH, key: "id") @join__type(graph: FLEETGRAPH, key: "name") @join__type(graph: INCIDENTS, key: "id", resolvable: false)`,
      );
    }
    for (const entity of ['Pod', 'WarmPool']) {
      expect(supergraph).toContain(
        `type ${entity} implements FleetgraphNode @join__type(graph: FLEETGRAPH, key: "id") @join__type(graph: INCIDENTS, key: "id", resolvable: false)`,
      );
    }
  });

  it('would fail with the standalone schema’s Relay names, on exactly the shared types', () => {
    const compose = () =>
      composeSupergraph([
        { name: 'fleetgraph', url: URLS.fleetgraph, sdl: printSubgraphSdl({ namespaced: false }) },
        { name: 'incidents', url: URLS.incidents, sdl: INCIDENTS },
      ]);
    expect(compose).toThrow(/Supergraph composition failed/);
    const message = (() => {
      try {
        compose();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const clash of ['"Query.node"', '"PageInfo.', 'OrderDirection', '"KeyValue.', '"Status.']) {
      expect(message).toContain(clash);
    }
  });

  it('fails on a composition error, naming it (what npm run supergraph exits 1 on)', () => {
    const broken = teamsTypeDefs().replace(
      'name: String!\n  "The node pools',
      'name: Int!\n  "The node pools',
    );
    expect(broken).not.toEqual(teamsTypeDefs());
    expect(() =>
      composeSupergraph([
        { name: 'fleetgraph', url: URLS.fleetgraph, sdl: printSubgraphSdl() },
        {
          name: 'teams',
          url: 'http://teams:4101/graphql',
          sdl: broken.replace(
            /type NodePool[^}]*}/,
            'type NodePool @key(fields: "name") { name: Int! owner: Team }',
          ),
        },
      ]),
    ).toThrow(/Supergraph composition failed:\n {2}- .*NodePool\.name/);
  });

  it('composes the example with teams (the committed supergraph.graphql)', () => {
    const supergraph = composeExample();
    expect(supergraph).toContain('owner: Team @join__field(graph: TEAMS)');
    expect(supergraph).toContain('teams: [Team!]! @join__field(graph: TEAMS)');
  });
});
