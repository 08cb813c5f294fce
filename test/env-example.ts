// The variables .env.example documents, set or commented out (`# ADMIN_PASSWORD=`): each
// process's config test checks that every variable it reads is among them.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function envExampleVariables(): Set<string> {
  const text = readFileSync(path.resolve(import.meta.dirname, '../.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}
