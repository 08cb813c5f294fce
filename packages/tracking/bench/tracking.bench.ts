/**
 * npm run bench:tracking — 50 concurrent experiment writers: the real path against the old one.
 *
 * Starts PostgreSQL if it is down (and leaves it running), recreates the dedicated database
 * `tradeplane_bench` from the migrations, then runs the same workload on both architectures:
 * W writer processes released together by a start barrier, each starting a run and logging
 * B batches of P points (keys, steps and values from workload.ts), timing every batch from
 * the call to its commit.
 *   mlflow_baseline  the old architecture, the headline baseline: MLflow's own SqlAlchemyStore
 *                    on one SQLite file (mlflow_writer.py) — create_run in a shared experiment,
 *                    store.log_batch per batch, update_run_info at the end; MLflow installed
 *                    into bench:quant's throwaway venv; capped by time (SQLite serialises
 *                    writers, MLflow is slow per call).
 *   sqlite_floor     secondary reference: the same rows with bare stdlib sqlite3 and no
 *                    tracking-tool logic (sqlite_writer.py) — a lower bound for any SQLite
 *                    design; the headline baseline when MLflow cannot be installed.
 *   postgres         the real TrackingClient over the tracking repository, one pg connection
 *                    per writer; every logged point is then counted back (verified_points).
 * MLflow and PostgreSQL twice: "saturated" (batches back to back: capacity, the throughput
 * ratio) and "paced" (each writer one batch per interval, spread evenly: latency at a
 * training-like rate). Diagnostics: raw_pg (one bare INSERT of the batch's segments per batch:
 * the database's floor), and the real path and the floor with one writer (uncontended latency).
 * Progress on stderr; one JSON object on the last line of stdout.
 *
 * Knobs (flag or env): --writers BENCH_WRITERS (50), --batches BENCH_BATCHES (1000),
 * --points BENCH_POINTS (100), --mlflow-cap-s BENCH_MLFLOW_CAP_S (60), --sqlite-cap-s
 * BENCH_SQLITE_CAP_S (60), --paced-interval-ms BENCH_PACED_INTERVAL_MS (1000), --paced-batches
 * BENCH_PACED_BATCHES (20), --paced-warmup BENCH_PACED_WARMUP (30: untimed batches each paced
 * writer logs into a run of its own before the barrier, so a paced phase measures warm
 * writers, as a long training job's are; the PostgreSQL and MLflow writers alike); BENCH_PACED=0, BENCH_MLFLOW=0, BENCH_SQLITE=0 (every SQLite phase),
 * BENCH_DIAGNOSTICS=0 skip phases; BENCH_SQLITE_FLOOR_PACED=1 adds the floor paced (run anyway
 * when the floor stands in for MLflow), BENCH_SQLITE_WAL=1 a WAL-mode floor run;
 * BENCH_KEEP_DB=1 keeps `tradeplane_bench` afterwards (dropped otherwise).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { applyMigrations, createDb, defaultMigrationsDir } from '@tradeplane/db';
import { dbConfigSchema, loadConfig } from '@tradeplane/platform';
import type { WriterSpec } from './workload';
import { runIdsOf, runWriters, summarizePhase } from './writer-pool';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const started = performance.now();
const log = (msg: string) =>
  console.error(`[bench:tracking +${Math.round((performance.now() - started) / 1000)}s] ${msg}`);
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

const { values: flags } = parseArgs({
  options: Object.fromEntries(
    [
      'writers',
      'batches',
      'points',
      'mlflow-cap-s',
      'sqlite-cap-s',
      'paced-interval-ms',
      'paced-batches',
      'paced-warmup',
    ].map((f) => [f, { type: 'string' as const }]),
  ),
});
const knob = (flag: string, env: string, fallback: number) => {
  const value = Number(flags[flag] ?? process.env[env] ?? fallback);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${flag} / ${env}: expected a positive integer`);
  return value;
};
const WRITERS = knob('writers', 'BENCH_WRITERS', 50);
// 1,000 per writer: a writer process reaches V8's optimised code only after several hundred
// batches (one writer's CPU per batch: 0.49 ms over its first 200, 0.27 after 1,000), and a
// training job logs for hours; 200 measured mostly the JIT's warm-up. The SQLite phases are
// capped by time whatever the count.
const BATCHES = knob('batches', 'BENCH_BATCHES', 1000);
const POINTS = knob('points', 'BENCH_POINTS', 100);
const MLFLOW_CAP_S = knob('mlflow-cap-s', 'BENCH_MLFLOW_CAP_S', 60);
const SQLITE_CAP_S = knob('sqlite-cap-s', 'BENCH_SQLITE_CAP_S', 60);
const PACED_INTERVAL_MS = knob('paced-interval-ms', 'BENCH_PACED_INTERVAL_MS', 1000);
const PACED_BATCHES = knob('paced-batches', 'BENCH_PACED_BATCHES', 20);
const PACED_WARMUP = knob('paced-warmup', 'BENCH_PACED_WARMUP', 30);
const BENCH_DB = 'tradeplane_bench';

interface Load {
  name: string;
  writers: number;
  batches: number;
  intervalMs: number;
  /** Untimed batches per writer before the barrier (WriterSpec.warmupBatches). */
  warmupBatches: number;
}
const saturated: Load = {
  name: 'saturated',
  writers: WRITERS,
  batches: BATCHES,
  intervalMs: 0,
  warmupBatches: 0,
};
const paced: Load = {
  name: 'paced',
  writers: WRITERS,
  batches: PACED_BATCHES,
  intervalMs: PACED_INTERVAL_MS,
  warmupBatches: PACED_WARMUP,
};

/** The interpreter bench:quant set up (its throwaway venv) when present, else python3. */
function findPython(): string | null {
  const venvPython = path.join(os.tmpdir(), 'tradeplane-bench-venv', 'bin/python');
  for (const python of existsSync(venvPython) ? [venvPython, 'python3'] : ['python3']) {
    try {
      execFileSync(python, ['-c', 'import sqlite3'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  return null;
}

const VENV = path.join(os.tmpdir(), 'tradeplane-bench-venv');
const MLFLOW_PACKAGES = ['mlflow-skinny', 'sqlalchemy', 'alembic'];

/**
 * The old architecture's Python, as bench:quant does it: bench:quant's throwaway venv
 * (created if missing), MLflow installed into it from PyPI when it cannot be imported yet.
 */
function ensureMlflow(): { python: string } | { failed: string } {
  const python = path.join(VENV, 'bin/python');
  const importable = () => {
    try {
      execFileSync(python, ['-c', 'import mlflow.store.tracking.sqlalchemy_store'], {
        stdio: 'ignore',
        env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true' },
      });
      return true;
    } catch {
      return false;
    }
  };
  try {
    if (!existsSync(python)) {
      log(`creating a throwaway Python environment in ${VENV}`);
      execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'ignore' });
    }
    if (importable()) return { python };
    log(`installing ${MLFLOW_PACKAGES.join(' ')} from PyPI into ${VENV} (the baseline only)`);
    execFileSync(
      path.join(VENV, 'bin/pip'),
      ['install', '-q', '--disable-pip-version-check', ...MLFLOW_PACKAGES],
      { stdio: 'ignore', timeout: 300_000 },
    );
  } catch (err) {
    return { failed: `MLflow install failed: ${(err as Error).message.split('\n')[0]}` };
  }
  return importable() ? { python } : { failed: 'MLflow installed but not importable' };
}

/** Starts mlflow_writer.py's fork server (MLflow imported once) and waits until it listens. */
async function startForkServer(python: string, script: string, socketPath: string) {
  const server = spawn(python, [script, 'serve', JSON.stringify({ socketPath })], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const closed = new Promise<void>((resolve) => server.on('close', () => resolve()));
  const listening = await new Promise<boolean>((resolve) => {
    readline.createInterface({ input: server.stdout }).on('line', (line) => {
      if (line.includes('"listening"')) resolve(true);
    });
    void closed.then(() => resolve(false));
  });
  if (!listening) throw new Error(`MLflow fork server exited: ${stderr.trim().slice(-300)}`);
  return {
    /** Stdin closed: the server stops accepting; the writers it forked are already done. */
    stop: async () => {
      server.stdin.end();
      await closed;
    },
  };
}

async function mlflowPhase(python: string, load: Load) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeplane-bench-mlflow-'));
  const dbPath = path.join(dir, 'mlflow.db');
  const artifactDir = path.join(dir, 'artifacts');
  const socketPath = path.join(dir, 'fork.sock');
  const script = path.join(import.meta.dirname, 'mlflow_writer.py');
  const py = (command: string, spec: object) =>
    JSON.parse(
      execFileSync(python, [script, command, JSON.stringify(spec)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as Record<string, unknown>;
  try {
    // Setup, outside the timed section: MLflow's migrations (alembic) and the shared experiment.
    const init = py('init', { dbPath, artifactDir, experiment: `bench-tracking-${load.name}` }) as {
      experimentId: string;
      mlflowVersion: string;
      sqlalchemyVersion: string;
      alembicVersion: string;
      sqliteVersion: string;
      journalMode: string;
      setupS: number;
    };
    log(
      `mlflow ${load.name} (MLflow ${init.mlflowVersion} SqlAlchemyStore, SQLite ${init.sqliteVersion}, ` +
        `${init.journalMode} journal, cap ${MLFLOW_CAP_S} s)`,
    );
    const server = await startForkServer(python, script, socketPath);
    let run;
    try {
      run = await runWriters(
        load.writers,
        python,
        (writer) => [
          '-S', // the stub needs the standard library only: it starts in milliseconds
          script,
          'attach',
          JSON.stringify({
            socketPath,
            dbPath,
            artifactDir,
            experimentId: init.experimentId,
            writer,
            writers: load.writers,
            batches: load.batches,
            points: POINTS,
            capSeconds: MLFLOW_CAP_S,
            intervalMs: load.intervalMs,
            warmupBatches: load.warmupBatches,
          }),
        ],
        repoRoot,
      );
    } finally {
      await server.stop();
    }
    const summary = summarizePhase(run);
    log(
      `  ${summary.metrics_per_s} metrics/s, P95 ${summary.batch_write_p95_ms} ms, ${summary.errors} errors`,
    );
    return {
      store: 'mlflow.store.tracking.sqlalchemy_store.SqlAlchemyStore (sqlite:///)',
      mlflow_version: init.mlflowVersion,
      sqlalchemy_version: init.sqlalchemyVersion,
      alembic_version: init.alembicVersion,
      sqlite_version: init.sqliteVersion,
      journal_mode: init.journalMode,
      setup_s: round(init.setupS, 2),
      ...summary,
      points_expected: load.writers * load.batches * POINTS,
      verified_points: (py('count', { dbPath }) as { points: number }).points,
      capped: summary.capped_writers > 0,
      cap_s: MLFLOW_CAP_S,
      db_size_mb: round(statSync(dbPath).size / 1048576, 1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sqlitePhase(python: string, load: Load, journalMode: 'delete' | 'wal') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeplane-bench-sqlite-'));
  const dbPath = path.join(dir, 'mlflow.db');
  const script = path.join(import.meta.dirname, 'sqlite_writer.py');
  const py = (command: string, spec: object) =>
    JSON.parse(execFileSync(python, [script, command, JSON.stringify(spec)], { encoding: 'utf8' })) as Record<
      string,
      unknown
    >;
  try {
    const init = py('init', { dbPath, journalMode }) as { journalMode: string; sqliteVersion: string };
    log(
      `sqlite_floor ${load.name} (${init.journalMode} journal, SQLite ${init.sqliteVersion}, cap ${SQLITE_CAP_S} s)`,
    );
    const run = await runWriters(
      load.writers,
      python,
      (writer) => [
        script,
        'write',
        JSON.stringify({
          dbPath,
          writer,
          writers: load.writers,
          batches: load.batches,
          points: POINTS,
          capSeconds: SQLITE_CAP_S,
          intervalMs: load.intervalMs,
          busyTimeoutS: 5,
          retries: 3,
        }),
      ],
      repoRoot,
    );
    const summary = summarizePhase(run);
    log(
      `  ${summary.metrics_per_s} metrics/s, P95 ${summary.batch_write_p95_ms} ms, ${summary.errors} errors`,
    );
    return {
      journal_mode: init.journalMode,
      sqlite_version: init.sqliteVersion,
      ...summary,
      verified_points: (py('count', { dbPath }) as { points: number }).points,
      capped: summary.capped_writers > 0,
      cap_s: SQLITE_CAP_S,
      db_size_mb: round(statSync(dbPath).size / 1048576, 1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), 'up', 'postgres'], { stdio: 'ignore' });
  const adminUrl = loadConfig(dbConfigSchema, process.env).DATABASE_URL;
  const benchUrl = Object.assign(new URL(adminUrl), { pathname: `/${BENCH_DB}` }).toString();

  log(`recreating ${BENCH_DB} from the migrations`);
  const admin = createDb({ url: adminUrl, poolMax: 1 });
  await admin.pool.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  await admin.pool.query(`CREATE DATABASE ${BENCH_DB}`);
  await admin.close();
  const bench = createDb({ url: benchUrl, poolMax: 2 });
  await applyMigrations(bench.pool, defaultMigrationsDir());
  const scalar = async (sql: string, params: unknown[] = []) =>
    Number((await bench.pool.query<{ n: string }>(sql, params)).rows[0]!.n);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeplane-bench-tracking-'));

  async function postgresPhase(load: Load, mode: WriterSpec['mode'], label: string) {
    await bench.pool.query('CHECKPOINT'); // each phase starts without a checkpoint in flight
    const sizeBefore = await scalar('SELECT pg_database_size($1) AS n', [BENCH_DB]);
    log(`${label}: ${load.writers} writers × ${load.batches} batches × ${POINTS} points`);
    const experiment = `bench-tracking-${load.name}-${Date.now()}`;
    const run = await runWriters(
      load.writers,
      process.execPath,
      (writer) => {
        const spec: WriterSpec = {
          mode,
          writer,
          writers: load.writers,
          batches: load.batches,
          points: POINTS,
          capSeconds: 0,
          intervalMs: load.intervalMs,
          warmupBatches: load.warmupBatches,
          databaseUrl: benchUrl,
          experiment,
          workDir,
        };
        return [
          '--import',
          'tsx',
          path.join(import.meta.dirname, 'tracking-writer.ts'),
          JSON.stringify(spec),
        ];
      },
      repoRoot,
    );
    const summary = summarizePhase(run);
    const verified = await scalar('SELECT count(*) AS n FROM metric_points WHERE run_id = ANY($1::uuid[])', [
      runIdsOf(run),
    ]);
    const growth = (await scalar('SELECT pg_database_size($1) AS n', [BENCH_DB])) - sizeBefore;
    log(`  ${summary.metrics_per_s} metrics/s, P95 ${summary.batch_write_p95_ms} ms, verified ${verified}`);
    return {
      ...summary,
      points_expected: load.writers * load.batches * POINTS,
      verified_points: verified,
      // Acknowledged as committed but not found: must be 0 ("never lose a metric").
      lost_points: summary.points_stored - verified,
      db_growth_mb: round(growth / 1048576, 1),
    };
  }

  // The old architecture first, on a quiet machine (no PostgreSQL checkpoint in flight).
  const withSqlite = process.env.BENCH_SQLITE !== '0';
  const withPaced = process.env.BENCH_PACED !== '0';
  const python = withSqlite ? findPython() : null;
  const mlflowEnv =
    !withSqlite || process.env.BENCH_MLFLOW === '0' ? { failed: 'skipped (BENCH_MLFLOW=0)' } : ensureMlflow();
  const mlflowPython = 'python' in mlflowEnv ? mlflowEnv.python : null;
  let mlflowFailed = 'failed' in mlflowEnv ? mlflowEnv.failed : null;
  /** A failed MLflow phase does not end the bench: the floor then stands in for it. */
  const tryMlflowPhase = async (load: Load) => {
    if (!mlflowPython || mlflowFailed) return null;
    try {
      return await mlflowPhase(mlflowPython, load);
    } catch (err) {
      mlflowFailed = `MLflow ${load.name} phase failed: ${(err as Error).message.split('\n')[0]}`;
      return null;
    }
  };
  const mlflow = await tryMlflowPhase(saturated);
  const mlflowPaced = withPaced ? await tryMlflowPhase(paced) : null;
  if (!mlflow && withSqlite) log(`MLflow baseline unavailable (${mlflowFailed}): the floor is the baseline`);
  const sqlite = python ? await sqlitePhase(python, saturated, 'delete') : null;
  const sqlitePaced =
    python && withPaced && (process.env.BENCH_SQLITE_FLOOR_PACED === '1' || !mlflow)
      ? await sqlitePhase(python, paced, 'delete')
      : null;
  const sqliteWal =
    python && process.env.BENCH_SQLITE_WAL === '1' ? await sqlitePhase(python, saturated, 'wal') : null;

  const postgres = await postgresPhase(saturated, 'client', 'postgres saturated');
  const postgresPaced = withPaced ? await postgresPhase(paced, 'client', 'postgres paced') : null;
  const diagnostics =
    process.env.BENCH_DIAGNOSTICS === '0'
      ? null
      : {
          raw_pg: await postgresPhase(saturated, 'raw-pg', 'raw_pg saturated'),
          postgres_1_writer: await postgresPhase({ ...saturated, writers: 1 }, 'client', 'postgres 1 writer'),
          raw_pg_1_writer: await postgresPhase({ ...saturated, writers: 1 }, 'raw-pg', 'raw_pg 1 writer'),
        };
  rmSync(workDir, { recursive: true, force: true });
  await bench.close();
  if (process.env.BENCH_KEEP_DB !== '1') {
    // ~400 MB of bench rows; the next run recreates the database anyway.
    const cleanup = createDb({ url: adminUrl, poolMax: 1 });
    await cleanup.pool.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await cleanup.close();
  }

  // The headline baseline is the old architecture (MLflow on SQLite); the bare floor only
  // stands in for it when MLflow could not be installed.
  const baseline = mlflow ?? sqlite;
  const baselinePaced = mlflow ? mlflowPaced : sqlitePaced;
  const ratio = (x: number, y: number) => round(x / y, 2);
  const throughputRatio = baseline ? ratio(postgres.metrics_per_s, baseline.metrics_per_s) : null;
  const pgPhases = [postgres, postgresPaced, diagnostics?.postgres_1_writer].filter(
    (p) => p !== null && p !== undefined,
  );
  const result = {
    bench: 'tracking',
    writers: WRITERS,
    batches_per_writer: BATCHES,
    points_per_batch: POINTS,
    points_per_phase: WRITERS * BATCHES * POINTS,
    paced_interval_ms: withPaced ? PACED_INTERVAL_MS : null,
    paced_batches_per_writer: withPaced ? PACED_BATCHES : null,
    paced_warmup_batches_per_writer: withPaced ? PACED_WARMUP : null,
    cpus: os.cpus().length,
    bench_wall_s: round((performance.now() - started) / 1000, 1),
    // Which phase the headline ratios compare against.
    baseline: mlflow
      ? 'mlflow_baseline'
      : sqlite
        ? `sqlite_floor (fallback: ${mlflowFailed})`
        : `none (${withSqlite ? 'no python3' : 'BENCH_SQLITE=0'})`,
    mlflow_version: mlflow?.mlflow_version ?? null,
    throughput_ratio: throughputRatio,
    p95_ratio: baseline ? ratio(baseline.batch_write_p95_ms, postgres.batch_write_p95_ms) : null,
    p99_ratio: baseline ? ratio(baseline.batch_write_p99_ms, postgres.batch_write_p99_ms) : null,
    paced_p95_ratio:
      baselinePaced && postgresPaced
        ? ratio(baselinePaced.batch_write_p95_ms, postgresPaced.batch_write_p95_ms)
        : null,
    // CPU per stored batch, baseline ÷ PostgreSQL path (writer + its backend; SQLite runs inside
    // the writer): measured per process, so much less sensitive to other load than the ratios.
    cpu_per_batch_ratio:
      baseline?.writer_cpu_per_batch_ms && postgres.writer_cpu_per_batch_ms !== null
        ? ratio(
            baseline.writer_cpu_per_batch_ms,
            postgres.writer_cpu_per_batch_ms + (postgres.db_cpu_per_batch_ms ?? 0),
          )
        : null,
    throughput_ratio_vs_sqlite_floor: sqlite ? ratio(postgres.metrics_per_s, sqlite.metrics_per_s) : null,
    p95_ratio_vs_sqlite_floor: sqlite ? ratio(sqlite.batch_write_p95_ms, postgres.batch_write_p95_ms) : null,
    p99_ratio_vs_sqlite_floor: sqlite ? ratio(sqlite.batch_write_p99_ms, postgres.batch_write_p99_ms) : null,
    errors: {
      postgres: pgPhases.reduce((n, p) => n + p.errors, 0),
      mlflow_baseline: mlflow ? mlflow.errors + (mlflowPaced?.errors ?? 0) : null,
      sqlite_floor: sqlite ? sqlite.errors + (sqlitePaced?.errors ?? 0) : null,
    },
    postgres,
    ...(postgresPaced ? { postgres_paced: postgresPaced } : {}),
    mlflow_baseline: mlflow ?? mlflowFailed,
    ...(mlflowPaced
      ? { mlflow_paced: mlflowPaced }
      : mlflow && withPaced && mlflowFailed
        ? { mlflow_paced: mlflowFailed }
        : {}),
    sqlite_floor: sqlite ?? (withSqlite ? 'skipped: no python3' : 'skipped (BENCH_SQLITE=0)'),
    ...(sqlitePaced ? { sqlite_floor_paced: sqlitePaced } : {}),
    ...(sqliteWal ? { sqlite_floor_wal: sqliteWal } : {}),
    ...(diagnostics ?? {}),
    goals: {
      p95_under_5ms_saturated: postgres.batch_write_p95_ms < 5,
      p95_under_5ms_paced: postgresPaced ? postgresPaced.batch_write_p95_ms < 5 : null,
      zero_errors: pgPhases.every((p) => p.errors === 0 && p.verified_points === p.points_expected),
      // Against the headline baseline: MLflow on SQLite (the floor only as its fallback).
      ratio_at_least_10x: throughputRatio !== null && throughputRatio >= 10,
    },
  };
  console.log(JSON.stringify(result));
}

await main();
