/**
 * Test and benchmark loader for wide price files (file I/O is allowed here, never in
 * src/risk proper). Looks for `<repo>/../shared/data/<file>` (the shared real-data folder
 * next to the checkout), then `<repo>/shared/data/<file>`, then the bundled copy
 * `<repo>/data/sample/<basename>` for a machine without the shared folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWidePrices, type ParseWidePricesOptions, type PriceTable } from '../risk';

/** The repository root: packages/quant/src/testing → ../../../.. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Absolute path of a data file, relative to the shared data folder (e.g. 'daily/stock_prices.csv'). */
export function resolveDataFile(file: string): string {
  const candidates = [
    path.resolve(REPO_ROOT, '../shared/data', file),
    path.resolve(REPO_ROOT, 'shared/data', file),
    path.resolve(REPO_ROOT, 'data/sample', path.basename(file)),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`data file '${file}' not found; looked at:\n  ${candidates.join('\n  ')}`);
  return found;
}

/** Reads and parses a wide price CSV (default: the 20-stock universe, 1989-12-29 .. 2018-04-11). */
export function loadWidePrices(
  file = 'daily/stock_prices.csv',
  options: ParseWidePricesOptions = {},
): PriceTable {
  return parseWidePrices(readFileSync(resolveDataFile(file), 'utf8'), options);
}
