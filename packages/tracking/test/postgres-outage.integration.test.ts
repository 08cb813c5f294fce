import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

import { createDb } from '@tradeplane/db';

import { repoRoot, stack, testEnv } from '../../../test/stack';
import { LocalDirectoryArtifactStore, sha256Of } from '../src';
import { expectedValue, type WriterReport, type WriterSpec } from './fixtures/outage-workload';
import { deleteExperiments } from './tracking-test-data';

const writerScript = path.join(import.meta.dirname, 'fixtures/tracking-writer.process.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A writer process and the JSON lines it prints, awaited by type. */
function startWriter(spec: WriterSpec) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', writerScript, JSON.stringify(spec)],
    { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const messages: Array<{ type: string } & Record<string, unknown>> = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => messages.push(JSON.parse(line)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const waitFor = async <T>(type: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find((m) => m.type === type);
      if (found) return found as T;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `writer ${spec.writer} gave no "${type}" (exit ${child.exitCode}): ${stderr.slice(-2000)}`,
        );
      }
      await sleep(50);
    }
  };
  return { child, waitFor, exited, stop: () => child.stdin.end('stop\n') };
}

describe('PostgreSQL stops in the middle of a run with several writers', () => {
  afterAll(() => stack('up', 'postgres')); // whatever happened, leave the stack up

  it('stores every metric exactly once and every artifact with its checksum once it is back', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'tp-outage-'));
    const artifactDir = path.join(work, 'artifacts');
    const experiment = `it-outage-${randomUUID()}`;
    const writers = Array.from({ length: 4 }, (_, writer) =>
      startWriter({
        writer,
        databaseUrl: testEnv.DATABASE_URL!,
        experiment,
        spoolPath: path.join(work, 'spool', `writer-${writer}.jsonl`),
        artifactDir,
      }),
    );
    try {
      await Promise.all(writers.map((w) => w.waitFor('started', 30_000)));
      await sleep(1_500);
      stack('down', 'postgres'); // blocks this process only; the writers keep logging
      await sleep(3_000);
      stack('up', 'postgres');
      await sleep(1_500);
    } finally {
      stack('up', 'postgres');
      for (const w of writers) w.stop();
    }
    const reports = await Promise.all(writers.map((w) => w.waitFor<WriterReport>('done', 90_000)));
    expect(await Promise.all(writers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);

    const db = createDb({ url: testEnv.DATABASE_URL!, poolMax: 2 });
    const store = new LocalDirectoryArtifactStore(artifactDir);
    try {
      for (const [writer, r] of reports.entries()) {
        // The outage was felt (writes spooled) and the spool was replayed whole.
        expect(r.drained).toBe(true);
        expect(r.batchesTo.spool).toBeGreaterThan(0);
        expect(r.stats.spooledOps).toBeGreaterThan(0);
        expect(r.stats).toMatchObject({
          pendingSpoolOps: 0,
          rejectedOps: 0,
          replayedOps: r.stats.spooledOps,
        });
        expect(await readFile(path.join(work, 'spool', `writer-${writer}.jsonl`), 'utf8')).toBe('');

        // Every point exactly once, with the value that was logged.
        const { rows } = await db.pool.query<{ key: string; step: string; value: number }>(
          'SELECT key, step, value FROM metric_points WHERE run_id = $1 ORDER BY key, step',
          [r.runId],
        );
        const expected: Array<{ key: string; step: number; value: number }> = [];
        for (const key of ['acc', 'loss', 'val_loss']) {
          for (let step = 0; step < r.steps; step += key === 'val_loss' ? 5 : 1) {
            expected.push({ key, step, value: expectedValue(writer, key, step) });
          }
        }
        expect(rows.map((row) => ({ key: row.key, step: Number(row.step), value: row.value }))).toEqual(
          expected,
        );
        const { rows: batches } = await db.pool.query<{ n: string }>(
          'SELECT sum(points) AS n FROM metric_batches WHERE run_id = $1',
          [r.runId],
        );
        expect(Number(batches[0]!.n)).toBe(expected.length);

        // Every artifact row points at the bytes last logged for its path, and the stored
        // bytes hash to it.
        const lastLogged = new Map(r.artifacts.map((a) => [a.path, a]));
        const { rows: artifacts } = await db.pool.query<{ path: string; sha256: string; size: string }>(
          'SELECT path, sha256, size FROM artifacts WHERE run_id = $1 ORDER BY path',
          [r.runId],
        );
        expect(artifacts).toHaveLength(lastLogged.size);
        for (const a of artifacts) {
          expect({ sha256: a.sha256, size: Number(a.size) }).toEqual({
            sha256: lastLogged.get(a.path)?.sha256,
            size: lastLogged.get(a.path)?.size,
          });
          const bytes = await store.get(a.sha256);
          expect(sha256Of(bytes)).toBe(a.sha256);
        }

        // Writes replayed in order: the last params and the last latest.bin won; the run ended.
        const { rows: runs } = await db.pool.query(
          'SELECT status, ended_at, params, latest_metrics FROM runs WHERE id = $1',
          [r.runId],
        );
        expect(runs[0]).toMatchObject({ status: 'finished', params: { writer, last_step: r.lastParamStep } });
        expect(runs[0].ended_at).toBeInstanceOf(Date);
        expect(runs[0].latest_metrics.loss).toMatchObject({
          step: r.steps - 1,
          value: expectedValue(writer, 'loss', r.steps - 1),
        });
      }
      const total = reports.reduce((n, r) => n + r.stats.spooledOps, 0);
      console.log(
        `outage: ${reports.length} writers, ${reports.map((r) => r.steps).join('/')} steps, ` +
          `${total} writes spooled and replayed`,
      );
    } finally {
      await deleteExperiments(db.pool, [experiment]);
      await db.close();
    }
  }, 180_000);
});
