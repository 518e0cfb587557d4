import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { typePolicies } from './type-policies';

/**
 * The gateway this dashboard reads: `?gateway=<url>` in the page address, else the build's
 * `VITE_FLEETGRAPH_URL`, else the demo gateway of `npm start` on this host.
 */
export const gatewayUrl =
  new URLSearchParams(window.location.search).get('gateway') ??
  (import.meta.env.VITE_FLEETGRAPH_URL as string | undefined) ??
  `${window.location.protocol}//${window.location.hostname}:4000/graphql`;

/** One Apollo Client for the app; every query sets errorPolicy 'all' to keep the vendors that answered. */
export const client = new ApolloClient({
  link: new HttpLink({ uri: gatewayUrl }),
  cache: new InMemoryCache({ typePolicies }),
});
