import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Boundaries: an app is a process and never imports another app (tests talk to the running
// process instead: test/processes.ts); no relative path reaches into another package's or
// app's src, test or bench (a package exposes what others need through its index or a
// `testing` entry point). The root `test/` harness is shared by every integration test.
const apps = ['cli', 'gateway', 'web', 'workers'];
const crossPackageImports = [
  {
    group: apps.flatMap((a) => [`@tradeplane/${a}`, `@tradeplane/${a}/*`]),
    message:
      'An app never imports another app: start it as a process (test/processes.ts) or move the code to a package.',
  },
  {
    // `../../engine/test/…` from a package's test; `../../../packages/engine/src/…` from an app.
    regex: String.raw`^(\.\./){2}[^./][^/]*/(src|test|bench)(/|$)|^(\.\./)+(packages|apps)/[^/]+/(src|test|bench)(/|$)`,
    message: "Not into another package's src, test or bench: import its index or its `testing` entry point.",
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.next*/**',
      '.stack/**',
      'dist/**',
      'packages/db/src/generated/**',
      '**/next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Only packages/db talks to Prisma; domain code never imports transport code.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@prisma/*', '**/generated/prisma/**'], message: 'Use @tradeplane/db repositories.' },
            { group: ['@tradeplane/*/src/*'], message: "Import a package's public index, not its files." },
            ...crossPackageImports,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/db/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Each process parses its configuration once, in main.ts through its config.ts, and hands
    // the parsed object down; nothing below reads the environment. The web app is exempt:
    // Next inlines NEXT_PUBLIC_* variables at build time and next.config.ts runs at build.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/main.ts', '**/config.ts', '**/*.test.ts', 'packages/db/src/migrate/cli.ts', 'apps/web/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration in main.ts (load<Process>Config) and pass the parsed object down.',
        },
      ],
    },
  },
  {
    files: ['packages/quant/src/**'],
    ignores: ['packages/quant/src/**/*.test.ts', 'packages/quant/src/**/testing/**'],
    rules: {
      // The quant core is pure: no I/O, no environment, no wall clock.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'net'], message: 'packages/quant is pure: no I/O.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'packages/quant takes configuration as arguments.' },
        { object: 'Date', property: 'now', message: 'packages/quant takes time as an argument.' },
      ],
    },
  },
  {
    // Tests read untyped JSON responses; `any` there is honest.
    files: ['**/*.test.ts', '**/test/**', '**/e2e/**', '**/bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
