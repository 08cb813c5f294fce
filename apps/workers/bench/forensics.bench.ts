/**
 * bench:forensics — decisions explained off the critical path, looked up by id.
 *
 * Starts what it needs (the local stack, the daily bars), then its own processes on private
 * ports and a private topic (BENCH_FORENSICS_TOPIC, 3 partitions) and consumer group: an
 * engine, the forensics consumer (`apps/workers/src/forensics/main.ts`) and a gateway.
 * Phases, each BENCH_FORENSICS_SECONDS (default 15) at BENCH_FORENSICS_RATE (default 2,000)
 * decisions/s, open loop:
 *   1. engine alone (the consumer not started yet): the decision path's own latency, the
 *      baseline for "off the critical path";
 *   2. the consumer starts and drains phase 1's backlog: its catch-up rate is its capacity;
 *   3. engine + consumer + lookups: every decision's time from decision (its id's timestamp,
 *      the engine's clock) to stored explanation (PostgreSQL's clock at the insert, same
 *      machine), the consumer's lag sampled every 250 ms from its /metrics, and REST lookups
 *      `GET /api/v1/forensics/{id}` through the gateway (API key) at ~100/s of ids answered
 *      1 s before, from a process of their own (this one is busy generating the load), with
 *      the decision path's latency again (ratio to phase 1);
 *   4. lookups of 2,000 stored ids at concurrency 4 with the engine idle.
 * Explanation cost: a sample of stored decisions explained again in this process, batched
 * as the consumer does and one row at a time as the prototype did in the decision path
 * (every occluded row its own model run): ms per decision, and the ratio.
 * Goals (DESIGN.md): explanation stored within 1 s at P95; lookup P95 under 20 ms.
 * Prints one JSON object on the last line. Stops only what it started, deletes its rows and
 * topics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { featureNames, type DecisionEvent, type FeatureName } from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import { PREDICT_PATH } from '@tradeplane/engine';
import {
  bootstrapModelSetInput,
  explainDecisions,
  featureRow,
  FEATURE_COUNT,
  FORENSICS_BASELINE,
  ModelSet,
} from '@tradeplane/models';
import { dbConfigSchema, KafkaAdapter, kafkaConfigSchema, loadConfig } from '@tradeplane/platform';
import {
  createApiKey,
  ensureDailyBars,
  healthz,
  histogram,
  histogramDelta,
  histogramQuantileMs,
  httpClient,
  metricValue,
  migrate,
  openLoop,
  peakRssMb,
  percentiles,
  predictPayloads,
  repoRoot,
  scrape,
  sleep,
  spawnTs,
  stackDown,
  stackUp,
  stopChild,
  summarise,
  waitUntilServing,
  type Reply,
} from '../../../test/load';

const SECONDS = Number(process.env.BENCH_FORENSICS_SECONDS ?? 15);
const RATE = Number(process.env.BENCH_FORENSICS_RATE ?? 2000);
const ENGINE_PORT = Number(process.env.BENCH_FORENSICS_ENGINE_PORT ?? 17270);
const GATEWAY_PORT = Number(process.env.BENCH_FORENSICS_GATEWAY_PORT ?? 14270);
const CONSUMER_PORT = Number(process.env.BENCH_FORENSICS_CONSUMER_PORT ?? 19470);
const TOPIC = process.env.BENCH_FORENSICS_TOPIC ?? `decisions-bench-forensics-${process.pid}`;
const RUN = `bench-forensics-${process.pid}`;
const log = (msg: string) => console.error(`[bench:forensics] ${msg}`);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** bench:engine's request mix, with this run's request keys per phase. */
const payloads = (phase: string) => predictPayloads(`${RUN}-${phase}`);

/** `id` and `timings.totalMs` of a decision body, read without parsing all of it. */
function decisionId(body: string): string {
  const at = body.indexOf('"id":"');
  return body.slice(at + 6, at + 32);
}
function totalMs(body: string): number {
  const at = body.lastIndexOf('"totalMs":');
  return Number.parseFloat(body.slice(at + '"totalMs":'.length));
}

function get(url: string, apiKey: string, agent: http.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'x-api-key': apiKey } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** CPU seconds a process has used (utime + stime of /proc/<pid>/stat, 100 ticks/s on Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process named `comm` (postgres: the backends doing the inserts; java: Kafka). */
function cpuSecondsOf(comm: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += cpuSeconds(Number(pid));
    } catch {
      // gone
    }
  }
  return total;
}

/** The prototype's way: every occluded row its own run of the set, one decision at a time. */
function explainRowByRow(set: ModelSet, d: DecisionEvent): number {
  const regime = [d.regime.bull, d.regime.bear, d.regime.sideways];
  const base = featureRow(FORENSICS_BASELINE);
  let sum = 0;
  for (const t of d.targets) {
    const x = featureRow(t.features as Record<FeatureName, number | null>);
    const full = set.decide(x, regime).blend;
    sum += full - set.decide(base, regime).blend;
    const occluded = new Float32Array(FEATURE_COUNT);
    for (let j = 0; j < featureNames.length; j++) {
      occluded.set(x);
      occluded[j] = base[j]!;
      sum += full - set.decide(occluded, regime).blend;
    }
    for (const r of [
      [1 / 3, 1 / 3, 1 / 3],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ])
      sum += set.decide(x, r).blend;
  }
  return sum;
}

async function main(): Promise<void> {
  const startedStack = stackUp(log);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const repos = openRepositories({ url: loadConfig(dbConfigSchema, env).DATABASE_URL, poolMax: 4 });
  migrate();
  await ensureDailyBars(repos, ['daily/stock_prices.csv', 'daily/spy_prices.csv'], log);
  const apiKey = await createApiKey(repos, 'bench:forensics');
  const kafka = new KafkaAdapter(loadConfig(kafkaConfigSchema, env).KAFKA_BROKERS, 'bench-forensics');
  await kafka.createTopic(TOPIC, { partitions: 3 });
  await kafka.createTopic(`${TOPIC}.dlq`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tp-bench-forensics-'));
  const engineUrl = `http://127.0.0.1:${ENGINE_PORT}`;
  const gatewayUrl = `http://127.0.0.1:${GATEWAY_PORT}`;
  const consumerUrl = `http://127.0.0.1:${CONSUMER_PORT}`;
  const children: ChildProcess[] = [];
  const serverEnv = {
    ...env,
    DECISION_EVENTS_TOPIC: TOPIC,
    FORENSICS_GROUP_ID: `${RUN}-group`,
    FORENSICS_DLQ_TOPIC: `${TOPIC}.dlq`,
  };
  let consumer: ChildProcess | null = null;

  try {
    for (const u of [engineUrl, gatewayUrl])
      if (await healthz(u)) throw new Error(`${u} already answers: a server left over on that port?`);
    log(`starting an engine (${engineUrl}) and a gateway (${gatewayUrl}); events to ${TOPIC}`);
    const engine = spawnTs('packages/engine/src/main.ts', [], {
      ...serverEnv,
      ENGINE_PORT: String(ENGINE_PORT),
      DECISION_EVENTS_SPOOL_DIR: path.join(dir, 'spool'),
    });
    children.push(engine);
    const gateway = spawnTs('apps/gateway/src/main.ts', [], {
      ...serverEnv,
      GATEWAY_PORT: String(GATEWAY_PORT),
      ENGINE_URL: engineUrl,
    });
    children.push(gateway);
    await waitUntilServing(engineUrl, engine, 'the engine');
    for (let i = 0; !(await fetch(`${gatewayUrl}/healthz`).catch(() => null)); i++) {
      if (gateway.exitCode !== null) throw new Error(`the gateway exited with code ${gateway.exitCode}`);
      if (i > 600) throw new Error('the gateway did not start within 150 s');
      await sleep(250);
    }

    const client = httpClient(engineUrl, apiKey, 256);
    const warmPayloads = payloads('warm');
    for (let i = 0; (await client.post(PREDICT_PATH, warmPayloads[0]!)).status === 401; i++) {
      if (i === 60) throw new Error('the engine did not accept the new API key within 60 s');
      await sleep(1000);
    }
    const phase = async (name: string, seconds: number, onReply?: (body: string) => void) => {
      const bodies = payloads(name);
      const before = await scrape(engineUrl);
      const r = await openLoop({
        rate: RATE,
        seconds,
        serverMs: totalMs,
        send: async (i) => {
          const reply = await client.post(PREDICT_PATH, bodies[i % bodies.length]!);
          if (reply.status === 200) onReply?.(reply.body);
          return reply;
        },
      });
      const after = await scrape(engineUrl);
      const decisions = histogramDelta(
        histogram(after, 'tp_decision_duration_seconds'),
        histogram(before, 'tp_decision_duration_seconds'),
      );
      return {
        r,
        fields: { ...summarise(r), server_p95_hist_ms: round(histogramQuantileMs(decisions, 0.95)) },
      };
    };

    log(`warm-up: 3 s at ${RATE / 2}/s`);
    const warm = await openLoop({
      rate: RATE / 2,
      seconds: 3,
      send: (i) => client.post(PREDICT_PATH, warmPayloads[i % warmPayloads.length]!, false),
    });

    log(`phase 1: engine alone, ${SECONDS} s at ${RATE}/s`);
    const alone = await phase('p1', SECONDS);

    log('phase 2: the forensics consumer starts and drains the backlog');
    // The warm-up's and phase 1's decisions wait in the topic.
    const backlogSize = warm.requests - warm.errors + alone.r.requests - alone.r.errors;
    const drainStart = performance.now();
    // BENCH_FORENSICS_CONSUMER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles it.
    const nodeArgs = (process.env.BENCH_FORENSICS_CONSUMER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    consumer = spawn(
      process.execPath,
      [...nodeArgs, '--import', 'tsx', 'apps/workers/src/forensics/main.ts'],
      {
        cwd: repoRoot,
        env: { ...serverEnv, FORENSICS_METRICS_PORT: String(CONSUMER_PORT) },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(consumer);
    let drained = 0;
    for (;;) {
      const { rows } = await repos.db.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM decision_forensics WHERE request_key LIKE $1',
        [`${RUN}-%`],
      );
      drained = Number(rows[0]!.n);
      if (drained >= backlogSize) break;
      if (consumer.exitCode !== null) throw new Error(`the consumer exited with code ${consumer.exitCode}`);
      if (performance.now() - drainStart > 300_000)
        throw new Error(`backlog not drained: ${drained}/${backlogSize}`);
      await sleep(100);
    }
    const drainS = (performance.now() - drainStart) / 1000;
    const consumerBefore = await scrape(consumerUrl);
    const cpuBefore = metricValue(consumerBefore, 'process_cpu_seconds_total');

    log(`phase 3: engine + consumer + lookups, ${SECONDS} s at ${RATE}/s`);
    const answered: Array<{ id: string; at: number }> = [];
    const lookupAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const lookups: number[] = [];
    const lookupStatus: Record<string, number> = {};
    const lags: number[] = [];
    const lagSeconds: number[] = [];
    let running = true;
    // Lookups from a process of their own: this one's event loop is busy generating 2,000
    // requests/s, and its delays would count as lookup latency.
    const lookupClient = spawn(
      process.execPath,
      ['--import', 'tsx', import.meta.filename, '--lookup-client'],
      {
        cwd: repoRoot,
        env: {
          ...env,
          BENCH_LOOKUP_URL: gatewayUrl,
          BENCH_LOOKUP_KEY: apiKey,
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    children.push(lookupClient);
    // Ids of decisions answered 1 s before, fed to it every 250 ms.
    let fed = 0;
    const feeder = setInterval(() => {
      const cutoff = performance.now() - 1000;
      let end = fed;
      while (end < answered.length && answered[end]!.at <= cutoff) end++;
      if (end > fed)
        lookupClient.stdin!.write(
          answered
            .slice(fed, end)
            .map((a) => a.id)
            .join('\n') + '\n',
        );
      fed = end;
    }, 250);
    let lookupOut = '';
    lookupClient.stdout!.on('data', (c: Buffer) => (lookupOut += c.toString()));
    const lookupLoop = (async () => {
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (running) return;
          clearInterval(check);
          clearInterval(feeder);
          if (lookupClient.exitCode !== null) return resolve();
          lookupClient.once('exit', () => resolve());
          lookupClient.kill('SIGTERM');
        }, 50);
      });
      if (!lookupOut)
        throw new Error(`the lookup client printed nothing (exit code ${lookupClient.exitCode})`);
      const result = JSON.parse(lookupOut) as { ms: number[]; status: Record<string, number> };
      lookups.push(...result.ms);
      Object.assign(lookupStatus, result.status);
    })();
    const lagLoop = (async () => {
      // The gauges keep the drain's last values until phase 3's first batches.
      await sleep(1000);
      while (running) {
        const text = await scrape(consumerUrl).catch(() => '');
        if (text) {
          lags.push(metricValue(text, 'tp_forensics_consumer_lag_messages'));
          lagSeconds.push(metricValue(text, 'tp_forensics_consumer_lag_seconds'));
        }
        await sleep(250);
      }
    })();
    const processes = { engine, gateway, consumer, lookups: lookupClient };
    const cpuAt = () => ({
      ...Object.fromEntries(Object.entries(processes).map(([name, child]) => [name, cpuSeconds(child.pid)])),
      load_generator: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
      postgres: cpuSecondsOf('postgres'),
      kafka: cpuSecondsOf('java'),
      redis: cpuSecondsOf('redis-server'),
    });
    const cpu0 = cpuAt();
    const p3Start = new Date();
    const withForensics = await phase('p3', SECONDS, (body) =>
      answered.push({ id: decisionId(body), at: performance.now() }),
    );
    const cpu1 = cpuAt();
    const p3Seconds = withForensics.r.seconds;
    const coresInUse = Object.fromEntries(
      Object.keys(cpu1).map((k) => [
        k,
        round((cpu1[k as keyof typeof cpu1] - cpu0[k as keyof typeof cpu0]) / p3Seconds, 2),
      ]),
    );
    running = false;
    await Promise.all([lookupLoop, lagLoop]);

    // Every phase-3 decision stored?
    const expected = answered.length;
    const deadline = performance.now() + 60_000;
    let stored = 0;
    for (;;) {
      const { rows } = await repos.db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM decision_forensics WHERE request_key LIKE $1 AND decided_at >= $2`,
        [`${RUN}-p3-%`, new Date(p3Start.getTime() - 1000)],
      );
      stored = Number(rows[0]!.n);
      if (stored >= expected || performance.now() > deadline) break;
      await sleep(200);
    }
    const consumerMetrics = await scrape(consumerUrl);
    const consumerCpuS = metricValue(consumerMetrics, 'process_cpu_seconds_total') - cpuBefore;
    // The delay split at the Kafka append: engine → Kafka (the message timestamp) and the rest.
    const publishDelay = histogramDelta(
      histogram(consumerMetrics, 'tp_forensics_publish_delay_seconds'),
      histogram(consumerBefore, 'tp_forensics_publish_delay_seconds'),
    );
    const { rows: delayRows } = await repos.db.pool.query<{
      p50: number;
      p95: number;
      p99: number;
      max: number;
    }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
         FROM (SELECT extract(epoch FROM explained_at - decided_at) * 1000 AS ms
                 FROM decision_forensics WHERE request_key LIKE $1 AND decided_at >= $2) d`,
      [`${RUN}-p3-%`, new Date(p3Start.getTime() - 1000)],
    );
    const delay = delayRows[0]!;

    log('phase 4: 2,000 lookups of stored ids, engine idle, concurrency 4');
    const idle: number[] = [];
    const idleStatus: Record<string, number> = {};
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < 2000) {
          const id = answered[(next++ * 7919) % answered.length]!.id;
          const t0 = performance.now();
          const reply = await get(`${gatewayUrl}/api/v1/forensics/${id}`, apiKey, lookupAgent);
          idle.push(performance.now() - t0);
          idleStatus[reply.status] = (idleStatus[reply.status] ?? 0) + 1;
        }
      }),
    );
    lookupAgent.destroy();
    const notFound = await get(
      `${gatewayUrl}/api/v1/forensics/01ARZ3NDEKTSV4RRFFQ69G5FAV`,
      apiKey,
      new http.Agent(),
    );
    const malformed = await get(`${gatewayUrl}/api/v1/forensics/not-an-id`, apiKey, new http.Agent());

    log('explanation cost: batched (the consumer) vs one row at a time (the prototype, in the path)');
    const { rows: sampleRows } = await repos.db.pool.query<{ decision: DecisionEvent }>(
      `SELECT decision FROM decision_forensics WHERE request_key LIKE $1 LIMIT 1000`,
      [`${RUN}-p3-%`],
    );
    const sample = sampleRows.map((r) => r.decision);
    const set = ModelSet.create(bootstrapModelSetInput(), { executionProviders: ['cpu'] });
    const sameVersions = sample.filter((d) => Object.values(d.models.versions).every((v) => v === 1));
    let t0 = performance.now();
    for (let i = 0; i < sameVersions.length; i += 250) explainDecisions(set, sameVersions.slice(i, i + 250));
    const batchedMs = (performance.now() - t0) / Math.max(1, sameVersions.length);
    t0 = performance.now();
    for (const d of sameVersions) explainRowByRow(set, d);
    const rowByRowMs = (performance.now() - t0) / Math.max(1, sameVersions.length);
    set.dispose();

    const lookupUnderLoad = percentiles(lookups);
    const lookupIdle = percentiles(idle);
    const result = {
      bench: 'forensics',
      rate_per_s: RATE,
      seconds: SECONDS,
      decisions_phase3: expected,
      stored_phase3: stored,
      missing_phase3: expected - stored,
      explanation_delay_p50_ms: round(delay.p50),
      explanation_delay_p95_ms: round(delay.p95),
      explanation_delay_p99_ms: round(delay.p99),
      explanation_delay_max_ms: round(delay.max),
      publish_delay_p50_ms: round(histogramQuantileMs(publishDelay, 0.5)),
      publish_delay_p95_ms: round(histogramQuantileMs(publishDelay, 0.95)),
      lookup_p50_ms: lookupUnderLoad.p50_ms,
      lookup_p95_ms: lookupUnderLoad.p95_ms,
      lookup_p99_ms: lookupUnderLoad.p99_ms,
      lookups: lookups.length,
      lookup_status: lookupStatus,
      lookup_idle_p50_ms: lookupIdle.p50_ms,
      lookup_idle_p95_ms: lookupIdle.p95_ms,
      lookup_idle_p99_ms: lookupIdle.p99_ms,
      lookup_idle_status: idleStatus,
      lookup_unknown_status: notFound.status,
      lookup_malformed_status: malformed.status,
      consumer_lag_max_messages: lags.length ? Math.max(...lags) : null,
      consumer_lag_p95_messages: lags.length ? percentiles(lags, 0).p95_ms : null,
      consumer_lag_max_s: lagSeconds.length ? round(Math.max(...lagSeconds)) : null,
      consumer_backlog: backlogSize,
      consumer_backlog_drain_s: round(drainS),
      consumer_capacity_per_s: Math.round(drained / drainS),
      consumer_cpu_ms_per_decision: stored > 0 ? round((consumerCpuS * 1000) / stored, 4) : null,
      consumer_peak_rss_mb: peakRssMb(consumer.pid),
      explain_ms_per_decision_batched: round(batchedMs, 4),
      explain_ms_per_decision_row_by_row: round(rowByRowMs, 4),
      explain_cost_ratio: round(rowByRowMs / batchedMs, 2),
      engine_alone: alone.fields,
      engine_with_forensics: withForensics.fields,
      decision_server_p95_ratio_with_forensics: round(
        (withForensics.fields.server_p95_ms ?? NaN) / (alone.fields.server_p95_ms ?? NaN),
        2,
      ),
      goals: {
        explanation_stored_p95_under_1000_ms: delay.p95 < 1000,
        lookup_p95_under_20_ms: lookupUnderLoad.p95_ms < 20,
        nothing_missing: expected === stored,
        reached_rate: withForensics.fields.throughput_per_s >= 0.95 * RATE,
      },
      phase3_cores_in_use: { ...coresInUse, machine: os.cpus().length },
      load_average_1m: round(os.loadavg()[0]!, 2),
    };
    client.close();
    console.log(JSON.stringify(result));
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    await repos.db.pool
      .query('DELETE FROM decision_forensics WHERE request_key LIKE $1', [`${RUN}-%`])
      .catch(() => undefined);
    await kafka.deleteTopic(TOPIC).catch(() => undefined);
    await kafka.deleteTopic(`${TOPIC}.dlq`).catch(() => undefined);
    await kafka.close();
    await repos.db.close();
    await rm(dir, { recursive: true, force: true });
    if (startedStack) stackDown();
  }
}

/**
 * `--lookup-client`: GETs the forensics of the most recent decision ids it was given on stdin
 * (one per line) at ~100/s until SIGTERM, then prints its latencies and statuses as JSON.
 */
async function lookupClient(): Promise<void> {
  const url = process.env.BENCH_LOOKUP_URL!;
  const key = process.env.BENCH_LOOKUP_KEY!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const ms: number[] = [];
  const status: Record<string, number> = {};
  let ids: string[] = [];
  let partial = '';
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    ids = [...ids, ...lines].slice(-500);
  });
  let stop = false;
  process.once('SIGTERM', () => (stop = true));
  for (let k = 0; !stop; k++) {
    await sleep(10);
    if (ids.length === 0) continue;
    const t0 = performance.now();
    const reply = await get(`${url}/api/v1/forensics/${ids[(k * 7919) % ids.length]!}`, key, agent);
    ms.push(performance.now() - t0);
    status[reply.status] = (status[reply.status] ?? 0) + 1;
  }
  agent.destroy();
  process.stdout.write(JSON.stringify({ ms: ms.map((x) => Math.round(x * 1000) / 1000), status }));
  process.exit(0);
}

if (process.argv.includes('--lookup-client')) await lookupClient();
else await main();
