/**
 * The Apollo Server plugin of observability: tells the request's observation its operation name
 * and type, its outcome (ok, partial, error, refused), its error codes, the limit that refused it
 * and its cost; and, when tracing, adds `graphql.parse`, `graphql.validate` and `graphql.execute`
 * events (with their durations) to the request's server span. Listed after the limits plugin, so it sees
 * `extensions.cost` and the limit errors as they are sent.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { observationOf, type RequestObservation } from './request.js';

/** Returns the plugin (it does nothing for a request the HTTP handler did not observe). */
export function createObservabilityPlugin(): ApolloServerPlugin<object> {
  return {
    async requestDidStart({ contextValue }) {
      const observation = observationOf(contextValue);
      if (!observation) return;
      let executed = false;
      return {
        async parsingDidStart() {
          return phase(observation, 'graphql.parse');
        },
        async validationDidStart({ document }) {
          // Named already for a request refused by validation; didResolveOperation has the last word.
          const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
          if (operations.length === 1 && operations[0]) {
            observation.operationName = operations[0].name?.value;
            observation.operationType = operations[0].operation;
          }
          const end = phase(observation, 'graphql.validate');
          return end && ((errors) => end(errors?.[0]));
        },
        async didResolveOperation({ operation, operationName }) {
          observation.operationName = operationName ?? undefined;
          observation.operationType = operation?.operation ?? 'unknown';
        },
        async executionDidStart() {
          executed = true;
          const end = phase(observation, 'graphql.execute');
          return end && { executionDidEnd: async (error) => end(error) };
        },
        async willSendResponse({ response, request }) {
          if (observation.operationName === undefined && request.operationName) {
            observation.operationName = request.operationName;
          }
          if (response.body.kind !== 'single') return;
          const { data, errors, extensions } = response.body.singleResult;
          for (const error of errors ?? []) {
            const code = error.extensions?.code;
            if (typeof code === 'string') observation.addErrorCode(code);
            const limit = error.extensions?.limit;
            if (typeof limit === 'string') observation.refusedBy = limit;
          }
          const cost = extensions?.cost as { estimatedUpstreamCalls?: number; actualUpstreamCalls?: number };
          if (
            typeof cost?.estimatedUpstreamCalls === 'number' &&
            typeof cost.actualUpstreamCalls === 'number'
          ) {
            observation.cost = { estimated: cost.estimatedUpstreamCalls, actual: cost.actualUpstreamCalls };
          }
          // A response whose every root field is null (each failed) has no data to speak of.
          const hasData = !!data && Object.values(data).some((value) => value !== null);
          observation.outcome = !executed
            ? 'refused'
            : !errors?.length
              ? 'ok'
              : hasData
                ? 'partial'
                : 'error';
        },
      };
    },
  };
}

/**
 * Starts timing a phase; its end adds an event named `name` to the request's server span, at the
 * phase's start, with its duration (undefined when not tracing). Events rather than child spans:
 * three more spans per request would more than double the spans of a light query, and the
 * tracing overhead with them, for durations an event carries as well.
 */
function phase(
  observation: RequestObservation,
  name: string,
): ((error?: unknown) => Promise<void>) | undefined {
  const span = observation.span;
  if (!span) return undefined;
  const started = performance.now();
  const at = performance.timeOrigin + started;
  return async (error) => {
    span.addEvent(
      name,
      {
        'fleetgraph.duration_ms': performance.now() - started,
        ...(error ? { 'fleetgraph.failed': true } : {}),
      },
      at,
    );
  };
}
