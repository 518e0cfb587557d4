/**
 * With introspection off (the production default), no error may reveal the schema: Apollo's
 * `hideSchemaDetailsFromClientErrors` drops graphql-js's "Did you mean" suggestions from
 * validation errors, but not from the coercion of variables and enum values, which name
 * input fields and enum values all the same. This plugin removes them from every error sent.
 */
import type { ApolloServerPlugin } from '@apollo/server';

/** graphql-js's suggestion sentences: `Did you mean "x"?`, `Did you mean the enum value "X"?`, lists. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Given an error message, returns it without graphql-js's suggestions. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** Returns the plugin that strips suggestions from every error of every response. */
export function createNoSuggestionsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors) return;
          result.errors = result.errors.map((error) => ({
            ...error,
            message: withoutSuggestions(error.message),
          }));
        },
      };
    },
  };
}
