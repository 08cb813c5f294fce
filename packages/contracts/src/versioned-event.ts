import type { z } from 'zod';

/**
 * Parses a Kafka message value as a versioned event: the event, or the first problem as
 * `path: message` (the reason a consumer logs or dead-letters). An event of another schema
 * version is refused before its fields are read, so a consumer never guesses at a newer shape.
 */
export function parseVersionedEvent<S extends z.ZodType>(
  schema: S,
  version: number,
  value: string | null,
): { ok: true; event: z.infer<S> } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(value ?? '');
  } catch {
    return { ok: false, reason: value ? 'not JSON' : 'empty message' };
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const found = (json as { schemaVersion?: unknown }).schemaVersion;
    if (found !== version) {
      const what = found === undefined ? 'missing' : `unknown version ${JSON.stringify(found)}`;
      return { ok: false, reason: `schemaVersion: ${what} (this consumer reads version ${version})` };
    }
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, event: result.data };
  const first = result.error.issues[0];
  return { ok: false, reason: first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid' };
}
