/**
 * `npm run bench:training`: end-to-end training of the model set on the 20-stock daily
 * universe (market SPY), in-process through the same job the workers run. Starts the local
 * stack if it is down, migrates, imports the real daily data (idempotent), then prints wall
 * time, peak RSS, the share of wall time spent reading from the database (I/O: the bars, in
 * one query, and the registry lookup) versus training (compute),
 * and the out-of-sample (test-window) Sharpe of the blend, each specialist, the bootstrap model
 * set the engine serves before any trained version, and buy-and-hold.
 * The workers keep a training thread loaded ahead of the next run (prepareTrainingThread); the
 * bench prepares one before timing, as a running workers process has.
 * The last line is JSON. Goal: I/O under 5% of wall time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { createLogger, dbConfigSchema, loadConfig } from '@tradeplane/platform';
import { trackingClient, trackingConfigSchema } from '@tradeplane/tracking';
import { trainingPayload } from '@tradeplane/contracts';
import { prepareTrainingThread, trainModelSetJob } from '../src';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const UNIVERSE = 'GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX'.split(' ');
const log = (msg: string) => console.error(`[bench:training] ${msg}`);

function ensureStack(): void {
  try {
    execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), 'status'], { stdio: 'ignore' });
  } catch {
    log('starting the local stack');
    execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), 'up'], { stdio: 'inherit' });
  }
}

async function main() {
  ensureStack();
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const repos = openRepositories({ url: loadConfig(dbConfigSchema, env).DATABASE_URL, poolMax: 8 });
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'packages/db/src/migrate/cli.ts'],
    { cwd: repoRoot, stdio: 'ignore', env },
  );
  const shared = path.resolve(repoRoot, '../shared/data/daily');
  const dataDir = existsSync(shared) ? shared : path.join(repoRoot, 'data/sample');
  for (const file of ['spy_prices.csv', 'stock_prices.csv'].map((f) => path.join(dataDir, f))) {
    const symbol = file.includes('spy') ? 'SPY' : UNIVERSE[0]!;
    const instrument = await repos.instruments.findBySymbol(symbol);
    if (instrument && (await repos.bars.loadColumns(instrument.id, '1d')).ts.length > 1000) continue;
    log(`importing ${file}`);
    await runIngestion(repos, (await repos.ingestionRuns.create(file, null)).id, file);
  }

  const logger = createLogger('bench', 'warn');
  const tracking = await trackingClient({
    config: loadConfig(trackingConfigSchema, env),
    repository: repos.tracking,
    writer: `bench-training-${process.pid}`,
    owner: 'bench:training',
    logger,
  });
  const payload = trainingPayload.parse({
    market: 'SPY',
    universe: UNIVERSE,
    seed: 42,
    modelName: 'bench-training-blend',
    experiment: 'bench/training',
  });
  // As in the workers process, which keeps a training thread loaded for the next run.
  await prepareTrainingThread().whenReady();
  const createdAt = Date.now();
  let lastStage = '';
  const result = await trainModelSetJob(
    payload,
    { jobId: `bench-${createdAt}`, createdAt, finalAttempt: true },
    {
      repos,
      tracking,
      onProgress: (p) => {
        if (p.stage !== lastStage) log(`${p.stage}${p.message ? `: ${p.message}` : ''}`);
        lastStage = p.stage;
      },
      isCancelled: async () => false,
    },
  );
  await tracking.close();
  await repos.db.close();

  const t = result.timings;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const sharpe = Object.fromEntries(Object.entries(result.test).map(([k, v]) => [k, v.sharpe]));
  const otherMs = t.wallMs - t.ioMs - t.computeMs - t.exportMs;
  console.log(`universe          ${UNIVERSE.length} stocks, market SPY, ${result.bars} bars`);
  console.log(`samples           ${JSON.stringify(result.samples)}`);
  console.log(`wall              ${(t.wallMs / 1000).toFixed(2)} s`);
  console.log(`  DB reads (I/O)  ${t.ioMs.toFixed(1)} ms (${(100 * t.ioShare).toFixed(2)}%)`);
  console.log(
    `    connect ${t.io.connectMs.toFixed(1)} ms, query ${t.io.queryMs.toFixed(1)} ms, unpack ${t.io.decodeMs.toFixed(1)} ms, ` +
      `dates ${t.io.datesMs.toFixed(1)} ms, registry lookup ${t.io.registryReadMs.toFixed(1)} ms`,
  );
  console.log(
    `  train (compute) ${t.computeMs.toFixed(0)} ms (${((100 * t.computeMs) / t.wallMs).toFixed(1)}%)`,
  );
  console.log(`  ONNX + parity   ${t.exportMs.toFixed(0)} ms`);
  console.log(`  tracking+registry ${otherMs.toFixed(0)} ms`);
  console.log(`peak RSS          ${peakRssMb.toFixed(0)} MB`);
  for (const [k, v] of Object.entries(result.test))
    console.log(
      `OOS ${k.padEnd(14)} sharpe ${v.sharpe.toFixed(3)}  return ${(100 * v.annualReturn).toFixed(2)}%/y  maxDD ${(100 * v.maxDrawdown).toFixed(1)}%`,
    );
  console.log(`registered        ${result.versions.map((v) => `${v.modelName} v${v.version}`).join(', ')}`);
  console.log(
    JSON.stringify({
      bench: 'training',
      universe: UNIVERSE.length,
      bars: result.bars,
      wall_s: t.wallMs / 1000,
      io_ms: t.ioMs,
      io_breakdown_ms: {
        connect: t.io.connectMs,
        query: t.io.queryMs,
        unpack: t.io.decodeMs,
        dates: t.io.datesMs,
        registry_read: t.io.registryReadMs,
      },
      compute_ms: t.computeMs,
      export_ms: t.exportMs,
      tracking_ms: otherMs,
      io_share: t.ioShare,
      compute_share: t.computeMs / t.wallMs,
      peak_rss_mb: peakRssMb,
      oos_sharpe: sharpe,
      oos_sharpe_bootstrap: result.test.bootstrap.sharpe,
      oos_sharpe_blend_minus_bootstrap: result.test.blend.sharpe - result.test.bootstrap.sharpe,
      blend_beats_buy_and_hold: (sharpe.blend ?? -Infinity) > (sharpe['buy-and-hold'] ?? Infinity),
      blend_beats_bootstrap: result.test.blend.sharpe > result.test.bootstrap.sharpe,
      run_id: result.runId,
      goals: { io_under_5pct: t.ioShare < 0.05, io_under_2pct: t.ioShare < 0.02 },
    }),
  );
}

await main();
