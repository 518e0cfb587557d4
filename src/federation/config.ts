/**
 * Configuration of the federation subgraph endpoint (`/subgraph`), read with the rest of the
 * configuration at start.
 *
 * - `SUBGRAPH_SECRET`: when set, `/subgraph` answers only requests carrying it in
 *   `x-fleetgraph-subgraph-secret` (the federation gateway adds it), so clients cannot bypass the
 *   supergraph's own policies by calling the subgraph directly.
 * - In production `/subgraph` is served only with a secret: an open subgraph endpoint would
 *   let anyone resolve arbitrary entity references and read `_service`.
 */
import { ConfigError } from '../config.js';

/** The header the federation gateway sends the shared secret in. */
export const SUBGRAPH_SECRET_HEADER = 'x-fleetgraph-subgraph-secret';

/** Whether `/subgraph` is served, and the secret it then requires (if any). */
export interface FederationConfig {
  subgraph: boolean;
  secret: string | undefined;
}

/** Given the environment and whether it is production, returns the federation configuration. */
export function loadFederationConfig(
  env: Record<string, string | undefined>,
  production: boolean,
): FederationConfig {
  const secret = env.SUBGRAPH_SECRET?.trim() || undefined;
  if (secret !== undefined && !/^[\x21-\x7e]{16,4096}$/.test(secret)) {
    throw new ConfigError('SUBGRAPH_SECRET must be 16 to 4096 printable characters without spaces');
  }
  return { subgraph: !production || secret !== undefined, secret };
}
