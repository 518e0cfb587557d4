/**
 * `extensions.stale`: when any upstream answer of an operation came from the cache past its TTL
 * (stale-while-revalidate or stale-if-error), the response lists each such upstream request per
 * vendor, with how old its answer was. Absent when everything was fresh.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { StaleAnswer, UpstreamSession } from '../upstream/http.js';

/** One entry of `extensions.stale`. */
export interface StaleReport extends StaleAnswer {
  /** The vendor's id, as in `extensions.upstream` of errors. */
  upstream: string;
}

/** Returns the plugin that adds `extensions.stale` (see the file comment). */
export function createStalePlugin(): ApolloServerPlugin<{
  sessions: Readonly<Record<string, UpstreamSession>>;
}> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !contextValue.sessions) return;
          const stale: StaleReport[] = Object.entries(contextValue.sessions).flatMap(([upstream, session]) =>
            session.stale.map((answer) => ({ upstream, ...answer })),
          );
          if (stale.length === 0) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, stale };
        },
      };
    },
  };
}
