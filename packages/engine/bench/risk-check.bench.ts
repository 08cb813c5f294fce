/**
 * npm run bench:risk — the pre-trade risk check (POST /api/v1/risk/check).
 *
 * Starts what is missing (the local stack, the engine as its own process), imports the real
 * daily bars from ../shared/data (or data/sample) when the database has none, then measures,
 * on one fixed seeded mix of requests (books of 3–15 positions, baskets of 1–5 orders,
 * some on symbols outside the model):
 *   - check: checkOrders alone, in process, on the model built the engine's way;
 *   - server: everything the handler does on the CPU (JSON.parse, validation, checkOrders,
 *     JSON.stringify), in process;
 *   - http: round trips to the engine over loopback at concurrency 32, plus the engine's own
 *     latency histogram share under 0.5 ms;
 *   - baseline: the naive way, in the same run — the covariance, correlation and clusters
 *     recomputed from the daily returns on every request, then the same check.
 * Prints one JSON object on the last line. Stops only what it started.
 */
import type { ChildProcess } from 'node:child_process';
import { openRepositories } from '@tradeplane/db';
import { createLogger } from '@tradeplane/platform';
import { buildRiskModel, checkOrders } from '@tradeplane/quant';
import {
  BarStore,
  dailyReturnsTable,
  loadEngineConfig,
  parseRiskCheckRequest,
  repositoryRiskUniverse,
  riskLimitsFromConfig,
  riskModelOptionsFromConfig,
  RiskService,
} from '../src';
import {
  createApiKey,
  ensureDailyBars,
  healthz,
  histogram,
  histogramCount,
  httpClient,
  migrate,
  percentiles as percentilesMs,
  riskCheckMix,
  scrape,
  spawnTs,
  stackDown,
  stackUp,
  stopChild,
  waitUntilServing,
} from '../../../test/load';

const CONCURRENCY = 32;
const CHECKS = Number(process.env.BENCH_RISK_CHECKS ?? 50_000);
const HTTP_REQUESTS = Number(process.env.BENCH_RISK_HTTP_REQUESTS ?? 20_000);
const BASELINE_REQUESTS = Number(process.env.BENCH_RISK_BASELINE_REQUESTS ?? 300);
const log = (msg: string) => console.error(`[bench:risk] ${msg}`);

const percentiles = (samples: ArrayLike<number>) => percentilesMs(samples, 4);

/** Times fn over the inputs, cycling; a warm-up pass first so the JIT has settled. */
function timeEach<T>(inputs: T[], count: number, fn: (x: T) => unknown): Float64Array {
  for (let i = 0; i < Math.min(count, 2000); i++) fn(inputs[i % inputs.length]!);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const x = inputs[i % inputs.length]!;
    const t0 = performance.now();
    fn(x);
    out[i] = performance.now() - t0;
  }
  return out;
}

async function main() {
  const startedStack = stackUp(log);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const config = loadEngineConfig(env);
  const engineUrl = `http://127.0.0.1:${config.engine.ENGINE_PORT}`;
  const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 4 });
  migrate();

  // Real data, imported only when the database has too few daily series.
  await ensureDailyBars(
    repos,
    ['daily/stock_prices.csv', 'daily/spy_prices.csv', 'daily/nvda-1999-2014.csv'],
    log,
  );

  // The model exactly as the engine builds it: same universe, bar store, returns and options.
  const bars = new BarStore(
    {
      findInstrument: (symbol) => repos.instruments.findBySymbol(symbol),
      loadColumns: (id, timeframe) => repos.bars.loadColumns(id, timeframe),
    },
    Date.now,
  );
  const risk = new RiskService(
    repositoryRiskUniverse(repos),
    bars,
    riskLimitsFromConfig(config.risk),
    riskModelOptionsFromConfig(config.risk),
    Date.now,
    createLogger('bench', 'silent'),
  );
  const info = await risk.refresh();
  const { model } = risk.snapshot!;
  const symbols = await repositoryRiskUniverse(repos).dailySymbols();
  const series = await Promise.all(
    symbols.map(async (s) => ({ symbol: s, bars: (await bars.get(s, '1d')).bars })),
  );
  const returns = dailyReturnsTable(series);
  log(`model: ${info.symbols} symbols, ${info.clusters} clusters, returns to ${info.asOf}`);
  log(`clusters of several names: ${JSON.stringify(model.clusters.filter((c) => c.length > 1))}`);

  // Requests: seeded books and baskets over the modelled symbols, 3% of orders on unknown ones.
  const requests = riskCheckMix(model.symbols);
  const bodies = requests.map((r) => JSON.stringify(r));
  const verdicts: Record<string, number> = {};
  for (const r of requests) {
    const v = checkOrders(r, model, risk.limits).verdict;
    verdicts[v] = (verdicts[v] ?? 0) + 1;
  }

  log(`in process: ${CHECKS} checks`);
  const check = percentiles(timeEach(requests, CHECKS, (r) => checkOrders(r, model, risk.limits)));
  const server = percentiles(
    timeEach(bodies, CHECKS, (body) => {
      const result = checkOrders(parseRiskCheckRequest(JSON.parse(body)), model, risk.limits);
      return JSON.stringify({ ...result, riskModel: info });
    }),
  );
  log(`baseline: ${BASELINE_REQUESTS} checks rebuilding the covariance per request`);
  const options = riskModelOptionsFromConfig(config.risk);
  let agree = 0;
  const baseline = percentiles(
    timeEach(requests, BASELINE_REQUESTS, (r) => {
      const perRequest = buildRiskModel(returns, options);
      return checkOrders(r, perRequest, risk.limits);
    }),
  );
  for (const r of requests.slice(0, 100)) {
    const a = checkOrders(r, model, risk.limits);
    const b = checkOrders(r, buildRiskModel(returns, options), risk.limits);
    if (a.verdict === b.verdict && Math.abs(a.scale - b.scale) < 1e-12) agree++;
  }

  // HTTP against the engine process.
  let engine: ChildProcess | null = null;
  if (!(await healthz(engineUrl))) {
    log(`starting the engine at ${engineUrl}`);
    engine = spawnTs('packages/engine/src/main.ts', [], { ...env, LEAKAGE_SAMPLE_RATE: '0.01' });
  }
  await waitUntilServing(engineUrl, engine, 'the engine');
  const secret = await createApiKey(repos, 'bench:risk');
  const client = httpClient(engineUrl, secret, CONCURRENCY);
  const post = async (body: string) => {
    const { status } = await client.post('/api/v1/risk/check', body, false);
    if (status !== 200) throw new Error(`HTTP ${status}`);
  };
  await post(bodies[0]!); // the key is valid at once (the engine reloads keys on a miss)

  const riskHistogram = async () => {
    const h = histogram(await scrape(engineUrl), 'tp_engine_http_request_duration_seconds', {
      route: 'risk_check',
      status: '200',
    });
    return { under: h.cumulative[h.le.indexOf(0.0005)] ?? 0, total: histogramCount(h) };
  };
  for (let i = 0; i < 2000; i++) await post(bodies[i % bodies.length]!); // warm the engine's JIT
  const warmed = await riskHistogram();
  log('http: 2000 sequential requests');
  const sequential = new Float64Array(2000);
  for (let i = 0; i < sequential.length; i++) {
    const t0 = performance.now();
    await post(bodies[i % bodies.length]!);
    sequential[i] = performance.now() - t0;
  }
  const http1 = percentiles(sequential);
  log(`http: ${HTTP_REQUESTS} requests at concurrency ${CONCURRENCY}`);
  const latencies = new Float64Array(HTTP_REQUESTS);
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < HTTP_REQUESTS) {
        const i = next++;
        const t0 = performance.now();
        await post(bodies[i % bodies.length]!).catch(() => errors++);
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await riskHistogram();
  const http_ = percentiles(latencies);

  client.close();
  await repos.db.close();
  if (engine) await stopChild(engine);
  if (startedStack) stackDown();

  const served = after.total - warmed.total;
  console.log(
    JSON.stringify({
      benchmark: 'risk-check',
      model_symbols: info.symbols,
      model_clusters: info.clusters,
      model_as_of: info.asOf,
      requests_mix: verdicts,
      check_p50_ms: check.p50_ms,
      check_p95_ms: check.p95_ms,
      check_p99_ms: check.p99_ms,
      server_p50_ms: server.p50_ms,
      server_p95_ms: server.p95_ms,
      server_p99_ms: server.p99_ms,
      engine_histogram_share_under_0_5_ms:
        served > 0 ? Math.round(((after.under - warmed.under) / served) * 10000) / 10000 : null,
      http_c1_p50_ms: http1.p50_ms,
      http_c1_p95_ms: http1.p95_ms,
      http_c1_p99_ms: http1.p99_ms,
      http_concurrency: CONCURRENCY,
      http_p50_ms: http_.p50_ms,
      http_p95_ms: http_.p95_ms,
      http_p99_ms: http_.p99_ms,
      http_throughput_per_s: Math.round(HTTP_REQUESTS / seconds),
      http_errors: errors,
      baseline_p50_ms: baseline.p50_ms,
      baseline_p95_ms: baseline.p95_ms,
      baseline_p99_ms: baseline.p99_ms,
      baseline_agreement: agree / 100,
      speedup_check_p95_vs_baseline: Math.round(baseline.p95_ms / check.p95_ms),
      speedup_server_p95_vs_baseline: Math.round(baseline.p95_ms / server.p95_ms),
      goal_p95_ms: 0.5,
      engine: engine ? 'started by the benchmark' : 'already running',
    }),
  );
}

await main();
