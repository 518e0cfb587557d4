import type { CodegenConfig } from '@graphql-codegen/cli';
import { preset as clientPreset } from '@graphql-codegen/client-preset';

/**
 * graphql-codegen's client preset: typed documents from the `graphql()` calls in src/, with the
 * gateway's `DateTime` scalar typed as the RFC 3339 string it is on the wire (without the mapping
 * the preset types it `unknown`), and a persisted-documents manifest (sha256 → document) for
 * a gateway or proxy that only accepts known operations.
 */
const config: CodegenConfig = {
  schema: ['../../schema/*.graphql', '!../../schema/subgraph.graphql'],
  documents: ['src/**/*.tsx', 'src/**/*.ts', '!src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      // The preset itself, not its name: the name would resolve to the older copy codegen's CLI bundles.
      preset: clientPreset,
      presetConfig: { persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' } },
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
