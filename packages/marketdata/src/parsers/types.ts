export type AssetClass = 'equity' | 'etf' | 'crypto';

/** The on-disk formats the parsers understand. */
export type FileFormat = 'wide-close-csv' | 'ohlcv-csv' | 'json-candles' | 'feather';

/** One bar. `ts` is the bar's open time in epoch milliseconds (UTC); daily bars sit at midnight UTC. */
export interface ParsedBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** null where the source has no volume (wide close-price CSVs). */
  volume: number | null;
}

/** All bars of one instrument and timeframe found in a file, sorted by ts, unique ts. */
export interface ParsedSeries {
  symbol: string;
  timeframe: string;
  assetClass: AssetClass;
  quoteAsset: string;
  bars: ParsedBar[];
}

/**
 * A row (or cell) that was dropped. `line` is 1-based: the file line for CSV, the array element
 * index + 1 for JSON, the row index + 1 for Feather; 0 means the whole file was unreadable.
 * `reason` starts with the location, e.g. `line 42: column "AAPL": not a number: "abc"`.
 */
export interface ParseReject {
  file: string;
  line: number;
  /** The column/field at fault, when one is. */
  field?: string;
  reason: string;
}

export interface ParseResult {
  file: string;
  format: FileFormat;
  series: ParsedSeries[];
  rejects: ParseReject[];
  /** Data rows read: CSV lines after the header (blank lines excluded), JSON elements, Feather rows. */
  rowsRead: number;
  /** Empty cells in a wide close-price CSV (ticker not listed yet); skipped, not rejects. */
  cellsEmpty: number;
}

/** Thrown when a file cannot be parsed at all (unknown format, bad header, corrupt container). */
export class UnparseableFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'UnparseableFileError';
  }
}
