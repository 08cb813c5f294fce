import type { BarColumns as ContractBarColumns } from '@tradeplane/contracts';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { KNOWN_EXTENSIONS, extensionOf, parseFile } from '../parsers/detect';
import type { AssetClass, FileFormat, ParseReject, ParsedBar, ParsedSeries } from '../parsers/types';

export interface InstrumentSpec {
  symbol: string;
  assetClass: AssetClass;
  quoteAsset: string;
}

/** Bars of one series, columnar; the importer always fills `volume` (NaN = none). */
export type BarColumns = ContractBarColumns & { volume: Float64Array };

export interface WriteResult {
  inserted: number;
  /** Rows that existed with different values. Rows that existed unchanged count as neither. */
  updated: number;
}

/** Where imported bars go (PostgreSQL upsert in production, memory in unit tests). Must be idempotent. */
export interface BarSink {
  /** Returns the id of the instrument, creating it if needed. */
  ensureInstrument(spec: InstrumentSpec): Promise<number>;
  /** Upserts bars keyed by (instrumentId, timeframe, ts). */
  writeBars(instrumentId: number, timeframe: string, columns: BarColumns): Promise<WriteResult>;
}

export interface ImportProgress {
  /** 'batch' after each writeBars call, 'file' when a file is finished (or failed). */
  phase: 'batch' | 'file';
  /** Path of the current file, relative to the import root. */
  file: string;
  /** Files finished so far (includes the current one on its 'file' event). */
  filesDone: number;
  filesTotal: number;
  /** Running totals over the whole import. */
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Bars per writeBars call (default 5000). */
  batchSize?: number;
  /** How many rejects to keep in the summary (default 1000); all are counted. */
  maxRejects?: number;
  signal?: AbortSignal;
}

export interface FileImportStats {
  /** Path relative to the import root (basename when a single file was imported). */
  file: string;
  format: FileFormat | null;
  series: number;
  rowsRead: number;
  /** Empty cells skipped in wide close CSVs. */
  cellsEmpty: number;
  /** Bars handed to the sink (rows accepted). */
  bars: number;
  inserted: number;
  updated: number;
  /** Bars the sink already had with identical values. */
  unchanged: number;
  rejected: number;
  /** Set when the whole file could not be parsed. */
  error?: string;
  durationMs: number;
}

export interface ImportSummary {
  files: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
  /** The first `maxRejects` rejects; `rowsRejected` counts all of them. */
  rejects: ParseReject[];
  rejectsTruncated: boolean;
  perFile: FileImportStats[];
  durationMs: number;
}

/** Files under `root` with a known extension, recursively, sorted by relative path (code-unit order). */
export async function listImportFiles(root: string): Promise<Array<{ abs: string; rel: string }>> {
  const st = await stat(root);
  if (st.isFile()) return [{ abs: path.resolve(root), rel: path.basename(root) }];
  const out: Array<{ abs: string; rel: string }> = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = path.join(dir, e.name);
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const s = await stat(abs).catch(() => null);
        isDir = s?.isDirectory() ?? false;
        isFile = s?.isFile() ?? false;
      }
      if (isDir) await walk(abs, r);
      else if (isFile && KNOWN_EXTENSIONS.includes(extensionOf(e.name))) out.push({ abs, rel: r });
    }
  };
  await walk(path.resolve(root), '');
  out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return out;
}

export function toColumns(bars: readonly ParsedBar[], start = 0, end = bars.length): BarColumns {
  const n = end - start;
  const cols: BarColumns = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const b = bars[start + i]!;
    cols.ts[i] = b.ts;
    cols.open[i] = b.open;
    cols.high[i] = b.high;
    cols.low[i] = b.low;
    cols.close[i] = b.close;
    cols.volume[i] = b.volume ?? NaN;
  }
  return cols;
}

/**
 * Imports a file or a directory tree into `sink`. Unparseable files become one reject (line 0)
 * and the import goes on; sink errors (e.g. the database is down) abort the import and propagate.
 */
export async function importPath(
  root: string,
  sink: BarSink,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 5000));
  const maxRejects = Math.max(0, options.maxRejects ?? 1000);
  const files = await listImportFiles(root);
  const instrumentIds = new Map<string, number>();
  const summary: ImportSummary = {
    files: files.length,
    rowsRead: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsRejected: 0,
    rejects: [],
    rejectsTruncated: false,
    perFile: [],
    durationMs: 0,
  };
  const addRejects = (rs: readonly ParseReject[]) => {
    summary.rowsRejected += rs.length;
    for (const r of rs) {
      if (summary.rejects.length < maxRejects) summary.rejects.push(r);
      else summary.rejectsTruncated = true;
    }
  };
  const progress = (phase: ImportProgress['phase'], file: string, filesDone: number) =>
    options.onProgress?.({
      phase,
      file,
      filesDone,
      filesTotal: files.length,
      rowsRead: summary.rowsRead,
      rowsInserted: summary.rowsInserted,
      rowsUpdated: summary.rowsUpdated,
      rowsRejected: summary.rowsRejected,
    });

  for (let fi = 0; fi < files.length; fi++) {
    options.signal?.throwIfAborted();
    const { abs, rel } = files[fi]!;
    const fileStarted = performance.now();
    const stats: FileImportStats = {
      file: rel,
      format: null,
      series: 0,
      rowsRead: 0,
      cellsEmpty: 0,
      bars: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      durationMs: 0,
    };
    summary.perFile.push(stats);

    let series: ParsedSeries[] = [];
    try {
      const parsed = parseFile(rel, await readFile(abs));
      stats.format = parsed.format;
      stats.series = parsed.series.length;
      stats.rowsRead = parsed.rowsRead;
      stats.cellsEmpty = parsed.cellsEmpty;
      stats.rejected = parsed.rejects.length;
      summary.rowsRead += parsed.rowsRead;
      addRejects(parsed.rejects);
      series = parsed.series;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const prefix = `${rel}: `;
      const reason = `file not imported: ${message.startsWith(prefix) ? message.slice(prefix.length) : message}`;
      stats.error = reason;
      stats.rejected = 1;
      addRejects([{ file: rel, line: 0, reason }]);
    }

    for (const s of series) {
      const key = `${s.symbol}\u0000${s.assetClass}\u0000${s.quoteAsset}`;
      let id = instrumentIds.get(key);
      if (id === undefined) {
        id = await sink.ensureInstrument({
          symbol: s.symbol,
          assetClass: s.assetClass,
          quoteAsset: s.quoteAsset,
        });
        instrumentIds.set(key, id);
      }
      for (let start = 0; start < s.bars.length; start += batchSize) {
        options.signal?.throwIfAborted();
        const end = Math.min(s.bars.length, start + batchSize);
        const res = await sink.writeBars(id, s.timeframe, toColumns(s.bars, start, end));
        const n = end - start;
        stats.bars += n;
        stats.inserted += res.inserted;
        stats.updated += res.updated;
        stats.unchanged += n - res.inserted - res.updated;
        summary.rowsInserted += res.inserted;
        summary.rowsUpdated += res.updated;
        progress('batch', rel, fi);
      }
    }
    stats.durationMs = performance.now() - fileStarted;
    progress('file', rel, fi + 1);
  }
  summary.durationMs = performance.now() - started;
  return summary;
}
