import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
const require = createRequire(import.meta.url);
export default defineConfig({
  root: '/work/main',
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: { include: ['.explore/*.explore.ts'], testTimeout: 60000 },
});
