/**
 * npm run bench:predict — decision latency under load (POST /api/v1/predict).
 *
 * Starts what is missing (the local stack), imports the real daily bars from ../shared/data
 * (or data/sample) when the database has none, starts its own engine process (port
 * BENCH_ENGINE_PORT, decision events to topic BENCH_PREDICT_TOPIC, both removed afterwards),
 * then:
 *   - engine: an open-loop load of BENCH_PREDICT_RATE requests/s (default 2,000) for
 *     BENCH_PREDICT_SECONDS (default 15) after a warm-up, over a fixed seeded mix of symbols,
 *     dates, books and request keys whose features are in the engine's LRU (the steady state
 *     of a trading engine asking about the current bar). Server time per decision is the
 *     engine's own in-process timing (`timings.totalMs`: request arrival → decision built),
 *     plus the share of the engine's `tp_decision_duration_seconds` histogram under 1 ms;
 *     client time is the round trip over loopback.
 *   - baseline: the prototype's path, in this process and in the same run, on the same
 *     requests: the bars up to asOf read from PostgreSQL and the features computed per
 *     request, the same models and risk check, then the decision sent to Kafka with an
 *     awaited send per decision. Closed loop at concurrency 16 (it cannot take 2,000/s).
 * Prints one JSON object on the last line. Stops only what it started.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openRepositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import {
  createLogger,
  dbConfigSchema,
  engineConfigSchema,
  generateSecret,
  KafkaAdapter,
  kafkaConfigSchema,
  loadConfig,
  sha256Hex,
} from '@tradeplane/platform';
import { featureVectorAt } from '@tradeplane/quant';
import {
  BarStore,
  bootstrapModelSet,
  bootstrapModelSetInput,
  checkTargets,
  ModelSet,
  parsePredictRequest,
  repositoryRiskUniverse,
  riskLimitsFromConfig,
  riskModelOptionsFromConfig,
  RiskService,
  scoreTargets,
} from '../src';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const RATE = Number(process.env.BENCH_PREDICT_RATE ?? 2000);
const SECONDS = Number(process.env.BENCH_PREDICT_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_PREDICT_WARMUP_SECONDS ?? 3);
const BASELINE_REQUESTS = Number(process.env.BENCH_PREDICT_BASELINE_REQUESTS ?? 1000);
const BASELINE_CONCURRENCY = 16;
const PORT = Number(process.env.BENCH_ENGINE_PORT ?? 17171);
const TOPIC = process.env.BENCH_PREDICT_TOPIC ?? 'decisions-bench';
const log = (msg: string) => console.error(`[bench:predict] ${msg}`);

function percentiles(samples: ArrayLike<number>) {
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    p50_ms: round(at(0.5)),
    p95_ms: round(at(0.95)),
    p99_ms: round(at(0.99)),
    max_ms: round(s.at(-1)!),
  };
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

/** The engine's histogram of decision server time: decisions so far and those under 1 ms. */
async function histogram(url: string) {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const read = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    total: read(/^tp_decision_duration_seconds_count\S* (\S+)$/m),
    under1ms: read(/^tp_decision_duration_seconds_bucket\{le="0\.001"\S* (\S+)$/m),
    eventsSent: read(/^tp_event_publisher_sent_total\S* (\S+)$/m),
    cpuSeconds: read(/^process_cpu_seconds_total\S* (\S+)$/m),
    loopLagP99: read(/^nodejs_eventloop_lag_p99_seconds\S* (\S+)$/m),
  };
}

/**
 * `timings.totalMs` of a decision body. The load generator shares the 2 cores with the engine,
 * so it reads the one number at the end of the body instead of parsing all of it.
 */
function totalMs(body: string): number {
  const at = body.lastIndexOf('"totalMs":');
  if (at < 0) throw new Error(`no timings in ${body.slice(0, 200)}`);
  return Number.parseFloat(body.slice(at + '"totalMs":'.length));
}

async function main() {
  const startedStack = stackUp();
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const engineConfig = loadConfig(engineConfigSchema, env);
  const kafkaConfig = loadConfig(kafkaConfigSchema, env);
  const repos = openRepositories({ url: loadConfig(dbConfigSchema, env).DATABASE_URL, poolMax: 20 });
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'packages/db/src/migrate/cli.ts'],
    { cwd: repoRoot, stdio: 'ignore' },
  );

  const dailySeries = (await repos.bars.seriesStats()).filter((s) => s.timeframe === '1d').length;
  if (dailySeries < 20) {
    const dataDir = existsSync(path.resolve(repoRoot, '../shared/data'))
      ? path.resolve(repoRoot, '../shared/data')
      : path.join(repoRoot, 'data/sample');
    for (const f of ['daily/stock_prices.csv', 'daily/spy_prices.csv']) {
      const file = dataDir.endsWith('sample') ? path.join(dataDir, path.basename(f)) : path.join(dataDir, f);
      log(`importing ${file}`);
      const run = await repos.ingestionRuns.create(file, null);
      await runIngestion(repos, run.id, file);
    }
  }
  const { secret: apiKey, displayPrefix } = generateSecret('key');
  await repos.apiKeys.create({
    name: 'bench:predict',
    prefix: displayPrefix,
    keyHash: sha256Hex(apiKey),
    createdBy: null,
  });

  // Requests: seeded symbols × dates × books, one symbol per decision (the trading engine's call).
  const symbols = ['SPY', 'AAPL', 'AMZN', 'GOOG', 'JPM', 'XOM', 'PFE', 'WMT', 'BAC', 'T', 'GE', 'MA'];
  let seed = 20240601;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const dates = Array.from({ length: 120 }, (_, i) =>
    new Date(Date.UTC(2016, 0, 5) + i * 5 * 86_400_000).toISOString(),
  );
  const bodies = Array.from({ length: 4000 }, (_, i) => {
    const portfolio: Record<string, number> = {};
    for (let k = 0; k < 4; k++)
      portfolio[symbols[Math.floor(rand() * symbols.length)]!] =
        Math.round((rand() - 0.3) * 0.16 * 1e4) / 1e4;
    return {
      symbol: symbols[i % symbols.length]!,
      timeframe: '1d',
      asOf: dates[Math.floor(rand() * dates.length)]!,
      portfolio,
      requestKey: `order-${i}`,
    };
  });
  const payloads = bodies.map((b) => JSON.stringify(b));

  const kafka = new KafkaAdapter(kafkaConfig.KAFKA_BROKERS, 'bench-predict');
  await kafka.createTopic(TOPIC).catch(() => false);
  const spool = await mkdtemp(path.join(tmpdir(), 'tp-bench-predict-'));
  const url = `http://127.0.0.1:${PORT}`;
  log(`starting an engine at ${url} (decision events to topic ${TOPIC})`);
  const engine = spawn(
    process.execPath,
    [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'packages/engine/src/main.ts'],
    {
      cwd: repoRoot,
      env: {
        ...env,
        ENGINE_PORT: String(PORT),
        DECISION_EVENTS_TOPIC: TOPIC,
        DECISION_EVENTS_SPOOL_DIR: spool,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((r) => engine.once('exit', r));
  for (let i = 0; ; i++) {
    const health = await fetch(`${url}/healthz`).then(
      (r) => r.json() as Promise<{ components: Array<{ name: string; state: string }>; models?: unknown }>,
      () => null,
    );
    if (health?.components.find((c) => c.name === 'risk-model')?.state === 'up') {
      log(`engine ready: ${JSON.stringify(health.models)}`);
      break;
    }
    if (i === 600) throw new Error('the engine did not report a built risk model within 150 s');
    await new Promise((r) => setTimeout(r, 250));
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const post = (payload: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${url}/api/v1/predict`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'x-api-key': apiKey,
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  // Warm-up: every request once (features into the LRU, JIT), then the rate for a while.
  log(`warm-up: ${payloads.length} distinct requests, then ${WARMUP_SECONDS} s at ${RATE}/s`);
  // An engine that was already running learns of the new key on its next key reload.
  for (let i = 0; (await post(payloads[0]!)).status === 401; i++) {
    if (i === 60) throw new Error('the engine did not accept the new API key within 60 s');
    await new Promise((r) => setTimeout(r, 1000));
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < payloads.length) {
        const r = await post(payloads[next++]!);
        if (r.status !== 200) throw new Error(`warm-up: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      }
    }),
  );

  /** Open loop: requests are sent on schedule whether or not earlier ones have answered. */
  async function load(seconds: number, measure: boolean) {
    const total = Math.round(RATE * seconds);
    const client = new Float64Array(total);
    const server = new Float64Array(total);
    let errors = 0;
    let sent = 0;
    let done = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE));
        for (; sent < due; sent++) {
          const i = sent;
          const s0 = performance.now();
          post(payloads[i % payloads.length]!).then(
            (r) => {
              client[i] = performance.now() - s0;
              if (r.status === 200) {
                if (measure) server[i] = totalMs(r.body);
              } else errors++;
              if (++done === total) resolve();
            },
            () => {
              errors++;
              if (++done === total) resolve();
            },
          );
        }
        if (sent < total) setTimeout(tick, 2);
      };
      tick();
    });
    const seconds_ = (performance.now() - t0) / 1000;
    return { client, server, errors, total, throughput: total / seconds_ };
  }
  await load(WARMUP_SECONDS, false);

  log(`measuring: ${SECONDS} s at ${RATE} requests/s`);
  const before = await histogram(url);
  const measured = await load(SECONDS, true);
  const after = await histogram(url);
  const engineServer = percentiles(measured.server);
  const engineClient = percentiles(measured.client);

  // Baseline: the prototype's path on the same requests, in this process.
  log(`baseline: ${BASELINE_REQUESTS} decisions reading bars from PostgreSQL and awaiting a Kafka send each`);
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
  await risk.refresh();
  const set = ModelSet.create(bootstrapModelSetInput(bootstrapModelSet()), { executionProviders: ['cpu'] });
  const producer = kafka.producer();
  const uniform = { bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3, barTime: null, note: null };
  const baselineTimes = new Float64Array(BASELINE_REQUESTS);
  let baselineErrors = 0;
  let cursor = 0;
  const b0 = performance.now();
  await Promise.all(
    Array.from({ length: BASELINE_CONCURRENCY }, async () => {
      while (cursor < BASELINE_REQUESTS) {
        const i = cursor++;
        const t0 = performance.now();
        try {
          const request = parsePredictRequest(JSON.parse(payloads[i % payloads.length]!), Date.now());
          const instrument = await repos.instruments.findBySymbol(request.symbols[0]!);
          const series = await repos.bars.loadColumns(instrument!.id, '1d', request.asOfMs);
          const values = featureVectorAt(series, series.ts.length - 1);
          const target = {
            symbol: request.symbols[0]!,
            barTime: new Date(series.ts.at(-1)!).toISOString(),
            values,
          };
          const scored = scoreTargets(
            set,
            [target],
            uniform,
            request.portfolio,
            engineConfig.ENGINE_POSITION_SCALE,
          );
          const verdict = checkTargets(scored, request.portfolio, risk.snapshot!.model, risk.limits);
          const event = JSON.stringify({
            id: `baseline-${i}`,
            target,
            verdict: verdict.verdict,
            scale: verdict.scale,
          });
          await producer.send(TOPIC, [{ key: `baseline-${i}`, value: event }]);
        } catch (err) {
          baselineErrors++;
          if (baselineErrors === 1) log(`baseline error: ${(err as Error).message}`);
        }
        baselineTimes[i] = performance.now() - t0;
      }
    }),
  );
  const baselineSeconds = (performance.now() - b0) / 1000;
  const baseline = percentiles(baselineTimes);

  agent.destroy();
  await producer.disconnect();
  set.dispose();
  engine.kill('SIGTERM');
  await exited;
  await kafka.deleteTopic(TOPIC).catch(() => undefined);
  await kafka.close();
  await rm(spool, { recursive: true, force: true });
  await repos.db.close();
  if (startedStack)
    execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), 'down'], { stdio: 'inherit' });

  const served = after.total - before.total;
  console.log(
    JSON.stringify({
      benchmark: 'predict',
      target_rate_per_s: RATE,
      seconds: SECONDS,
      requests: measured.total,
      errors: measured.errors,
      throughput_per_s: Math.round(measured.throughput),
      server_p50_ms: engineServer.p50_ms,
      server_p95_ms: engineServer.p95_ms,
      server_p99_ms: engineServer.p99_ms,
      server_max_ms: engineServer.max_ms,
      engine_histogram_share_under_1_ms:
        served > 0 ? Math.round(((after.under1ms - before.under1ms) / served) * 10000) / 10000 : null,
      client_p50_ms: engineClient.p50_ms,
      client_p95_ms: engineClient.p95_ms,
      client_p99_ms: engineClient.p99_ms,
      engine_cpu_ms_per_request:
        Math.round(((after.cpuSeconds - before.cpuSeconds) * 1e6) / measured.total) / 1000,
      engine_event_loop_lag_p99_ms: Math.round(after.loopLagP99 * 1e6) / 1000,
      decision_events_sent: after.eventsSent - before.eventsSent,
      baseline_requests: BASELINE_REQUESTS,
      baseline_concurrency: BASELINE_CONCURRENCY,
      baseline_errors: baselineErrors,
      baseline_p50_ms: baseline.p50_ms,
      baseline_p95_ms: baseline.p95_ms,
      baseline_p99_ms: baseline.p99_ms,
      baseline_throughput_per_s: Math.round(BASELINE_REQUESTS / baselineSeconds),
      speedup_server_p95_vs_baseline: Math.round((baseline.p95_ms / engineServer.p95_ms) * 10) / 10,
      goal_server_p95_ms: 1,
      goal_met: engineServer.p95_ms < 1 && measured.errors === 0,
    }),
  );
}

await main();
