import { createRequire } from 'node:module';
import type pg from 'pg';

/**
 * Compares prisma/schema.prisma (parsed by Prisma's own WebAssembly schema engine into
 * DMMF) with the live database's catalogue: tables, columns, types, nullability, primary
 * keys, unique indexes and enum values. Returns one line per difference; [] means no drift.
 * Views (e.g. `metrics` over `metric_segments`) are not models and are not compared.
 */
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isRequired: boolean;
  isList?: boolean;
  isId: boolean;
  isUnique: boolean;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
}
interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: Array<{ name: string; dbName: string | null }>;
}

export function parseSchema(schemaText: string): { models: DmmfModel[]; enums: DmmfEnum[] } {
  const require = createRequire(import.meta.url);
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: schemaText }))) as {
    datamodel: { models: DmmfModel[]; enums: DmmfEnum[] };
  };
  return dmmf.datamodel;
}

function expectedType(field: DmmfField, enums: Map<string, string>): string {
  if (field.kind === 'enum') return enums.get(field.type) ?? field.type;
  const native = field.nativeType?.[0];
  if (native === 'Uuid') return 'uuid';
  switch (field.type) {
    case 'Int':
      return 'int4';
    case 'BigInt':
      return 'int8';
    case 'String':
      return 'text';
    case 'Float':
      return 'float8';
    case 'Boolean':
      return 'bool';
    case 'DateTime':
      return native === 'Timestamptz' ? 'timestamptz' : 'timestamp';
    case 'Json':
      return native === 'Json' ? 'json' : 'jsonb';
    default:
      return field.type;
  }
}

export async function findSchemaDrift(schemaText: string, pool: pg.Pool): Promise<string[]> {
  const { models, enums } = parseSchema(schemaText);
  const enumDbNames = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));
  const diffs: string[] = [];

  const { rows: columns } = await pool.query<{
    table_name: string;
    column_name: string;
    udt_name: string;
    is_nullable: string;
  }>(
    `SELECT c.table_name, c.column_name, c.udt_name, c.is_nullable
     FROM information_schema.columns c JOIN pg_class t ON t.relname = c.table_name
     WHERE c.table_schema = 'public' AND NOT t.relispartition AND t.relkind IN ('r', 'p')`,
  );
  const { rows: keys } = await pool.query<{ table_name: string; columns: string[]; is_primary: boolean }>(
    `SELECT t.relname AS table_name, i.indisprimary AS is_primary,
            array_agg(a.attname ORDER BY k.ord)::text[] AS columns
     FROM pg_index i
     JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE (i.indisunique OR i.indisprimary) AND NOT t.relispartition
     GROUP BY t.relname, i.indexrelid, i.indisprimary`,
  );
  const { rows: enumRows } = await pool.query<{ typname: string; labels: string[] }>(
    `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
  );

  const byTable = new Map<string, Map<string, { type: string; nullable: boolean }>>();
  for (const c of columns) {
    const t = byTable.get(c.table_name) ?? new Map();
    t.set(c.column_name, { type: c.udt_name, nullable: c.is_nullable === 'YES' });
    byTable.set(c.table_name, t);
  }

  for (const e of enums) {
    const dbName = e.dbName ?? e.name;
    const actual = enumRows.find((r) => r.typname === dbName)?.labels;
    const expected = e.values.map((v) => v.dbName ?? v.name);
    if (!actual) diffs.push(`enum ${dbName}: missing in database`);
    else if (actual.join(',') !== expected.join(',')) {
      diffs.push(`enum ${dbName}: database has [${actual.join(', ')}], schema has [${expected.join(', ')}]`);
    }
  }

  const modelTables = new Set<string>();
  for (const model of models) {
    const table = model.dbName ?? model.name;
    modelTables.add(table);
    const actual = byTable.get(table);
    if (!actual) {
      diffs.push(`table ${table}: missing in database`);
      continue;
    }
    const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    const colName = (f: DmmfField) => f.dbName ?? f.name;
    for (const f of scalars) {
      const col = actual.get(colName(f));
      if (!col) {
        diffs.push(`column ${table}.${colName(f)}: missing in database`);
        continue;
      }
      // PostgreSQL names an array type after its element type with a leading underscore.
      const type = (f.isList ? '_' : '') + expectedType(f, enumDbNames);
      if (col.type !== type)
        diffs.push(`column ${table}.${colName(f)}: database type ${col.type}, schema type ${type}`);
      if (col.nullable === f.isRequired) {
        diffs.push(
          `column ${table}.${colName(f)}: database ${col.nullable ? 'nullable' : 'NOT NULL'}, schema ${f.isRequired ? 'required' : 'optional'}`,
        );
      }
    }
    for (const name of actual.keys()) {
      if (!scalars.some((f) => colName(f) === name))
        diffs.push(`column ${table}.${name}: in database, not in schema`);
    }
    const toDb = (field: string) =>
      colName(scalars.find((f) => f.name === field) ?? ({ name: field } as DmmfField));
    const pk = (model.primaryKey?.fields ?? scalars.filter((f) => f.isId).map((f) => f.name)).map(toDb);
    const dbPk = keys.find((k) => k.table_name === table && k.is_primary)?.columns ?? [];
    if (pk.join(',') !== dbPk.join(','))
      diffs.push(
        `table ${table}: primary key (${dbPk.join(', ')}) in database, (${pk.join(', ')}) in schema`,
      );
    for (const f of scalars.filter((s) => s.isUnique)) {
      if (!keys.some((k) => k.table_name === table && !k.is_primary && k.columns.join(',') === colName(f))) {
        diffs.push(`column ${table}.${colName(f)}: unique in schema, no unique index in database`);
      }
    }
  }
  for (const table of byTable.keys()) {
    if (!modelTables.has(table) && !table.startsWith('_tp_'))
      diffs.push(`table ${table}: in database, not in schema`);
  }
  return diffs;
}
