/**
 * The workload every bench:tracking writer runs, whatever it writes to, and the protocol
 * between the orchestrator and its writer processes. `sqlite_writer.py` computes the same
 * keys, steps and values (keep `METRIC_KEYS` and `metricValue` in step with it).
 *
 * Protocol (one JSON object per line): the writer prints {"type":"ready"} once its run is
 * started, waits for the line "go" on stdin, logs its batches, ends its run and prints
 * {"type":"done", ...WriterResult}.
 */

/** Ten keys a training run logs; a batch holds P points spread over them, steps increasing. */
export const METRIC_KEYS = [
  'loss',
  'val_loss',
  'accuracy',
  'sharpe',
  'sortino',
  'max_drawdown',
  'turnover',
  'hit_rate',
  'lr',
  'grad_norm',
] as const;

/** A deterministic, loss-curve-like series: decays with the step, a small writer-specific wiggle. */
export function metricValue(writer: number, keyIndex: number, step: number): number {
  return Math.exp(-step / 500) * (1 + keyIndex * 0.1) + 0.01 * Math.sin(step * 0.37 + writer + keyIndex);
}

/** Point i of batch b: key i mod K, step b·⌈P/K⌉ + ⌊i/K⌋ — (key, step) never repeats in a run. */
export function metricBatchPoints(
  writer: number,
  batch: number,
  points: number,
  ts: number,
): Array<{ key: string; value: number; step: number; ts: number }> {
  const k = METRIC_KEYS.length;
  const stepsPerBatch = Math.ceil(points / k);
  return Array.from({ length: points }, (_, i) => {
    const keyIndex = i % k;
    const step = batch * stepsPerBatch + Math.floor(i / k);
    return { key: METRIC_KEYS[keyIndex]!, value: metricValue(writer, keyIndex, step), step, ts };
  });
}

/** What the orchestrator passes to a writer process (JSON in argv[2]). */
export interface WriterSpec {
  mode: 'client' | 'raw-pg';
  writer: number;
  writers: number;
  batches: number;
  points: number;
  /** Stop starting new batches this many seconds after "go" (0: no cap). */
  capSeconds: number;
  /** Pacing: batch i starts no earlier than go + offset + i·interval (0: back to back). */
  intervalMs: number;
  /**
   * Batches logged before the start barrier into a run of their own, untimed (paced phases):
   * a training job logs thousands of batches, so its steady state is warm code (V8's JIT,
   * SQLAlchemy's statement cache, the server's plan cache), not a process's first calls.
   */
  warmupBatches?: number;
  databaseUrl: string;
  experiment: string;
  workDir: string;
}

/** What a writer process reports when it is done. */
export interface WriterResult {
  writer: number;
  runId: string | null;
  /** One entry per attempted batch, call to commit (or to failure), milliseconds. */
  latenciesMs: number[];
  batchesOk: number;
  pointsStored: number;
  errors: number;
  /** Batches the client stored in its local spool instead of the database (counted in errors too). */
  spooled: number;
  errorSamples: string[];
  capped: boolean;
  maxRssKb: number;
  /** CPU time (user + system) of the writer process from "go" to its last batch, ms. */
  cpuMs: number;
  /** CPU time of this writer's PostgreSQL backend over the same span, ms (null: not measurable). */
  dbCpuMs: number | null;
  /** ms spent on end-of-run work (endRun + close), not part of the batch latencies. */
  finishMs: number;
}

export interface LatencySummary {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Nearest-rank percentiles over all samples (same convention as bench:features). */
export function latencySummary(samples: number[]): LatencySummary {
  if (samples.length === 0) return { p50_ms: NaN, p95_ms: NaN, p99_ms: NaN, max_ms: NaN, mean_ms: NaN };
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return {
    p50_ms: round3(at(0.5)),
    p95_ms: round3(at(0.95)),
    p99_ms: round3(at(0.99)),
    max_ms: round3(s[s.length - 1]!),
    mean_ms: round3(s.reduce((a, b) => a + b, 0) / s.length),
  };
}
