import path from 'node:path';
import { channels, type IngestionProgress } from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { createQueueConnection, JobQueue } from '@tradeplane/platform';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { CliConfig } from '../config';

export function registerDataImport(data: Command, config: CliConfig): void {
  data
    .command('import')
    .description(
      'Import market data from a file or a directory (recursively): wide close-price CSV, per-symbol OHLCV CSV,\n' +
        'JSON candle arrays ([ms, o, h, l, c, v]) and LZ4-compressed Arrow/Feather files. Idempotent: re-importing\n' +
        'the same data inserts nothing. Bad rows are reported with file, line and reason; good rows are kept.',
    )
    .argument('<path>', 'file or directory to import')
    .option('--enqueue', 'hand the import to the workers (BullMQ) instead of running it here')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      '\nExamples:\n  tradeplane data import ../shared/data\n  tradeplane data import data/sample/spy_prices.csv --enqueue',
    )
    .action(async (target: string, opts: { enqueue?: boolean; quiet?: boolean }) => {
      const resolved = path.resolve(target);
      const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 4 });
      const redis = createQueueConnection(config.redis.REDIS_QUEUE_URL, {
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      redis.on('error', () => undefined);
      await redis.connect().catch(() => undefined); // without Redis: no live notifications, the import still runs
      try {
        const run = await repos.ingestionRuns.create(resolved, null);
        if (opts.enqueue) {
          const queue = new JobQueue('data.import', redis);
          await queue.enqueue({ runId: run.id, path: resolved }, { jobId: run.id });
          await queue.close();
          console.log(JSON.stringify({ runId: run.id, status: 'queued' }));
          return;
        }
        const bar =
          opts.quiet || !process.stderr.isTTY
            ? null
            : new SingleBar({
                format:
                  'importing [{bar}] {percentage}% | files {filesDone}/{filesTotal} | rows {rowsRead} | +{rowsInserted} ~{rowsUpdated} !{rowsRejected} | {file}',
                stream: process.stderr,
                hideCursor: true,
              });
        let lastLine = 0;
        const finished = await runIngestion(repos, run.id, resolved, {
          onProgress: (p: IngestionProgress) => {
            const fields = { ...p, file: p.file ? path.basename(p.file) : '' };
            if (bar) {
              if (!bar.isActive) bar.start(Math.max(p.filesTotal, 1), 0, fields);
              bar.update(p.filesDone, fields);
            } else if (!opts.quiet && Date.now() - lastLine > 2000) {
              lastLine = Date.now();
              console.error(
                `import: files ${p.filesDone}/${p.filesTotal}, rows ${p.rowsRead}, inserted ${p.rowsInserted}, rejected ${p.rowsRejected}`,
              );
            }
            if (redis.status === 'ready')
              void redis.publish(channels.ingestionProgress, JSON.stringify(p)).catch(() => undefined);
          },
          onSeriesUpdated: async (symbol, timeframe) => {
            if (redis.status === 'ready')
              await redis
                .publish(channels.barsUpdated, JSON.stringify({ symbol, timeframe }))
                .catch(() => undefined);
          },
        });
        bar?.stop();
        const rejects = Array.isArray(finished.rejects)
          ? (finished.rejects as Array<{ file: string; line: number; reason: string }>)
          : [];
        for (const r of rejects.slice(0, 20)) console.error(`rejected ${r.file}:${r.line}: ${r.reason}`);
        if (finished.rowsRejected > 20)
          console.error(
            `… ${finished.rowsRejected - 20} more rejected rows (see ingestion run ${finished.id})`,
          );
        console.log(
          JSON.stringify({
            runId: finished.id,
            status: finished.status,
            rowsRead: finished.rowsRead,
            rowsInserted: finished.rowsInserted,
            rowsUpdated: finished.rowsUpdated,
            rowsRejected: finished.rowsRejected,
            durationMs:
              finished.finishedAt && finished.startedAt
                ? finished.finishedAt.getTime() - finished.startedAt.getTime()
                : null,
            error: finished.error,
          }),
        );
        if (finished.status !== 'succeeded') process.exitCode = 1;
      } finally {
        redis.disconnect();
        await repos.db.close();
      }
    });
}
