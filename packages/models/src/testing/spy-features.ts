/**
 * Test data: real point-in-time feature rows for SPY (daily, 1993–2018) computed by the
 * quant package from `<repo>/../shared/data/daily/spy_prices.csv`, or the bundled copy in
 * `<repo>/data/sample` on a machine without the shared folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  computeFeatureSeries,
  parseWidePrices,
  vectorFromSeries,
  type FeatureVector,
} from '@tradeplane/quant';
import { featureRow } from '../graphs/feature-row';
import { FEATURE_COUNT } from '../graphs/signatures';

/** packages/models/src/testing → repository root. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function spyCsv(): string {
  const candidates = [
    path.resolve(REPO_ROOT, '../shared/data/daily/spy_prices.csv'),
    path.resolve(REPO_ROOT, 'data/sample/spy_prices.csv'),
  ];
  const file = candidates.find((c) => existsSync(c));
  if (!file) throw new Error(`spy_prices.csv not found; looked at:\n  ${candidates.join('\n  ')}`);
  return readFileSync(file, 'utf8');
}

export interface SpyFeatures {
  dates: string[];
  vectors: FeatureVector[];
  /** Row-major [dates.length, FEATURE_COUNT] model input (null → 0). */
  rows: Float32Array;
  row(i: number): Float32Array;
}

let cached: SpyFeatures | null = null;

/** Every bar's feature vector and model row, warm-up bars included. */
export function spyFeatures(): SpyFeatures {
  if (cached) return cached;
  const table = parseWidePrices(spyCsv(), { columns: ['SPY'] });
  const close = table.prices[0]!;
  const ts = Float64Array.from(table.dates, (d) => Date.parse(`${d}T00:00:00Z`));
  const series = computeFeatureSeries({ ts, open: close, high: close, low: close, close, volume: null });
  const vectors = table.dates.map((_, i) => vectorFromSeries(series, i));
  const rows = new Float32Array(vectors.length * FEATURE_COUNT);
  vectors.forEach((v, i) => featureRow(v, rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)));
  cached = {
    dates: table.dates,
    vectors,
    rows,
    row: (i) => rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT),
  };
  return cached;
}
