import {
  RejectList,
  SeriesBuilder,
  checkOhlc,
  equityAssetClass,
  isoTs,
  normalizeSymbol,
  readDailyDate,
  readPriceText,
  readVolumeText,
  symbolFromEquityFileName,
} from './common';
import { csvRecords, splitCsvLine } from './csv';
import { UnparseableFileError, type ParseResult, type ParsedSeries } from './types';

const DATE_NAMES = new Set(['date', 'datetime', 'timestamp', 'time']);
const OHLC_NAMES = ['open', 'high', 'low', 'close'] as const;

export type CsvKind = 'wide-close-csv' | 'ohlcv-csv';

/** Decides the CSV layout from its header fields; returns an explanation string when neither fits. */
export function classifyCsvHeader(header: readonly string[]): CsvKind | string {
  const lower = header.map((h) => h.trim().toLowerCase());
  if (lower.length < 2 || !DATE_NAMES.has(lower[0]!)) {
    return `unrecognised CSV header ${JSON.stringify(header.join(','))}: the first column must be a date`;
  }
  if (OHLC_NAMES.every((n) => lower.includes(n))) return 'ohlcv-csv';
  if (lower.some((n) => OHLC_NAMES.includes(n as (typeof OHLC_NAMES)[number]) || n === 'volume')) {
    return `unrecognised CSV header ${JSON.stringify(header.join(','))}: has some but not all of open/high/low/close`;
  }
  return 'wide-close-csv';
}

/** First non-blank line of a text, split as CSV (for format detection). */
export function csvHeaderOf(text: string): string[] | null {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const raw of src.split('\n', 50)) {
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l.trim() !== '') return splitCsvLine(l);
  }
  return null;
}

function readHeader(text: string, file: string) {
  const records = csvRecords(text);
  const head = records[0];
  if (head === undefined) throw new UnparseableFileError(file, 'empty CSV file');
  if (head.fields === null) throw new UnparseableFileError(file, 'malformed CSV header line');
  return { header: head.fields, rows: records.slice(1) };
}

/**
 * Wide close-price CSV: `date,T1,T2,...`, one close per ticker per day. Each non-empty cell is a
 * bar with open=high=low=close=price and volume null; empty cells (ticker not listed yet) are
 * skipped and counted in `cellsEmpty`. A bad cell rejects that cell only; a bad/duplicate date
 * rejects the whole line.
 */
export function parseWideCloseCsv(text: string, file: string): ParseResult {
  const { header, rows } = readHeader(text, file);
  const kind = classifyCsvHeader(header);
  if (kind !== 'wide-close-csv') {
    throw new UnparseableFileError(
      file,
      kind === 'ohlcv-csv' ? 'this is an OHLCV CSV, not a wide close CSV' : kind,
    );
  }
  const dateName = header[0]!;
  const symbols: string[] = [];
  for (let c = 1; c < header.length; c++) {
    const s = normalizeSymbol(header[c]!);
    if (s === undefined)
      throw new UnparseableFileError(file, `column ${c + 1}: invalid ticker ${JSON.stringify(header[c])}`);
    if (symbols.includes(s))
      throw new UnparseableFileError(file, `duplicate ticker column ${JSON.stringify(s)}`);
    symbols.push(s);
  }
  const builders = symbols.map(() => new SeriesBuilder(false)); // duplicates are checked per line
  const seenDates = new Map<number, number>();
  const rejects = new RejectList(file, 'line', 'column');
  let cellsEmpty = 0;

  for (const { line, fields } of rows) {
    if (fields === null) {
      rejects.add(line, undefined, 'malformed CSV quoting');
      continue;
    }
    if (fields.length !== header.length) {
      rejects.add(line, undefined, `expected ${header.length} columns, got ${fields.length}`);
      continue;
    }
    const ts = readDailyDate(fields[0]!);
    if (typeof ts === 'string') {
      rejects.add(line, dateName, ts);
      continue;
    }
    const prev = seenDates.get(ts);
    if (prev !== undefined) {
      rejects.add(line, dateName, `duplicate timestamp ${isoTs(ts)} (first on line ${prev})`);
      continue;
    }
    seenDates.set(ts, line);
    for (let c = 1; c < fields.length; c++) {
      const raw = fields[c]!;
      if (raw === '') {
        cellsEmpty++;
        continue;
      }
      const p = readPriceText(raw);
      if (typeof p === 'string') {
        rejects.add(line, header[c]!, p);
        continue;
      }
      builders[c - 1]!.add({ ts, open: p, high: p, low: p, close: p, volume: null }, line);
    }
  }

  const series: ParsedSeries[] = [];
  symbols.forEach((symbol, i) => {
    const bars = builders[i]!.finish();
    if (bars.length === 0) return;
    series.push({ symbol, timeframe: '1d', assetClass: equityAssetClass(symbol), quoteAsset: 'USD', bars });
  });
  return { file, format: 'wide-close-csv', series, rejects: rejects.list, rowsRead: rows.length, cellsEmpty };
}

/**
 * Per-symbol OHLCV CSV (`Date,Open,High,Low,Close,Adj Close,Volume`), symbol from the file name.
 * `Adj Close` is ignored (bars carry the raw OHLC); an empty Volume cell means volume null.
 */
export function parseOhlcvCsv(text: string, file: string): ParseResult {
  const symbol = symbolFromEquityFileName(file);
  const { header, rows } = readHeader(text, file);
  const kind = classifyCsvHeader(header);
  if (kind !== 'ohlcv-csv') {
    throw new UnparseableFileError(file, kind === 'wide-close-csv' ? 'no open/high/low/close columns' : kind);
  }
  const lower = header.map((h) => h.trim().toLowerCase());
  const col = (name: string) => lower.indexOf(name);
  const iDate = 0;
  const iOpen = col('open');
  const iHigh = col('high');
  const iLow = col('low');
  const iClose = col('close');
  const iVol = col('volume');
  const builder = new SeriesBuilder();
  const rejects = new RejectList(file, 'line', 'column');

  for (const { line, fields } of rows) {
    if (fields === null) {
      rejects.add(line, undefined, 'malformed CSV quoting');
      continue;
    }
    if (fields.length !== header.length) {
      rejects.add(line, undefined, `expected ${header.length} columns, got ${fields.length}`);
      continue;
    }
    const ts = readDailyDate(fields[iDate]!);
    if (typeof ts === 'string') {
      rejects.add(line, header[iDate], ts);
      continue;
    }
    const open = readPriceText(fields[iOpen]!);
    if (typeof open === 'string') {
      rejects.add(line, header[iOpen], open);
      continue;
    }
    const high = readPriceText(fields[iHigh]!);
    if (typeof high === 'string') {
      rejects.add(line, header[iHigh], high);
      continue;
    }
    const low = readPriceText(fields[iLow]!);
    if (typeof low === 'string') {
      rejects.add(line, header[iLow], low);
      continue;
    }
    const close = readPriceText(fields[iClose]!);
    if (typeof close === 'string') {
      rejects.add(line, header[iClose], close);
      continue;
    }
    const volume = iVol >= 0 ? readVolumeText(fields[iVol]!) : null;
    if (typeof volume === 'string') {
      rejects.add(line, header[iVol], volume);
      continue;
    }
    const bad = checkOhlc(open, high, low, close);
    if (bad !== null) {
      rejects.add(line, header[lower.indexOf(bad[0])], bad[1]);
      continue;
    }
    const prev = builder.add({ ts, open, high, low, close, volume }, line);
    if (prev !== undefined)
      rejects.add(line, header[iDate], `duplicate timestamp ${isoTs(ts)} (first on line ${prev})`);
  }

  const bars = builder.finish();
  const series: ParsedSeries[] =
    bars.length === 0
      ? []
      : [{ symbol, timeframe: '1d', assetClass: equityAssetClass(symbol), quoteAsset: 'USD', bars }];
  return { file, format: 'ohlcv-csv', series, rejects: rejects.list, rowsRead: rows.length, cellsEmpty: 0 };
}
