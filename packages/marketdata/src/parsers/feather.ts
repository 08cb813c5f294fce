import { DataType, TimeUnit, tableFromIPC, type Table, type Vector } from 'apache-arrow';
import {
  RejectList,
  SeriesBuilder,
  checkOhlc,
  cryptoPairSeries,
  isoTs,
  pairFromFileName,
  readEpochMs,
} from './common';
import { registerLz4Codec } from './lz4Codec';
import { UnparseableFileError, type ParseResult } from './types';

const ARROW_MAGIC = 'ARROW1';
const TIME_NAMES = ['date', 'datetime', 'timestamp', 'time'];

export function isArrowFile(bytes: Uint8Array): boolean {
  if (bytes.length < 6) return false;
  for (let i = 0; i < 6; i++) if (bytes[i] !== ARROW_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Epoch-ms per row (NaN where null or unsupported), exact for ns via BigInt. */
function timesMs(vec: Vector, file: string, name: string): Float64Array {
  const out = new Float64Array(vec.length);
  const type = vec.type as DataType;
  if (DataType.isTimestamp(type)) {
    const unit = type.unit;
    let i = 0;
    for (const data of vec.data) {
      const values = data.values as unknown as ArrayLike<bigint | number>;
      const hasNulls = data.nullCount > 0;
      for (let k = 0; k < data.length; k++, i++) {
        if (hasNulls && !data.getValid(k)) {
          out[i] = NaN;
          continue;
        }
        const v = values[k]!;
        if (typeof v === 'bigint') {
          out[i] =
            unit === TimeUnit.NANOSECOND
              ? Number(v / 1_000_000n)
              : unit === TimeUnit.MICROSECOND
                ? Number(v / 1_000n)
                : unit === TimeUnit.MILLISECOND
                  ? Number(v)
                  : Number(v) * 1000;
        } else {
          const n = Number(v);
          out[i] =
            unit === TimeUnit.NANOSECOND
              ? Math.floor(n / 1e6)
              : unit === TimeUnit.MICROSECOND
                ? Math.floor(n / 1e3)
                : unit === TimeUnit.MILLISECOND
                  ? n
                  : n * 1000;
        }
      }
    }
    return out;
  }
  if (DataType.isDate(type)) {
    for (let i = 0; i < vec.length; i++) {
      const v: unknown = vec.get(i);
      out[i] = v instanceof Date ? v.getTime() : v === null ? NaN : Number(v);
    }
    return out;
  }
  throw new UnparseableFileError(file, `column "${name}" has type ${String(type)}, expected a timestamp`);
}

/** Numeric column as float64 (NaN where null). */
function numbers(vec: Vector, file: string, name: string): Float64Array {
  const type = vec.type as DataType;
  if (!DataType.isFloat(type) && !DataType.isInt(type)) {
    throw new UnparseableFileError(file, `column "${name}" has type ${String(type)}, expected a number`);
  }
  const out = new Float64Array(vec.length);
  let i = 0;
  for (const data of vec.data) {
    const values = data.values as unknown as ArrayLike<number | bigint>;
    const hasNulls = data.nullCount > 0;
    for (let k = 0; k < data.length; k++, i++) {
      out[i] = hasNulls && !data.getValid(k) ? NaN : Number(values[k]);
    }
  }
  return out;
}

function findColumn(table: Table, names: readonly string[]): { vec: Vector; name: string } | undefined {
  for (const f of table.schema.fields) {
    if (names.includes(f.name.toLowerCase())) {
      const vec = table.getChild(f.name);
      if (vec !== null) return { vec, name: f.name };
    }
  }
  return undefined;
}

/**
 * Feather v2 / Arrow IPC file with columns date (Timestamp), open, high, low, close, volume, as
 * written by pandas/pyarrow (LZ4-frame compressed batches are supported). Rejects are located by
 * `row N` = row index + 1. Symbol/timeframe from the file name `{BASE}_{QUOTE}-{tf}.feather`.
 */
export function parseFeather(bytes: Uint8Array, file: string): ParseResult {
  const pair = pairFromFileName(file);
  if (!isArrowFile(bytes)) {
    const v1 = bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'FEA1';
    throw new UnparseableFileError(
      file,
      v1
        ? 'Feather v1 files are not supported (re-save as Feather v2)'
        : 'not an Arrow IPC / Feather v2 file',
    );
  }
  registerLz4Codec();
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new UnparseableFileError(file, `corrupt Arrow IPC file: ${(err as Error).message}`, { cause: err });
  }

  const timeCol = findColumn(table, TIME_NAMES);
  if (timeCol === undefined) throw new UnparseableFileError(file, 'no date/timestamp column');
  const cols: Array<{ name: string; values: Float64Array }> = [];
  for (const want of ['open', 'high', 'low', 'close', 'volume']) {
    const c = findColumn(table, [want]);
    if (c === undefined) {
      if (want === 'volume') continue;
      throw new UnparseableFileError(file, `missing column "${want}"`);
    }
    cols.push({ name: c.name, values: numbers(c.vec, file, c.name) });
  }
  const ts = timesMs(timeCol.vec, file, timeCol.name);
  const [o, h, l, c, v] = cols as [
    (typeof cols)[0],
    (typeof cols)[0],
    (typeof cols)[0],
    (typeof cols)[0],
    (typeof cols)[0]?,
  ];

  const builder = new SeriesBuilder();
  const rejects = new RejectList(file, 'row', 'column');
  const n = table.numRows;
  const price = (col: { name: string; values: Float64Array }, i: number, row: number): number | undefined => {
    const x = col.values[i]!;
    if (Number.isNaN(x)) rejects.add(row, col.name, 'missing value or NaN');
    else if (!Number.isFinite(x)) rejects.add(row, col.name, `not finite: ${x}`);
    else if (x <= 0) rejects.add(row, col.name, `not positive: ${x}`);
    else return x;
    return undefined;
  };
  for (let i = 0; i < n; i++) {
    const row = i + 1;
    const t = readEpochMs(ts[i]);
    if (typeof t === 'string') {
      rejects.add(row, timeCol.name, Number.isNaN(ts[i]) ? 'missing timestamp' : t);
      continue;
    }
    const open = price(o, i, row);
    if (open === undefined) continue;
    const high = price(h, i, row);
    if (high === undefined) continue;
    const low = price(l, i, row);
    if (low === undefined) continue;
    const close = price(c, i, row);
    if (close === undefined) continue;
    let volume: number | null = null;
    if (v !== undefined) {
      const x = v.values[i]!;
      if (!Number.isNaN(x)) {
        if (!Number.isFinite(x)) {
          rejects.add(row, v.name, `not finite: ${x}`);
          continue;
        }
        if (x < 0) {
          rejects.add(row, v.name, `negative: ${x}`);
          continue;
        }
        volume = x;
      }
    }
    const bad = checkOhlc(open, high, low, close);
    if (bad !== null) {
      rejects.add(row, bad[0] === 'high' ? h.name : l.name, bad[1]);
      continue;
    }
    const prev = builder.add({ ts: t, open, high, low, close, volume }, row);
    if (prev !== undefined)
      rejects.add(row, timeCol.name, `duplicate timestamp ${isoTs(t)} (first on row ${prev})`);
  }

  const bars = builder.finish();
  const series = cryptoPairSeries(pair, bars);
  return { file, format: 'feather', series, rejects: rejects.list, rowsRead: n, cellsEmpty: 0 };
}
