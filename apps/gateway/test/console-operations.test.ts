/**
 * Every GraphQL operation the console sends (console-operations.ts imports them from
 * apps/web/src), validated against the gateway's executable schema (built by the gateway's own
 * buildSchema from its .graphql files; no server, no database) and the pipeline's limits at
 * their defaults, so a field renamed on one side, or an operation grown past a limit, fails
 * here rather than in a browser; and the trusted-document manifest is the one they make.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/config';
import { buildSchema } from '../src/gateway';
import { limitRules } from '../src/security/graphql-pipeline';
import { consoleOperations, trustedDocumentsFile, trustedDocumentsModule } from './console-operations';

// graphql as Node loads it for @graphql-tools (CommonJS), so validate() accepts that schema;
// an import here would get Vite's ESM build, a second instance.
const { parse, specifiedRules, validate } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const { operations, inventory } = await consoleOperations();
const defaults = gatewayConfigSchema.parse({});

describe('console operations', () => {
  const schema = buildSchema();
  const rules = [...specifiedRules, ...limitRules(defaults)];

  it('are all reached: every operation() call is an exported constant or a listed builder', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(inventory.filter((entry) => entry.calls !== entry.reached)).toEqual([]);
  });

  for (const { name, query } of operations) {
    it(`${name} is valid against the gateway schema and passes the default limits`, () => {
      const document = parse(query, { maxTokens: defaults.GRAPHQL_MAX_TOKENS });
      expect(validate(schema, document, rules).map((error) => error.message)).toEqual([]);
    });
  }

  it('are the trusted-document manifest (run `npm run trusted-documents -w @tradeplane/gateway`)', async () => {
    const committed = readFileSync(trustedDocumentsFile, 'utf8');
    expect(committed).toBe(await trustedDocumentsModule(operations));
  });
});
