/**
 * npm run bench:live — the live case: a bar arrives, then the trading client asks for a
 * decision on it.
 *
 * Starts what is missing (the local stack, the engine as its own process), makes sure the real
 * daily data from ../shared/data is imported, then on the 20-stock universe of
 * daily/stock_prices.csv:
 *   - hides the last BENCH_LIVE_BARS trading days from the engine (a market replay cut-off,
 *     POST /api/v1/replays) and plays them back one day at a time: POST /api/v1/bars with the
 *     day's 20 bars (and the regime benchmark's) as one batch, then at once POST predict on
 *     the 20 symbols at that bar — the first decision after the new bar: server timings
 *     (decision.timings.totalMs, featuresMs) and client latency;
 *   - predict over random historical asOf values never asked before (no warm cache);
 *   - baseline, in the same run and in-process: the old cold path, `featureVectorAt` over the
 *     history truncated at the bar, for the same 20 symbols per bar.
 * Ends the replay (the engine shows every stored bar again). Prints one JSON object on the
 * last line. Stops only what it started.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { featureVectorAt, type BarColumns } from '@tradeplane/quant';
import { loadEngineConfig } from '../src';
import {
  createApiKey,
  healthz,
  migrate,
  percentiles,
  repoRoot,
  seededRandom,
  sleep,
  spawnTs,
  stackDown,
  stackUp,
  stopChild,
} from '../../../test/load';

const dataDir = path.resolve(repoRoot, '../shared/data');
const LIVE_BARS = Number(process.env.BENCH_LIVE_BARS ?? 60);
const HISTORICAL_REQUESTS = Number(process.env.BENCH_LIVE_HISTORICAL ?? 300);
const log = (msg: string) => console.error(`[bench:live] ${msg}`);

/** P50/P95/P99 under `prefix`, the keys this benchmark prints. */
function prefixedPercentiles(prefix: string, samples: number[]): Record<string, number> {
  const p = percentiles(samples);
  return { [`${prefix}_p50_ms`]: p.p50_ms, [`${prefix}_p95_ms`]: p.p95_ms, [`${prefix}_p99_ms`]: p.p99_ms };
}

async function main() {
  const startedStack = stackUp(log);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const config = loadEngineConfig(env);
  const engineUrl = `http://127.0.0.1:${config.engine.ENGINE_PORT}`;
  const benchmark = config.engine.ENGINE_REGIME_SYMBOL.toUpperCase();
  const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 4 });
  migrate();
  for (const file of ['daily/stock_prices.csv', 'daily/spy_prices.csv'].map((f) => path.join(dataDir, f))) {
    const run = await repos.ingestionRuns.create(file, null);
    await runIngestion(repos, run.id, file);
  }
  const universe = readFileSync(path.join(dataDir, 'daily/stock_prices.csv'), 'utf8')
    .slice(0, 1_000)
    .split('\n')[0]!
    .trim()
    .split(',')
    .slice(1);

  let engine: ChildProcess | null = null;
  if (!(await healthz(engineUrl))) {
    log(`starting the engine at ${engineUrl}`);
    engine = spawnTs('packages/engine/src/main.ts', [], { ...env, LEAKAGE_SAMPLE_RATE: '0' });
    for (let i = 0; i < 480 && !(await healthz(engineUrl)); i++) await sleep(250);
  }

  const secret = await createApiKey(repos, 'bench:live');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const post = (route: string, body: unknown, method = 'POST') =>
    new Promise<{ status: number; json: any; ms: number }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const t0 = performance.now();
      const req = http.request(
        `${engineUrl}${route}`,
        {
          method,
          agent,
          headers: {
            'content-type': 'application/json',
            'x-api-key': secret,
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString() || 'null'),
              ms: performance.now() - t0,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  // The history: the universe and the benchmark, from PostgreSQL.
  const { series } = await repos.bars.loadUniverseColumns([...universe, benchmark], '1d');
  const reference = series.get(universe[0]!)!;
  const liveDays = Array.from(reference.ts.slice(-LIVE_BARS));
  const from = liveDays[0]!;
  const indexAt = (cols: BarColumns, ts: number) => Array.from(cols.ts).lastIndexOf(ts);
  const barOf = (symbol: string, ts: number) => {
    const cols = series.get(symbol)!;
    const i = indexAt(cols, ts);
    if (i < 0) return null;
    const volume = cols.volume?.[i];
    return {
      symbol,
      timeframe: '1d',
      ts,
      open: cols.open[i]!,
      high: cols.high[i]!,
      low: cols.low[i]!,
      close: cols.close[i]!,
      volume: volume === undefined || Number.isNaN(volume) ? null : volume,
    };
  };

  // A new key becomes valid at the engine's next key refresh.
  let replay: { status: number; json: any } = { status: 0, json: null };
  for (let i = 0; i < 160; i++) {
    replay = await post('/api/v1/replays', { symbols: universe, timeframe: '1d', from });
    if (replay.status !== 401) break;
    await sleep(250);
  }
  if (replay.status !== 200) throw new Error(`replay refused: ${JSON.stringify(replay.json)}`);
  const replayId = replay.json.id as string;
  log(
    `replay ${replayId}: ${LIVE_BARS} days from ${new Date(from).toISOString().slice(0, 10)}, ${universe.length} symbols`,
  );

  const rssSamples: number[] = [];
  const sampleRss = async () => {
    const text = await fetch(`${engineUrl}/metrics`).then((r) => r.text());
    rssSamples.push(
      Number(/process_resident_memory_bytes(?:\{[^}]*\})? (\d+)/.exec(text)?.[1] ?? Number.NaN),
    );
  };
  const first = {
    total: [] as number[],
    features: [] as number[],
    models: [] as number[],
    risk: [] as number[],
    client: [] as number[],
  };
  const ingestMs: number[] = [];
  const baselineMs: number[] = [];
  let barsPosted = 0;
  let errors = 0;
  try {
    // One warm-up decision at the cut-off (models loaded, connections open).
    await post('/api/v1/predict', { symbols: universe, timeframe: '1d', asOf: from - 1 });
    for (const ts of liveDays) {
      const bars = [...universe, benchmark].map((s) => barOf(s, ts)).filter((b) => b !== null);
      const ingest = await post('/api/v1/bars', { bars, source: `replay:${replayId}` });
      if (ingest.status !== 200) {
        errors++;
        log(`bars refused: ${JSON.stringify(ingest.json)}`);
        continue;
      }
      ingestMs.push(ingest.ms);
      barsPosted += bars.length;
      const decision = await post('/api/v1/predict', { symbols: universe, timeframe: '1d', asOf: ts });
      if (decision.status !== 200) {
        if (errors++ === 0) log(`predict refused: ${JSON.stringify(decision.json)}`);
        continue;
      }
      const timings = decision.json.timings as Record<
        'totalMs' | 'featuresMs' | 'modelsMs' | 'riskMs',
        number
      >;
      first.total.push(timings.totalMs);
      first.features.push(timings.featuresMs);
      first.models.push(timings.modelsMs);
      first.risk.push(timings.riskMs);
      first.client.push(decision.ms);
      // The old cold path for the same decision: every symbol's vector from its truncated history.
      const t0 = performance.now();
      for (const symbol of universe) {
        const cols = series.get(symbol)!;
        const i = indexAt(cols, ts);
        if (i >= 0) featureVectorAt(cols, i);
      }
      baselineMs.push(performance.now() - t0);
      await sampleRss();
    }

    // Historical decisions at random bars before the cut-off, each asOf asked once.
    const rand = seededRandom(20_180_102);
    const history = Array.from(reference.ts).filter((t) => t < from && t > Date.UTC(2015, 0, 1));
    const historical = { total: [] as number[], features: [] as number[] };
    const asked = new Set<number>();
    while (historical.total.length < HISTORICAL_REQUESTS && asked.size < history.length) {
      const asOf = history[Math.floor(rand() * history.length)]!;
      if (asked.has(asOf)) continue;
      asked.add(asOf);
      const decision = await post('/api/v1/predict', { symbols: universe, timeframe: '1d', asOf });
      if (decision.status !== 200) {
        if (errors++ === 0) log(`historical predict refused: ${JSON.stringify(decision.json)}`);
        continue;
      }
      historical.total.push(decision.json.timings.totalMs as number);
      historical.features.push(decision.json.timings.featuresMs as number);
    }
    await sampleRss();

    const p = {
      ...prefixedPercentiles('first_decision_server', first.total),
      ...prefixedPercentiles('first_decision_features', first.features),
      // Where the rest goes: the four model runs per symbol, and the pre-trade check.
      ...prefixedPercentiles('first_decision_models', first.models),
      ...prefixedPercentiles('first_decision_risk', first.risk),
      ...prefixedPercentiles('first_decision_client', first.client),
      ...prefixedPercentiles('historical_server', historical.total),
      ...prefixedPercentiles('historical_features', historical.features),
      ...prefixedPercentiles('baseline_cold_features', baselineMs),
      ...prefixedPercentiles('ingest_client', ingestMs),
    };
    const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
    // Sampled after every bar and at the end from /metrics: the engine may be one this run did not start.
    const peakRssMb = Math.round(Math.max(...rssSamples) / 1048576);
    const result = {
      benchmark: 'live',
      symbols: universe.length,
      live_bars: first.total.length,
      historical_requests: historical.total.length,
      ...p,
      speedup_first_decision_features_p95_vs_baseline: ratio(
        p.baseline_cold_features_p95_ms!,
        p.first_decision_features_p95_ms!,
      ),
      speedup_historical_features_p95_vs_baseline: ratio(
        p.baseline_cold_features_p95_ms!,
        p.historical_features_p95_ms!,
      ),
      bars_ingested_per_s: Math.round(barsPosted / (ingestMs.reduce((a, b) => a + b, 0) / 1000)),
      engine_peak_rss_mb: peakRssMb,
      errors,
      engine: engine ? 'started by the benchmark' : 'already running',
      goal_first_decision_server_p95_ms: 0.5,
      goal_historical_server_p95_ms: 1,
    };
    console.log(JSON.stringify(result));
  } finally {
    await post(`/api/v1/replays/${replayId}`, {}, 'DELETE').catch(() => undefined);
    agent.destroy();
    await repos.db.close();
    if (engine) await stopChild(engine);
    if (startedStack) stackDown();
  }
}

await main();
