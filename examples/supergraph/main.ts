/**
 * `npm run example:supergraph`: the demo gateway (Fleetgraph over its simulators, PORT, default
 * 4000), the `teams` subgraph (TEAMS_PORT, default 4101) and Hive Gateway over both (HIVE_PORT,
 * default 4100, /graphql), composed with the ports in use. Ctrl-C stops all three.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startGateway } from '../../src/server.js';
import { composeExample } from './compose.js';
import { startHiveGateway } from './hive.js';
import { startTeamsSubgraph } from './teams.js';

const config = loadConfig();
const fleetgraph = await startGateway(config);
const teams = await startTeamsSubgraph(Number(process.env.TEAMS_PORT ?? 4101));
// Fleetgraph listens on IPv4 (HOST 0.0.0.0): name the address, not localhost, for Hive Gateway.
const subgraphUrl = fleetgraph.url.replace('//localhost:', '//127.0.0.1:').replace(/\/graphql$/, '/subgraph');
const supergraph = join(mkdtempSync(join(tmpdir(), 'fleetgraph-supergraph-')), 'supergraph.graphql');
writeFileSync(supergraph, composeExample({ fleetgraph: subgraphUrl, teams: teams.url }));
const hive = await startHiveGateway({
  supergraph,
  port: Number(process.env.HIVE_PORT ?? 4100),
  env: config.federation.secret ? { SUBGRAPH_SECRET: config.federation.secret } : {},
});

console.log(`Hive Gateway (the supergraph): ${hive.url}`);
console.log(`  Fleetgraph subgraph:         ${subgraphUrl} (standalone: ${fleetgraph.url})`);
console.log(`  teams subgraph:              ${teams.url}`);
console.log(`  supergraph SDL:              ${supergraph}`);
console.log(
  `Try: curl -s ${hive.url} -H 'content-type: application/json' -d '{"query":"{ teams { name nodePools { name state } } }"}'`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([hive.stop(), teams.stop(), fleetgraph.stop()]).then(() => process.exit(0));
  });
}
