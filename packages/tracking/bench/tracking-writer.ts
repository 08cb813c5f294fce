/**
 * One bench:tracking writer process (started by tracking.bench.ts with `node --import tsx`).
 *
 *   client  — the real path: TrackingClient over the tracking repository, one pg connection;
 *             starts a run, logs its batches (each awaited to commit), ends the run.
 *   raw-pg  — diagnostic floor: one bare INSERT of the batch's segments per batch on a pg
 *             connection (autocommit), no run bookkeeping, no idempotency key, no latest-metrics
 *             upkeep.
 *
 * Protocol and workload: see workload.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createDb, metricSegmentParams, openRepositories, type Db } from '@tradeplane/db';
import { metricBatchPoints, type WriterResult, type WriterSpec } from './workload';

const spec = JSON.parse(process.argv[2]!) as WriterSpec;
const emit = (msg: object) => process.stdout.write(`${JSON.stringify(msg)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A writer's target: start (before the barrier), one batch (timed), finish (after). */
interface Sink {
  runId: string;
  /** The PostgreSQL backend serving this writer's one connection. */
  backendPid: number;
  logBatch(points: ReturnType<typeof metricBatchPoints>): Promise<'database' | 'spool'>;
  /** Logs `batches` untimed batches into a run of their own (spec.warmupBatches). */
  warmUp(batches: number): Promise<void>;
  finish(): Promise<void>;
}

/** With poolMax 1 the pool's one connection is the one every batch uses. */
async function backendPid(pool: Db['pool']): Promise<number> {
  return (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
}

/**
 * CPU ms the backend process has used so far (/proc/<pid>/stat utime + stime, 10 ms ticks);
 * null when the database is not on this machine or /proc is not readable.
 */
function backendCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function clientSink(): Promise<Sink> {
  // Loaded only here: the raw-pg diagnostic runs without the client.
  const { LocalDirectoryArtifactStore, TrackingClient } = await import('../src');
  const repos = openRepositories({ url: spec.databaseUrl, poolMax: 1 });
  const client = await TrackingClient.open({
    repository: repos.tracking,
    artifacts: new LocalDirectoryArtifactStore(path.join(spec.workDir, 'artifacts')),
    spoolPath: path.join(spec.workDir, `spool-${spec.writer}.jsonl`),
    owner: 'bench:tracking',
  });
  const { runId } = await client.startRun({
    experiment: spec.experiment,
    name: `writer-${spec.writer}`,
    params: { writer: spec.writer, batches: spec.batches, points: spec.points },
  });
  return {
    runId,
    backendPid: await backendPid(repos.db.pool),
    async logBatch(points) {
      return (await client.logMetricBatch(runId, points)).storedIn;
    },
    async warmUp(batches) {
      const warm = await client.startRun({ experiment: spec.experiment, name: `warmup-${spec.writer}` });
      for (let b = 0; b < batches; b++)
        await client.logMetricBatch(warm.runId, metricBatchPoints(spec.writer, b, spec.points, Date.now()));
      await client.endRun(warm.runId);
    },
    async finish() {
      await client.endRun(runId);
      await client.close();
      await repos.db.close();
    },
  };
}

async function rawPgSink(): Promise<Sink> {
  const db = createDb({ url: spec.databaseUrl, poolMax: 1 });
  const runId = randomUUID();
  // The same segments the client writes (metricSegmentParams), in a bare INSERT.
  const insert = (run: string, points: ReturnType<typeof metricBatchPoints>) =>
    db.pool.query({
      name: 'raw_insert_metric_segments',
      text: `INSERT INTO metric_segments (run_id, key, first_ts, steps, timestamps_ms, point_values)
         SELECT $1::uuid, g.k, to_timestamp(g.t0 / 1000.0),
                ($5::int8[])[g.lo:g.hi], ($6::int8[])[g.lo:g.hi], ($7::float8[])[g.lo:g.hi]
         FROM unnest($2::text[], $3::int4[], $4::int4[], $8::int8[]) AS g(k, lo, hi, t0)`,
      values: [run, ...metricSegmentParams(points).slice(0, 7)],
    });
  return {
    runId,
    backendPid: await backendPid(db.pool), // connects before the barrier, as the client does
    async logBatch(points) {
      await insert(runId, points);
      return 'database';
    },
    async warmUp(batches) {
      const warm = randomUUID();
      for (let b = 0; b < batches; b++)
        await insert(warm, metricBatchPoints(spec.writer, b, spec.points, Date.now()));
    },
    finish: () => db.close(),
  };
}

async function waitForGo(): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === 'go') {
      lines.close();
      return;
    }
  }
  throw new Error('stdin closed before "go"');
}

async function main(): Promise<void> {
  const result: WriterResult = {
    writer: spec.writer,
    runId: null,
    latenciesMs: [],
    batchesOk: 0,
    pointsStored: 0,
    errors: 0,
    spooled: 0,
    errorSamples: [],
    capped: false,
    maxRssKb: 0,
    cpuMs: 0,
    dbCpuMs: null,
    finishMs: 0,
  };
  const fail = (what: string, err: unknown) => {
    result.errors++;
    if (result.errorSamples.length < 3) result.errorSamples.push(`${what}: ${(err as Error).message}`);
  };

  let sink: Sink | null = null;
  try {
    sink = spec.mode === 'client' ? await clientSink() : await rawPgSink();
    result.runId = sink.runId;
    if (spec.warmupBatches) await sink.warmUp(spec.warmupBatches);
  } catch (err) {
    fail('start', err);
  }
  emit({ type: 'ready' });
  await waitForGo();

  const go = performance.now();
  const cpuAtGo = process.cpuUsage();
  const dbCpuAtGo = sink ? backendCpuMs(sink.backendPid) : null;
  const offset = (spec.intervalMs * spec.writer) / Math.max(1, spec.writers);
  for (let b = 0; sink && b < spec.batches; b++) {
    if (spec.capSeconds > 0 && performance.now() - go >= spec.capSeconds * 1000) {
      result.capped = true;
      break;
    }
    if (spec.intervalMs > 0) {
      const wait = go + offset + b * spec.intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
    }
    const points = metricBatchPoints(spec.writer, b, spec.points, Date.now());
    const t0 = performance.now();
    try {
      const storedIn = await sink.logBatch(points);
      result.latenciesMs.push(performance.now() - t0);
      if (storedIn === 'database') {
        result.batchesOk++;
        result.pointsStored += points.length;
      } else {
        // Durable, but the database path failed: an error for this benchmark.
        result.spooled++;
        fail('batch', new Error(`stored in ${storedIn}`));
      }
    } catch (err) {
      result.latenciesMs.push(performance.now() - t0);
      fail('batch', err);
    }
  }

  const cpu = process.cpuUsage(cpuAtGo);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  const dbCpuNow = sink ? backendCpuMs(sink.backendPid) : null;
  result.dbCpuMs = dbCpuAtGo === null || dbCpuNow === null ? null : dbCpuNow - dbCpuAtGo;
  const f0 = performance.now();
  try {
    await sink?.finish();
  } catch (err) {
    fail('finish', err);
  }
  result.finishMs = performance.now() - f0;
  result.maxRssKb = process.resourceUsage().maxRSS;
  emit({ type: 'done', ...result });
}

await main();
process.exit(0);
