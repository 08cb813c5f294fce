import type { IngestionProgress } from '@tradeplane/contracts';
import type { IngestionRun, Repositories } from '@tradeplane/db';
import { importPath, type BarSink, type ImportSummary } from '../import/importService';

export interface RunIngestionOptions {
  onProgress?: (progress: IngestionProgress) => void;
  /** Called once per (symbol, timeframe) that received bars, after the import (cache invalidation). */
  onSeriesUpdated?: (symbol: string, timeframe: string) => Promise<void> | void;
}

/** The PostgreSQL side of an import: instruments by symbol, bars by idempotent batched upsert. */
export function postgresBarSink(
  repos: Pick<Repositories, 'instruments' | 'bars'>,
  touched?: Map<number, { symbol: string; timeframes: Set<string> }>,
): BarSink {
  return {
    async ensureInstrument(spec) {
      const instrument = await repos.instruments.ensure(spec);
      if (touched && !touched.has(instrument.id))
        touched.set(instrument.id, { symbol: instrument.symbol, timeframes: new Set() });
      return instrument.id;
    },
    async writeBars(instrumentId, timeframe, columns) {
      const result = await repos.bars.upsert(instrumentId, timeframe, columns);
      if (result.inserted + result.updated > 0) touched?.get(instrumentId)?.timeframes.add(timeframe);
      return result;
    },
  };
}

/**
 * Runs one ingestion run end to end: marks it running, imports the path into PostgreSQL,
 * stores counts and the first rejects, marks it succeeded or failed. Safe to run again for
 * the same run id (a BullMQ retry): the upsert makes the bars idempotent.
 */
export async function runIngestion(
  repos: Repositories,
  runId: string,
  target: string,
  options: RunIngestionOptions = {},
): Promise<IngestionRun> {
  await repos.ingestionRuns.markRunning(runId);
  const touched = new Map<number, { symbol: string; timeframes: Set<string> }>();
  const emit = (p: Omit<IngestionProgress, 'runId'>) => options.onProgress?.({ runId, ...p });
  let lastStored = 0;
  let latest = { rowsRead: 0, rowsInserted: 0, rowsUpdated: 0, rowsRejected: 0 };
  let summary: ImportSummary;
  try {
    summary = await importPath(target, postgresBarSink(repos, touched), {
      onProgress: (p) => {
        latest = {
          rowsRead: p.rowsRead,
          rowsInserted: p.rowsInserted,
          rowsUpdated: p.rowsUpdated,
          rowsRejected: p.rowsRejected,
        };
        emit({
          status: 'running',
          file: p.file,
          filesDone: p.filesDone,
          filesTotal: p.filesTotal,
          rowsRead: p.rowsRead,
          rowsInserted: p.rowsInserted,
          rowsUpdated: p.rowsUpdated,
          rowsRejected: p.rowsRejected,
          message: null,
        });
        // Counts in the run row, at most once a second, so the console sees progress on reload too.
        if (Date.now() - lastStored > 1000) {
          lastStored = Date.now();
          void repos.ingestionRuns.progress(runId, latest).catch(() => undefined);
        }
      },
    });
  } catch (err) {
    const message = (err as Error).message;
    // Counts so far are kept; the bars already written stay (a retry upserts the rest).
    await repos.ingestionRuns.finish(runId, latest, [], message).catch(() => undefined);
    emit({ status: 'failed', file: null, filesDone: 0, filesTotal: 0, ...latest, message });
    throw err;
  }
  const counts = {
    rowsRead: summary.rowsRead,
    rowsInserted: summary.rowsInserted,
    rowsUpdated: summary.rowsUpdated,
    rowsRejected: summary.rowsRejected,
  };
  const run = await repos.ingestionRuns.finish(
    runId,
    counts,
    summary.rejects.map((r) => ({ file: r.file, line: r.line, reason: r.reason })),
    null,
  );
  for (const { symbol, timeframes } of touched.values()) {
    for (const timeframe of timeframes) await options.onSeriesUpdated?.(symbol, timeframe);
  }
  emit({
    status: 'succeeded',
    file: null,
    filesDone: summary.files,
    filesTotal: summary.files,
    ...counts,
    message: `${summary.files} file(s) in ${Math.round(summary.durationMs)} ms`,
  });
  return run;
}
