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
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import {
  createLogger,
  dbConfigSchema,
  engineConfigSchema,
  generateSecret,
  loadConfig,
  sha256Hex,
} from '@tradeplane/platform';
import { buildRiskModel, checkOrders, type PreTradeRequest } from '@tradeplane/quant';
import {
  BarStore,
  dailyReturnsTable,
  parseRiskCheckRequest,
  repositoryRiskUniverse,
  riskLimitsFromConfig,
  riskModelOptionsFromConfig,
  RiskService,
} from '../src';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const CONCURRENCY = 32;
const CHECKS = Number(process.env.BENCH_RISK_CHECKS ?? 50_000);
const HTTP_REQUESTS = Number(process.env.BENCH_RISK_HTTP_REQUESTS ?? 20_000);
const BASELINE_REQUESTS = Number(process.env.BENCH_RISK_BASELINE_REQUESTS ?? 300);
const log = (msg: string) => console.error(`[bench:risk] ${msg}`);

function percentiles(samples: ArrayLike<number>) {
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    p50_ms: round(at(0.5)),
    p95_ms: round(at(0.95)),
    p99_ms: round(at(0.99)),
    max_ms: round(s.at(-1)!),
  };
}

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

function stackUp(): boolean {
  try {
    execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), 'status'], { stdio: 'ignore' });
    return false;
  } catch {
    log('starting the local stack');
    execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), 'up'], { stdio: 'inherit' });
    return true;
  }
}

const alive = (url: string) =>
  fetch(`${url}/healthz`).then(
    (r) => r.json() as Promise<{ components: Array<{ name: string; state: string }> }>,
    () => null,
  );

async function main() {
  const startedStack = stackUp();
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const engineConfig = loadConfig(engineConfigSchema, env);
  const engineUrl = `http://127.0.0.1:${engineConfig.ENGINE_PORT}`;
  const repos = openRepositories({ url: loadConfig(dbConfigSchema, env).DATABASE_URL, poolMax: 4 });
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'packages/db/src/migrate/cli.ts'],
    { cwd: repoRoot, stdio: 'ignore' },
  );

  // Real data, imported only when the database has too few daily series.
  const dailySeries = (await repos.bars.seriesStats()).filter((s) => s.timeframe === '1d').length;
  if (dailySeries < 20) {
    const dataDir = existsSync(path.resolve(repoRoot, '../shared/data'))
      ? path.resolve(repoRoot, '../shared/data')
      : path.join(repoRoot, 'data/sample');
    for (const f of ['daily/stock_prices.csv', 'daily/spy_prices.csv', 'daily/nvda-1999-2014.csv']) {
      const file = dataDir.endsWith('sample') ? path.join(dataDir, path.basename(f)) : path.join(dataDir, f);
      log(`importing ${file}`);
      const run = await repos.ingestionRuns.create(file, null);
      await runIngestion(repos, run.id, file);
    }
  }

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
    riskLimitsFromConfig(engineConfig),
    riskModelOptionsFromConfig(engineConfig),
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

  // Requests: seeded books and baskets over the modelled symbols, 5% of orders on unknown ones.
  let seed = 20240601;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = () => model.symbols[Math.floor(rand() * model.symbols.length)]!;
  const requests = Array.from({ length: 1000 }, () => {
    const portfolio: Record<string, number> = {};
    for (let i = 0, m = 3 + Math.floor(rand() * 13); i < m; i++) portfolio[pick()] = (rand() - 0.25) * 0.12;
    const orders = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => ({
      symbol: rand() < 0.03 ? 'NOTMODELLED' : pick(),
      deltaWeight: Math.round((rand() - 0.35) * 0.5 * 1e4) / 1e4,
    }));
    return { portfolio, orders } satisfies PreTradeRequest;
  });
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
  const options = riskModelOptionsFromConfig(engineConfig);
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
  if (!(await alive(engineUrl))) {
    log(`starting the engine at ${engineUrl}`);
    engine = spawn(
      process.execPath,
      [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'packages/engine/src/main.ts'],
      { cwd: repoRoot, env: { ...env, LEAKAGE_SAMPLE_RATE: '0.01' }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  for (let i = 0; i < 600; i++) {
    const health = await alive(engineUrl);
    if (health?.components.find((c) => c.name === 'risk-model')?.state === 'up') break;
    if (i === 599) throw new Error('the engine did not report a built risk model within 150 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  const { secret, displayPrefix } = generateSecret('key');
  await repos.apiKeys.create({
    name: 'bench:risk',
    prefix: displayPrefix,
    keyHash: sha256Hex(secret),
    createdBy: null,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${engineUrl}/api/v1/risk/check`,
        {
          method: 'POST',
          agent,
          headers: {
            'x-api-key': secret,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await post(bodies[0]!); // the key is valid at once (the engine reloads keys on a miss)

  const histogram = async () => {
    const text = await fetch(`${engineUrl}/metrics`).then((r) => r.text());
    const line = (suffix: string, le?: string) => {
      const re = new RegExp(
        `tp_engine_http_request_duration_seconds_${suffix}\\{(?=[^}]*route="risk_check")(?=[^}]*status="200")${le ? `(?=[^}]*le="${le}")` : ''}[^}]*\\} (\\d+)`,
      );
      return Number(re.exec(text)?.[1] ?? 0);
    };
    return { under: line('bucket', '0.0005'), total: line('count') };
  };
  for (let i = 0; i < 2000; i++) await post(bodies[i % bodies.length]!); // warm the engine's JIT
  const warmed = await histogram();
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
  const after = await histogram();
  const http_ = percentiles(latencies);

  agent.destroy();
  await repos.db.close();
  if (engine) {
    engine.kill('SIGTERM');
    await new Promise((r) => engine!.once('exit', r));
  }
  if (startedStack)
    execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), 'down'], { stdio: 'inherit' });

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
