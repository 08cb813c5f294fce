/**
 * Test-side loaders for the real market data (file I/O is fine here, never in src/features
 * proper). Reads `<repo>/../shared/data`, falling back to the bundled copy in `<repo>/data/sample`
 * on a machine without ../shared.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BarColumns } from '../bars';

/** packages/quant */
const PACKAGE_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const SHARED_DATA = path.resolve(PACKAGE_ROOT, '../../../shared/data');
const SAMPLE_DATA = path.resolve(PACKAGE_ROOT, '../../data/sample');

function dataFile(sharedRelative: string): string {
  const shared = path.join(SHARED_DATA, sharedRelative);
  if (existsSync(shared)) return shared;
  const sample = path.join(SAMPLE_DATA, path.basename(sharedRelative));
  if (existsSync(sample)) return sample;
  throw new Error(`real data file not found: ${shared} (nor ${sample})`);
}

function dateToMs(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const ms = Date.UTC(y!, m! - 1, d!);
  if (!Number.isFinite(ms)) throw new Error(`bad date ${date}`);
  return ms;
}

export interface LoadedCsv {
  bars: BarColumns;
  /** ISO dates (YYYY-MM-DD), one per bar. */
  dates: string[];
}

/** daily/spy_prices.csv: `date,SPY` (adjusted close only) → open = high = low = close, volume null. */
export function loadSpy(): LoadedCsv {
  const lines = readFileSync(dataFile('daily/spy_prices.csv'), 'utf8').trim().split(/\r?\n/);
  if (lines[0] !== 'date,SPY') throw new Error(`unexpected SPY header ${lines[0]}`);
  const rows = lines.slice(1).map((l) => l.split(','));
  const dates = rows.map((r) => r[0]!);
  const close = Float64Array.from(rows, (r) => Number(r[1]));
  return {
    dates,
    bars: {
      ts: Float64Array.from(dates, dateToMs),
      open: close,
      high: close,
      low: close,
      close,
      volume: null,
    },
  };
}

/** daily/nvda-1999-2014.csv: `Date,Open,High,Low,Close,Adj Close,Volume` (uses Close, not Adj Close). */
export function loadNvda(): LoadedCsv {
  const lines = readFileSync(dataFile('daily/nvda-1999-2014.csv'), 'utf8').trim().split(/\r?\n/);
  if (lines[0] !== 'Date,Open,High,Low,Close,Adj Close,Volume')
    throw new Error(`unexpected header ${lines[0]}`);
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (i: number) => Float64Array.from(rows, (r) => (r[i] === '' ? NaN : Number(r[i])));
  const dates = rows.map((r) => r[0]!);
  return {
    dates,
    bars: {
      ts: Float64Array.from(dates, dateToMs),
      open: col(1),
      high: col(2),
      low: col(3),
      close: col(4),
      volume: col(6),
    },
  };
}

/** intraday/UNITTEST_BTC-1m.json: `[[epoch_ms, open, high, low, close, volume], ...]`. */
export function loadBtc1m(): BarColumns {
  const rows = JSON.parse(readFileSync(dataFile('intraday/UNITTEST_BTC-1m.json'), 'utf8')) as number[][];
  const col = (i: number) => Float64Array.from(rows, (r) => (typeof r[i] === 'number' ? r[i] : NaN));
  return { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}
