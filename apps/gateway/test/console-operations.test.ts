/**
 * Every GraphQL operation the console sends, validated against the gateway's executable schema
 * (built by the gateway's own buildSchema from its .graphql files; no server, no database), so
 * a field renamed on one side fails here rather than in a browser.
 *
 * The console writes its operations as `operation<TData, TVars>(`…`)` constants exported from
 * apps/web/src (each feature's operations.ts, shared/market/bars.ts), their selections partly
 * interpolated from shared field lists, plus builders that assemble one from arguments
 * (`metricSeriesOperation(count)`). The modules are imported, so the strings are the ones the
 * console sends; a call site this test cannot reach (neither an exported constant nor a listed
 * builder) fails the inventory test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../src/gateway';

// graphql as Node loads it for @graphql-tools (CommonJS), so validate() accepts that schema;
// an import here would get Vite's ESM build, a second instance.
const { parse, validate } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const webSrc = path.resolve(import.meta.dirname, '../../web/src');
/** Where `operation()` itself is defined. */
const operationHelper = path.join(webSrc, 'shared/graphql/client.ts');

/** Builders of operations, with arguments the console calls them with. */
const builders: Record<string, unknown[][]> = {
  metricSeriesOperation: [[1], [3]],
};

interface ConsoleOperation {
  name: string;
  query: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** `operation<…>(` and `operation(` call sites, comments left out. */
function operationCalls(source: string): number {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return code.match(/\boperation\s*[<(]/g)?.length ?? 0;
}

function isOperation(value: unknown): value is { query: string } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { query?: unknown }).query === 'string'
  );
}

const operations: ConsoleOperation[] = [];
/** Per file: call sites found in its text, and the operations reached through its exports. */
const inventory: Array<{ file: string; calls: number; reached: number }> = [];
for (const file of sourceFiles(webSrc)) {
  if (file === operationHelper) continue;
  const calls = operationCalls(readFileSync(file, 'utf8'));
  if (calls === 0) continue;
  const rel = path.relative(webSrc, file);
  const module = (await import(file)) as Record<string, unknown>;
  let reached = 0;
  for (const [name, value] of Object.entries(module)) {
    if (isOperation(value)) {
      operations.push({ name: `${rel} ${name}`, query: value.query });
      reached++;
    } else if (typeof value === 'function' && builders[name]) {
      for (const args of builders[name]) {
        const call = `${name}(${args.map(String).join(', ')})`;
        const built: unknown = value(...args);
        if (!isOperation(built)) throw new Error(`${rel}: ${call} returned no operation`);
        operations.push({ name: `${rel} ${call}`, query: built.query });
      }
      reached++;
    }
  }
  inventory.push({ file: rel, calls, reached });
}

describe('console operations', () => {
  const schema = buildSchema();

  it('are all reached: every operation() call is an exported constant or a listed builder', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(inventory.filter((entry) => entry.calls !== entry.reached)).toEqual([]);
  });

  for (const { name, query } of operations) {
    it(`${name} is valid against the gateway schema`, () => {
      expect(validate(schema, parse(query)).map((error) => error.message)).toEqual([]);
    });
  }
});
