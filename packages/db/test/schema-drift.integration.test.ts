import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, findSchemaDrift } from '../src';
import { testDatabaseUrl } from './test-database';

const schemaPath = path.resolve(import.meta.dirname, '../../../prisma/schema.prisma');
const schema = readFileSync(schemaPath, 'utf8');
const db = createDb({ url: testDatabaseUrl(), poolMax: 2 });
afterAll(() => db.close());

describe('prisma/schema.prisma against the migrated database', () => {
  it('has no drift: every table, column, type, key and enum agrees', async () => {
    expect(await findSchemaDrift(schema, db.pool)).toEqual([]);
  });

  it('reports a column the schema adds but no migration created', async () => {
    const altered = schema.replace('  description String?\n', '  description String?\n  sector String?\n');
    expect(await findSchemaDrift(altered, db.pool)).toEqual([
      'column instruments.sector: missing in database',
    ]);
  });

  it('reports a type or nullability mismatch', async () => {
    const altered = schema.replace('  name          String\n  prefix', '  name          Int?\n  prefix');
    const diffs = await findSchemaDrift(altered, db.pool);
    expect(diffs).toContain('column api_keys.name: database type text, schema type int4');
    expect(diffs).toContain('column api_keys.name: database NOT NULL, schema optional');
  });
});
