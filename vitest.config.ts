import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/.next/**', 'apps/web/e2e/**', '.stack/**'];

// graphql as Node loads it (CommonJS, what @graphql-tools and Apollo require), for source files
// too: Vite would otherwise pick its ESM build, a second instance that rejects their schemas.
const graphqlAsNodeLoadsIt = {
  find: /^graphql$/,
  replacement: createRequire(import.meta.url).resolve('graphql'),
};

// Two projects: fast pure tests, and integration tests that talk to the real local stack
// (PostgreSQL, Redis, Kafka from infra/). Integration files run one at a time because some
// of them stop and restart stack components.
export default defineConfig({
  test: {
    projects: [
      {
        // The console's `@/` imports (apps/web/tsconfig.json), for tests that load its modules.
        resolve: {
          alias: [
            { find: /^@\//, replacement: `${path.resolve(import.meta.dirname, 'apps/web/src')}/` },
            graphqlAsNodeLoadsIt,
          ],
        },
        test: {
          name: 'unit',
          include: ['packages/**/*.test.ts', 'apps/**/*.test.ts'],
          exclude: [...exclude, '**/*.integration.test.ts'],
        },
      },
      {
        resolve: { alias: [graphqlAsNodeLoadsIt] },
        test: {
          name: 'integration',
          include: [
            'packages/**/*.integration.test.ts',
            'apps/**/*.integration.test.ts',
            'test/**/*.integration.test.ts',
          ],
          exclude,
          globalSetup: ['test/integration-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
