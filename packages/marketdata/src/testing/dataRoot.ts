import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (/work/main in the dev container). */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
/** The shared real-data folder: `<repo root>/../shared/data` (absent on a user's machine). */
export const DATA_ROOT = path.resolve(REPO_ROOT, '../shared/data');
export const HAS_DATA = existsSync(path.join(DATA_ROOT, 'README.md'));
