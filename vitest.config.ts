import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs ("module") and index.js ("main"). Vite would give our own
    // sources the .mjs build while Apollo Server, loaded by Node, gets the .js one: two graphql
    // realms, and every in-process gateway request fails with "Cannot use GraphQLObjectType from
    // another module or realm". Pin every import to the build Node itself resolves.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Suites start real HTTP servers on ephemeral loopback ports; files run in parallel workers.
    pool: 'forks',
  },
});
