/**
 * Runs one phase of bench:tracking: spawns W writer processes, waits until every one is ready
 * (run started, connection open), releases them with one "go" each, and collects their
 * results. Summaries are flat: throughput over go → last writer done, latencies over every
 * batch of every writer, and where the machine's CPU went meanwhile.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import { latencySummary, type WriterResult } from './workload';

export interface PhaseRun {
  writers: number;
  wallMs: number;
  results: WriterResult[];
  /** One message per writer that died without reporting. */
  crashed: string[];
  /** When each writer's result arrived, ms after go (fairness: SQLite starves some writers). */
  doneAtMs: number[];
  /** Busy CPU seconds of the whole machine between go and the last result (null off Linux). */
  machineCpuBusyS: number | null;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Busy and total CPU seconds since boot, all cores (/proc/stat, USER_HZ = 100). */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3]! + fields[4]!; // idle + iowait
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return null;
  }
}

export async function runWriters(
  writers: number,
  command: string,
  argsFor: (writer: number) => string[],
  cwd: string,
): Promise<PhaseRun> {
  const children = Array.from({ length: writers }, (_, writer) => {
    const child = spawn(command, argsFor(writer), { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined); // a writer that died early: its 'close' reports it
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const lines = readline.createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line.includes('"ready"')) resolve();
      });
      child.on('close', () => resolve());
    });
    const done = new Promise<WriterResult | string>((resolve) => {
      lines.on('line', (line) => {
        if (line.includes('"done"')) resolve(JSON.parse(line) as WriterResult);
      });
      // 'close' comes after the last stdout line was read ('exit' may come before it).
      child.on('close', (code) => {
        const cause =
          stderr.split('\n').find((l) => /^\s*(\w*Error|error)\b.*:/.test(l)) ?? stderr.trim().slice(-200);
        resolve(`writer ${writer} exited ${code}: ${cause.trim()}`);
      });
    });
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  const cpu0 = machineCpu();
  const go = performance.now();
  for (const { child } of children) child.stdin.write('go\n');
  const doneAtMs: number[] = [];
  const outcomes = await Promise.all(
    children.map((c) => c.done.finally(() => doneAtMs.push(performance.now() - go))),
  );
  const wallMs = performance.now() - go;
  const cpu1 = machineCpu();
  for (const { child } of children) child.stdin.end();
  return {
    writers,
    wallMs,
    results: outcomes.filter((o): o is WriterResult => typeof o !== 'string'),
    crashed: outcomes.filter((o): o is string => typeof o === 'string'),
    doneAtMs,
    machineCpuBusyS: cpu0 && cpu1 ? cpu1.busy - cpu0.busy : null,
  };
}

/** The figures the JSON line reports for one phase. */
export function summarizePhase(run: PhaseRun) {
  const { wallMs, results, crashed } = run;
  const seconds = wallMs / 1000;
  const points = results.reduce((s, r) => s + r.pointsStored, 0);
  const batches = results.reduce((s, r) => s + r.batchesOk, 0);
  const lat = latencySummary(results.flatMap((r) => r.latenciesMs));
  const writersCpuMs = results.reduce((s, r) => s + r.cpuMs, 0);
  const dbCpuMs = results.every((r) => r.dbCpuMs !== null)
    ? results.reduce((s, r) => s + r.dbCpuMs!, 0)
    : null;
  // /proc/stat ticks are 10 ms: meaningless over a phase that stored nothing.
  const pctOfMachine = (cpuS: number | null) =>
    cpuS === null || batches === 0 ? null : round((100 * cpuS) / (seconds * os.cpus().length), 1);
  const samples = [...crashed, ...results.flatMap((r) => r.errorSamples)];
  return {
    writers: run.writers,
    wall_s: round(seconds),
    points_stored: points,
    batches_stored: batches,
    metrics_per_s: Math.round(points / seconds),
    batches_per_s: round(batches / seconds, 1),
    batch_write_p50_ms: lat.p50_ms,
    batch_write_p95_ms: lat.p95_ms,
    batch_write_p99_ms: lat.p99_ms,
    batch_write_max_ms: lat.max_ms,
    batch_write_mean_ms: lat.mean_ms,
    errors: results.reduce((s, r) => s + r.errors, 0) + crashed.length,
    spooled_batches: results.reduce((s, r) => s + r.spooled, 0),
    capped_writers: results.filter((r) => r.capped).length,
    first_writer_done_s: round(Math.min(...run.doneAtMs) / 1000),
    last_writer_done_s: round(Math.max(...run.doneAtMs) / 1000),
    writer_peak_rss_mb: round(Math.max(0, ...results.map((r) => r.maxRssKb)) / 1024, 1),
    // Where the CPU went, per stored batch: the writer process and its database backend
    // (measured per process, so other load on the machine does not count), and how busy the
    // whole machine was (other load included).
    writer_cpu_per_batch_ms: batches === 0 ? null : round(writersCpuMs / batches),
    db_cpu_per_batch_ms: dbCpuMs === null || batches === 0 ? null : round(dbCpuMs / batches),
    machine_cpu_busy_pct: pctOfMachine(run.machineCpuBusyS),
    // CPU used by anything else meanwhile (other work on a shared machine, PostgreSQL's
    // background processes): when high, the latencies above were measured under that load.
    other_load_cpu_pct:
      run.machineCpuBusyS === null
        ? null
        : pctOfMachine(run.machineCpuBusyS - (writersCpuMs + (dbCpuMs ?? 0)) / 1000),
    error_samples: [...new Set(samples)].slice(0, 5),
  };
}

export function runIdsOf(run: PhaseRun): string[] {
  return run.results.map((r) => r.runId).filter((id): id is string => id !== null);
}
