import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
