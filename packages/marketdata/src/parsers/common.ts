import {
  UnparseableFileError,
  type AssetClass,
  type ParseReject,
  type ParsedBar,
  type ParsedSeries,
} from './types';

/** Symbols treated as ETFs in equity files; everything else in a USD equity file is 'equity'. */
export const KNOWN_ETFS: ReadonlySet<string> = new Set([
  'SPY',
  'IVV',
  'VOO',
  'VTI',
  'QQQ',
  'DIA',
  'IWM',
  'IWB',
  'IWF',
  'IWD',
  'MDY',
  'EFA',
  'EEM',
  'VEA',
  'VWO',
  'AGG',
  'BND',
  'TLT',
  'IEF',
  'SHY',
  'LQD',
  'HYG',
  'TIP',
  'GLD',
  'IAU',
  'SLV',
  'USO',
  'UNG',
  'VNQ',
  'XLB',
  'XLE',
  'XLF',
  'XLI',
  'XLK',
  'XLP',
  'XLU',
  'XLV',
  'XLY',
  'XLC',
  'XLRE',
  'SMH',
  'ARKK',
  'VIG',
  'VYM',
  'SCHD',
]);

export function equityAssetClass(symbol: string): AssetClass {
  return KNOWN_ETFS.has(symbol) ? 'etf' : 'equity';
}

/** Last path segment, for '/' and '\' separators (no fs, no node:path needed). */
export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

export function stripExtension(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(0, i) : name;
}

const SYMBOL_RE = /^[A-Z0-9^][A-Z0-9.=^-]*$/;

export function normalizeSymbol(raw: string): string | undefined {
  const s = raw.trim().toUpperCase();
  return SYMBOL_RE.test(s) ? s : undefined;
}

/**
 * Symbol of a per-symbol equity file: the file name up to the first all-digit `-`/`_` token,
 * upper-cased, tokens joined with '-': `nvda-1999-2014.csv` → NVDA, `brk_b.csv` → BRK-B.
 */
export function symbolFromEquityFileName(file: string): string {
  const stem = stripExtension(baseName(file));
  const tokens: string[] = [];
  for (const t of stem.split(/[-_]/)) {
    if (/^\d+$/.test(t)) break;
    tokens.push(t);
  }
  const symbol = normalizeSymbol(tokens.join('-'));
  if (symbol === undefined || tokens.length === 0) {
    throw new UnparseableFileError(file, `cannot derive a symbol from the file name "${baseName(file)}"`);
  }
  return symbol;
}

export interface PairName {
  symbol: string;
  base: string;
  quoteAsset: string;
  timeframe: string;
}

const PAIR_RE = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)-(\d+[smhdwM])$/;

/** `{BASE}_{QUOTE}-{tf}.ext` → symbol `BASE-QUOTE`, quote asset, timeframe (`UNITTEST_BTC-1m.json`). */
export function pairFromFileName(file: string): PairName {
  const m = PAIR_RE.exec(stripExtension(baseName(file)));
  if (m === null) {
    throw new UnparseableFileError(
      file,
      `file name "${baseName(file)}" does not match {BASE}_{QUOTE}-{timeframe} (e.g. ETH_BTC-5m.feather)`,
    );
  }
  const base = m[1]!.toUpperCase();
  const quoteAsset = m[2]!.toUpperCase();
  return { symbol: `${base}-${quoteAsset}`, base, quoteAsset, timeframe: m[3]! };
}

// ---------------------------------------------------------------------------------------------
// Value checks. Each returns the value, or a string describing the problem.

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A price from text: decimal notation only (no hex, no "NaN"/"Infinity"), finite, > 0. */
export function readPriceText(raw: string): number | string {
  if (raw === '') return 'missing value';
  if (!DECIMAL_RE.test(raw)) return `not a number: ${JSON.stringify(raw)}`;
  const n = Number(raw);
  if (!Number.isFinite(n)) return `not finite: ${JSON.stringify(raw)}`;
  if (n <= 0) return `not positive: ${raw}`;
  return n;
}

/** A price from a JSON/Arrow value (numbers, or decimal strings as some exchanges emit). */
export function readPriceValue(v: unknown): number | string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return `not finite: ${v}`;
    if (v <= 0) return `not positive: ${v}`;
    return v;
  }
  if (typeof v === 'string') return readPriceText(v.trim());
  if (v === null || v === undefined) return 'missing value';
  return `not a number: ${JSON.stringify(v)}`;
}

/** Volume: empty/null → null (absent), otherwise finite and ≥ 0. */
export function readVolumeText(raw: string): number | null | string {
  if (raw === '') return null;
  if (!DECIMAL_RE.test(raw)) return `not a number: ${JSON.stringify(raw)}`;
  const n = Number(raw);
  if (!Number.isFinite(n)) return `not finite: ${JSON.stringify(raw)}`;
  if (n < 0) return `negative: ${raw}`;
  return n;
}

export function readVolumeValue(v: unknown): number | null | string {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return `not finite: ${v}`;
    if (v < 0) return `negative: ${v}`;
    return v;
  }
  if (typeof v === 'string') return readVolumeText(v.trim());
  return `not a number: ${JSON.stringify(v)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → epoch ms at midnight UTC; calendar-checked (no 2021-02-30). */
export function readDailyDate(raw: string): number | string {
  const m = DATE_RE.exec(raw);
  if (m !== null) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const ts = Date.UTC(y, mo - 1, d);
    const back = new Date(ts);
    if (
      back.getUTCFullYear() === y &&
      back.getUTCMonth() === mo - 1 &&
      back.getUTCDate() === d &&
      y >= 1800
    ) {
      return ts;
    }
  }
  return `bad date: ${JSON.stringify(raw)} (expected YYYY-MM-DD)`;
}

/** Plausible epoch-ms range: 1971-01-01 .. 2100-01-01 (catches epoch *seconds* given as ms). */
export const MIN_EPOCH_MS = Date.UTC(1971, 0, 1);
export const MAX_EPOCH_MS = Date.UTC(2100, 0, 1);

export function readEpochMs(v: unknown): number | string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `bad timestamp: ${JSON.stringify(v)}`;
  if (!Number.isInteger(v)) return `bad timestamp: ${v} (not an integer epoch-ms)`;
  if (v < MIN_EPOCH_MS || v >= MAX_EPOCH_MS) return `timestamp out of range (1971..2100 in epoch ms): ${v}`;
  return v;
}

/** OHLC consistency on already-valid prices; returns [field, message] of the first violation. */
export function checkOhlc(open: number, high: number, low: number, close: number): [string, string] | null {
  if (high < low) return ['high', `high ${high} < low ${low}`];
  const top = Math.max(open, close);
  if (high < top) return ['high', `high ${high} < max(open, close) ${top}`];
  const bottom = Math.min(open, close);
  if (low > bottom) return ['low', `low ${low} > min(open, close) ${bottom}`];
  return null;
}

export function isoTs(ts: number): string {
  return new Date(ts).toISOString();
}

// ---------------------------------------------------------------------------------------------

export type LocationUnit = 'line' | 'element' | 'row';

/** Collects rejects with uniform reasons: `line 42: column "AAPL": not a number: "abc"`. */
export class RejectList {
  readonly list: ParseReject[] = [];

  constructor(
    readonly file: string,
    private readonly unit: LocationUnit,
    private readonly fieldWord: 'column' | 'field',
  ) {}

  add(n: number, field: string | undefined, message: string): void {
    const where = this.unit === 'element' ? `element ${n} (array index ${n - 1})` : `${this.unit} ${n}`;
    const reason =
      field === undefined
        ? `${where}: ${message}`
        : `${where}: ${this.fieldWord} ${JSON.stringify(field)}: ${message}`;
    const r: ParseReject = { file: this.file, line: n, reason };
    if (field !== undefined) r.field = field;
    this.list.push(r);
  }
}

/** Accumulates bars for one series; detects duplicate ts (first occurrence wins) and sorts at the end. */
export class SeriesBuilder {
  readonly bars: ParsedBar[] = [];
  private readonly seen: Map<number, number> | null;
  private lastTs = -Infinity;
  private sorted = true;

  constructor(checkDuplicates = true) {
    this.seen = checkDuplicates ? new Map() : null;
  }

  /** Returns the location of the earlier bar when ts is a duplicate (the bar is not added). */
  add(bar: ParsedBar, location: number): number | undefined {
    if (this.seen !== null) {
      const prev = this.seen.get(bar.ts);
      if (prev !== undefined) return prev;
      this.seen.set(bar.ts, location);
    }
    if (bar.ts < this.lastTs) this.sorted = false;
    this.lastTs = bar.ts;
    this.bars.push(bar);
    return undefined;
  }

  finish(): ParsedBar[] {
    if (!this.sorted) this.bars.sort((a, b) => a.ts - b.ts);
    return this.bars;
  }
}

/** The one series a per-pair candle file holds (none when every row was rejected). */
export function cryptoPairSeries(pair: PairName, bars: ParsedBar[]): ParsedSeries[] {
  return bars.length === 0
    ? []
    : [
        {
          symbol: pair.symbol,
          timeframe: pair.timeframe,
          assetClass: 'crypto',
          quoteAsset: pair.quoteAsset,
          bars,
        },
      ];
}
