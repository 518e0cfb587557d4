/**
 * The `teams` subgraph of the supergraph example: a second service next to Fleetgraph that owns
 * teams and says which team owns each of the demo node pools (seed 42). It knows node pools
 * only by their `name` key; Fleetgraph resolves everything else about them.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const POOLS = 'accounts/fleetgraph-demo/clusters';

/** Team name → the node pools it owns (the demo data set's 17 node pools, by accelerator). */
export const TEAMS: Readonly<Record<string, readonly string[]>> = {
  inference: [
    `${POOLS}/us-east-1-prod/nodePools/h100-spot-1`,
    `${POOLS}/us-west-2-prod/nodePools/h100-ondemand-2`,
    `${POOLS}/us-west-2-prod/nodePools/h100-reserved-2`,
    `${POOLS}/eu-west-1-prod/nodePools/h100-reserved-3`,
    `${POOLS}/fake-ap-northeast-1-prod/nodePools/h100-spot-4`,
  ],
  training: [
    `${POOLS}/us-east-1-prod/nodePools/a100-ondemand-1`,
    `${POOLS}/us-west-2-prod/nodePools/a100-reserved-2`,
    `${POOLS}/eu-west-1-prod/nodePools/a100-spot-3`,
    `${POOLS}/fake-ap-northeast-1-prod/nodePools/a100-ondemand-4`,
  ],
  research: [
    `${POOLS}/us-east-1-prod/nodePools/l4-reserved-1`,
    `${POOLS}/us-west-2-prod/nodePools/l4-spot-2`,
    `${POOLS}/eu-west-1-prod/nodePools/l4-ondemand-3`,
    `${POOLS}/fake-ap-northeast-1-prod/nodePools/l4-reserved-4`,
  ],
  platform: [
    `${POOLS}/us-east-1-prod/nodePools/cpu-spot-1`,
    `${POOLS}/us-west-2-prod/nodePools/cpu-ondemand-2`,
    `${POOLS}/eu-west-1-prod/nodePools/cpu-reserved-3`,
    `${POOLS}/fake-ap-northeast-1-prod/nodePools/cpu-spot-4`,
  ],
};

const ownerOf = new Map(
  Object.entries(TEAMS).flatMap(([team, pools]) => pools.map((pool) => [pool, team] as const)),
);

/** Returns the teams subgraph's SDL. */
export function teamsTypeDefs(): string {
  return readFileSync(new URL('teams.graphql', import.meta.url), 'utf8');
}

const team = (name: string) => ({ name });

/** Returns the executable teams subgraph schema. */
export function createTeamsSchema() {
  return buildSubgraphSchema({
    typeDefs: parse(teamsTypeDefs()),
    resolvers: {
      Query: { teams: () => Object.keys(TEAMS).map(team) },
      Team: {
        __resolveReference: ({ name }: { name: string }) => (name in TEAMS ? team(name) : null),
        nodePools: ({ name }: { name: string }) => (TEAMS[name] ?? []).map((pool) => ({ name: pool })),
      },
      NodePool: {
        owner: ({ name }: { name: string }) => {
          const owner = ownerOf.get(name);
          return owner ? team(owner) : null;
        },
      },
    },
  });
}

/** The running teams subgraph. */
export interface TeamsSubgraph {
  url: string;
  /** GraphQL requests received, in order (the test counts the `_entities` hops). */
  requests: { query: string; variables?: Record<string, unknown> }[];
  stop(): Promise<void>;
}

/** Starts the teams subgraph on `port` (0: any free port); answers POST /graphql. */
export async function startTeamsSubgraph(port: number, host = '127.0.0.1'): Promise<TeamsSubgraph> {
  const apollo = new ApolloServer({
    schema: createTeamsSchema(),
    csrfPrevention: true,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const requests: TeamsSubgraph['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"errors":[{"message":"bad JSON"}]}');
          return;
        }
        if (body && typeof body === 'object' && 'query' in body) requests.push(body as never);
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (typeof value === 'string') headers.set(key, value);
        }
        const url = new URL(req.url ?? '/', 'http://teams');
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
          context: async () => ({}),
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') res.end(response.body.string);
        else {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        }
      })().catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/graphql`,
    requests,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
