/**
 * npm run bench:features — feature retrieval, over loopback and in the engine's own classes.
 *
 * Starts what is missing (the local stack, the engine as its own process), makes sure the
 * real market data from ../shared/data (or data/sample) is imported, then measures:
 *   - over HTTP at concurrency 32: `cold`, first requests for (symbol, asOf) pairs never asked
 *     before (random historical asOf; nothing cached, a read of the in-memory columns once the
 *     series is loaded); `warm`, repeats over a fixed working set; `baseline`, the prototype's
 *     way with the same requests — bars up to asOf read from PostgreSQL and computed, per request;
 *   - server-side, with the engine's BarStore and FeatureService in this process (no network):
 *     `old_cold`, the old first vector after a new bar — the trading-signals computation over
 *     the history truncated at the bar (what `featureVectorAt` cost before the incremental
 *     state); `recompute`, the same on today's one-pass maths; `new_bar`, the 20-stock universe
 *     replayed from a cut-off one real bar per symbol at a time through `BarStore.append`, timing
 *     the first vector on each new bar; `historical`, random historical asOf on freshly loaded
 *     series (no warm-up, no cache).
 * Prints one JSON object on the last line. Stops only what it started.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { featureVectorAt, sliceBars, vectorFromSeries } from '@tradeplane/quant';
import { referenceFeatureSeries } from '@tradeplane/quant/testing';
import { BarStore, FeatureService, LeakageMonitor, loadEngineConfig } from '../src';
import {
  createApiKey,
  healthz,
  migrate,
  peakRssMb,
  percentiles,
  repoRoot,
  seededRandom,
  sleep,
  spawnTs,
  stackDown,
  stackUp,
  stopChild,
} from '../../../test/load';

const CONCURRENCY = 32;
const WARM_REQUESTS = Number(process.env.BENCH_WARM_REQUESTS ?? 40_000);
const COLD_REQUESTS = Number(process.env.BENCH_COLD_REQUESTS ?? 3_000);
const BASELINE_REQUESTS = Number(process.env.BENCH_BASELINE_REQUESTS ?? 1_000);
/** Bars per symbol replayed after the cut-off (20 symbols each). */
const NEW_BAR_ROUNDS = Number(process.env.BENCH_NEW_BAR_ROUNDS ?? 250);
const HISTORICAL_REQUESTS = Number(process.env.BENCH_HISTORICAL_REQUESTS ?? 20_000);
const OLD_COLD_REQUESTS = Number(process.env.BENCH_OLD_COLD_REQUESTS ?? 200);
const log = (msg: string) => console.error(`[bench:features] ${msg}`);

async function runLoad<T>(requests: T[], send: (r: T) => Promise<string>) {
  const latencies: number[] = [];
  const sources: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const t0 = performance.now();
        try {
          const source = await send(r);
          sources[source] = (sources[source] ?? 0) + 1;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    ...percentiles(latencies),
    throughput_per_s: Math.round(requests.length / seconds),
    errors,
    sources,
  };
}

/** Synchronous timings, in ms, of `count` calls of `run(i)`. */
function timeEach(count: number, run: (i: number) => void) {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    run(i);
    samples.push(performance.now() - t0);
  }
  return percentiles(samples);
}

/**
 * The server-side figures, with the engine's classes in this process. The universe's last
 * NEW_BAR_ROUNDS bars are hidden behind a replay cut-off, then played back one real bar per
 * symbol per round; after each bar the first vector on it is timed.
 */
async function serverSide(repos: ReturnType<typeof openRepositories>, symbols: string[]) {
  const bars = new BarStore(
    {
      findInstrument: (symbol) => repos.instruments.findBySymbol(symbol),
      loadColumns: (id, timeframe, untilMs) => repos.bars.loadColumns(id, timeframe, untilMs),
    },
    Date.now,
  );
  const features = new FeatureService(bars, new LeakageMonitor(0, Math.random, () => undefined, Date.now));
  const full = new Map<string, Awaited<ReturnType<typeof repos.bars.loadColumns>>>();
  for (const symbol of symbols) {
    const inst = (await repos.instruments.findBySymbol(symbol))!;
    const cols = await repos.bars.loadColumns(inst.id, '1d');
    full.set(symbol, cols);
    bars.hideAfter(symbol, '1d', cols.ts[cols.ts.length - 1 - NEW_BAR_ROUNDS]!);
  }

  // Random historical asOf on freshly loaded series: the first read of each builds its state.
  const rand = seededRandom(777);
  const loadStarted = performance.now();
  for (const symbol of symbols) await features.vector(symbol, '1d', Date.now());
  const loadAndBuildMs = performance.now() - loadStarted;
  const asOfs = Array.from({ length: HISTORICAL_REQUESTS }, () => {
    const symbol = symbols[Math.floor(rand() * symbols.length)]!;
    const ts = bars.peek(symbol, '1d')!.bars.ts;
    return { symbol, asOf: ts[Math.floor(rand() * ts.length)]! };
  });
  const historical = timeEach(asOfs.length, (i) =>
    features.vectorFromMemory(asOfs[i]!.symbol, '1d', asOfs[i]!.asOf),
  );

  // New bars: append one real bar to each symbol, then the first vector on it.
  const samples: number[] = [];
  const appendSamples: number[] = [];
  const bothSamples: number[] = [];
  for (let round = 0; round < NEW_BAR_ROUNDS; round++) {
    for (const symbol of symbols) {
      const cols = full.get(symbol)!;
      const i = cols.ts.length - NEW_BAR_ROUNDS + round;
      const c = cols.close[i]!;
      const t0 = performance.now();
      const outcome = await bars.append(symbol, '1d', {
        ts: cols.ts[i]!,
        open: cols.open[i]!,
        high: cols.high[i]!,
        low: cols.low[i]!,
        close: c,
        volume: cols.volume ? cols.volume[i]! : null,
      });
      const t1 = performance.now();
      if (outcome.status !== 'appended') throw new Error(`${symbol} bar ${i}: ${outcome.status}`);
      const v = features.vectorFromMemory(symbol, '1d', cols.ts[i]!);
      const t2 = performance.now();
      samples.push(t2 - t1);
      appendSamples.push(t1 - t0);
      bothSamples.push(t2 - t0);
      if (!v || v.barTime !== new Date(cols.ts[i]!).toISOString()) throw new Error(`${symbol}: wrong bar`);
    }
  }
  const newBar = percentiles(samples);

  // The old cold path, and today's recomputation, on the same new bars.
  const picks = Array.from({ length: OLD_COLD_REQUESTS }, () => {
    const symbol = symbols[Math.floor(rand() * symbols.length)]!;
    const cols = full.get(symbol)!;
    return { cols, i: cols.ts.length - 1 - Math.floor(rand() * NEW_BAR_ROUNDS) };
  });
  const oldCold = timeEach(picks.length, (k) => {
    const { cols, i } = picks[k]!;
    vectorFromSeries(referenceFeatureSeries(sliceBars(cols, i + 1)), i);
  });
  const recompute = timeEach(picks.length, (k) => featureVectorAt(picks[k]!.cols, picks[k]!.i));

  const stats = features.stats();
  const barsHeld = symbols.reduce((n, s) => n + bars.peek(s, '1d')!.bars.ts.length, 0);
  const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
  return {
    server_symbols: symbols.length,
    server_bars_held: barsHeld,
    server_load_and_build_ms: Math.round(loadAndBuildMs),
    old_cold_p50_ms: oldCold.p50_ms,
    old_cold_p95_ms: oldCold.p95_ms,
    old_cold_p99_ms: oldCold.p99_ms,
    recompute_p50_ms: recompute.p50_ms,
    recompute_p95_ms: recompute.p95_ms,
    recompute_p99_ms: recompute.p99_ms,
    new_bar_first_vector_p50_ms: newBar.p50_ms,
    new_bar_first_vector_p95_ms: newBar.p95_ms,
    new_bar_first_vector_p99_ms: newBar.p99_ms,
    // The append itself (BarStore + the feature state's O(1) push, done by the market-data consumer).
    new_bar_append_p95_ms: percentiles(appendSamples).p95_ms,
    new_bar_append_and_first_vector_p95_ms: percentiles(bothSamples).p95_ms,
    new_bar_samples: samples.length,
    historical_p50_ms: historical.p50_ms,
    historical_p95_ms: historical.p95_ms,
    historical_p99_ms: historical.p99_ms,
    historical_samples: asOfs.length,
    speedup_new_bar_p95_vs_old_cold: ratio(oldCold.p95_ms, newBar.p95_ms),
    speedup_historical_p95_vs_old_cold: ratio(oldCold.p95_ms, historical.p95_ms),
    feature_column_bytes_per_bar: Math.round((stats.columnBytes / barsHeld) * 10) / 10,
    goal_new_bar_p95_ms: 0.5,
    goal_historical_p95_ms: 1,
    bench_peak_rss_mb: peakRssMb(process.pid),
  };
}

async function main() {
  const startedStack = stackUp(log);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const config = loadEngineConfig(env);
  const engineUrl = `http://127.0.0.1:${config.engine.ENGINE_PORT}`;
  const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: CONCURRENCY });
  migrate();

  // Real data: the daily universe and the 1-minute BTC candles.
  const dataDir = existsSync(path.resolve(repoRoot, '../shared/data'))
    ? path.resolve(repoRoot, '../shared/data')
    : path.join(repoRoot, 'data/sample');
  const files = [
    'daily/stock_prices.csv',
    'daily/spy_prices.csv',
    'daily/nvda-1999-2014.csv',
    'intraday/UNITTEST_BTC-1m.json',
  ].map((f) => (dataDir.endsWith('sample') ? path.join(dataDir, path.basename(f)) : path.join(dataDir, f)));
  for (const file of files) {
    const run = await repos.ingestionRuns.create(file, null);
    await runIngestion(repos, run.id, file);
  }

  let engine: ChildProcess | null = null;
  if (!(await healthz(engineUrl))) {
    log(`starting the engine at ${engineUrl}`);
    engine = spawnTs('packages/engine/src/main.ts', [], { ...env, LEAKAGE_SAMPLE_RATE: '0.01' });
    for (let i = 0; i < 240 && !(await healthz(engineUrl)); i++) await sleep(250);
  }

  const secret = await createApiKey(repos, 'bench:features');
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const fetchVector = (symbol: string, timeframe: string, asOf: number) =>
    new Promise<string>((resolve, reject) => {
      const req = http.get(
        `${engineUrl}/api/v1/features/${symbol}/${timeframe}?asOf=${asOf}`,
        { agent, headers: { 'x-api-key': secret } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
            resolve((JSON.parse(Buffer.concat(chunks).toString()) as { source: string }).source);
          });
        },
      );
      req.on('error', reject);
    });
  // A new key becomes valid at the engine's next key refresh.
  for (let i = 0; i < 160; i++) {
    if (
      await fetchVector('SPY', '1d', Date.now()).then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(250);
  }

  // Requests: (symbol, timeframe, asOf at a real bar) drawn with a fixed seed.
  const series: Array<{ symbol: string; timeframe: string; id: number; ts: Float64Array }> = [];
  for (const inst of await repos.instruments.list()) {
    for (const s of (await repos.bars.seriesStats()).filter(
      (x) => x.instrumentId === inst.id && x.barCount > 100,
    )) {
      const cols = await repos.bars.loadColumns(inst.id, s.timeframe);
      series.push({ symbol: inst.symbol, timeframe: s.timeframe, id: inst.id, ts: cols.ts });
    }
  }
  const rand = seededRandom(12345);
  const draw = () => {
    const s = series[Math.floor(rand() * series.length)]!;
    return { ...s, asOf: s.ts[Math.floor(rand() * s.ts.length)]! };
  };
  const coldSet = Array.from({ length: COLD_REQUESTS }, draw);
  const workingSet = Array.from({ length: 500 }, draw);

  log(`cold: ${COLD_REQUESTS} first-time requests over ${series.length} series`);
  const cold = await runLoad(coldSet, (r) => fetchVector(r.symbol, r.timeframe, r.asOf));
  await runLoad(workingSet, (r) => fetchVector(r.symbol, r.timeframe, r.asOf)); // fill the working set
  log(`warm: ${WARM_REQUESTS} requests over a working set of ${workingSet.length}`);
  const warmRequests = Array.from({ length: WARM_REQUESTS }, (_, i) => workingSet[i % workingSet.length]!);
  const warm = await runLoad(warmRequests, (r) => fetchVector(r.symbol, r.timeframe, r.asOf));

  log(`baseline: ${BASELINE_REQUESTS} requests reading bars from PostgreSQL per request, no cache`);
  const baseline = await runLoad(coldSet.slice(0, BASELINE_REQUESTS), async (r) => {
    const bars = await repos.bars.loadColumns(r.id, r.timeframe, r.asOf);
    featureVectorAt(bars, bars.ts.length - 1);
    return 'postgres';
  });

  const metrics = await fetch(`${engineUrl}/metrics`).then((r) => r.text());
  const rss = Number(/process_resident_memory_bytes(?:\{[^}]*\})? (\d+)/.exec(metrics)?.[1] ?? Number.NaN);
  const warmHits = warm.sources.memory ?? 0;

  const universe = readFileSync(files[0]!, 'utf8').slice(0, 4096).split(/\r?\n/)[0]!.split(',').slice(1);
  const server = await serverSide(repos, universe);

  agent.destroy();
  await repos.db.close();
  if (engine) await stopChild(engine);
  if (startedStack) stackDown();

  const result = {
    benchmark: 'features',
    concurrency: CONCURRENCY,
    series: series.length,
    warm_p50_ms: warm.p50_ms,
    warm_p95_ms: warm.p95_ms,
    warm_p99_ms: warm.p99_ms,
    warm_throughput_per_s: warm.throughput_per_s,
    warm_hit_rate: Math.round((warmHits / WARM_REQUESTS) * 10000) / 10000,
    cold_p50_ms: cold.p50_ms,
    cold_p95_ms: cold.p95_ms,
    cold_p99_ms: cold.p99_ms,
    cold_throughput_per_s: cold.throughput_per_s,
    cold_sources: cold.sources,
    baseline_p50_ms: baseline.p50_ms,
    baseline_p95_ms: baseline.p95_ms,
    baseline_p99_ms: baseline.p99_ms,
    baseline_throughput_per_s: baseline.throughput_per_s,
    speedup_warm_p95_vs_baseline: Math.round((baseline.p95_ms / warm.p95_ms) * 10) / 10,
    speedup_cold_p95_vs_baseline: Math.round((baseline.p95_ms / cold.p95_ms) * 10) / 10,
    errors: warm.errors + cold.errors + baseline.errors,
    engine_rss_mb: Math.round(rss / 1048576),
    engine: engine ? 'started by the benchmark' : 'already running',
    goal_warm_p95_ms: 2,
    ...server,
  };
  console.log(JSON.stringify(result));
}

await main();
