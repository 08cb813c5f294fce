import { z } from 'zod';

/** What a secret field shows in logs and reports. */
export const REDACTED = '[redacted]';

// A registry rather than a brand: the mark is found by walking a schema, and zod's registry
// lookup follows clones (`.describe()` after `secret()` keeps the mark).
const secrets = z.registry<{ secret: true }>();

/** Marks a configuration field as secret: `redactConfig` replaces its value, wherever it is logged. */
export function secret<T extends z.ZodType>(schema: T): T {
  secrets.add(schema, { secret: true });
  return schema;
}

/** The schema under one wrapper (default, optional, nullable, pipe), or null. */
function wrapped(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable)
    return [schema.unwrap() as z.ZodType];
  if (schema instanceof z.ZodPipe) return [schema.in as z.ZodType, schema.out as z.ZodType];
  return [];
}

/** Whether a field is marked secret, itself or under its defaults, optionals and transforms. */
export function isSecret(schema: z.ZodType): boolean {
  return secrets.get(schema) !== undefined || wrapped(schema).some(isSecret);
}

/** The fields of a piece (an object schema), or of a composed configuration's pieces; else null. */
function fieldsOf(schema: z.ZodType): Record<string, z.ZodType> | null {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  for (const inner of wrapped(schema)) {
    const fields = fieldsOf(inner);
    if (fields) return fields;
  }
  return null;
}

/**
 * A parsed configuration with every secret-marked field replaced by '[redacted]' (an unset
 * optional secret stays unset, so the log still says whether it was given).
 */
export function redactConfig(schema: z.ZodType, value: unknown): unknown {
  const fields = fieldsOf(schema);
  if (fields && value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, key in fields ? redactConfig(fields[key]!, v) : v]),
    );
  }
  return value !== undefined && isSecret(schema) ? REDACTED : value;
}

/** Every environment variable a piece or a composed configuration reads, in declaration order. */
export function configVariables(schema: z.ZodType): string[] {
  const fields = fieldsOf(schema);
  if (!fields) return [];
  return Object.entries(fields).flatMap(([key, field]) => (fieldsOf(field) ? configVariables(field) : [key]));
}
