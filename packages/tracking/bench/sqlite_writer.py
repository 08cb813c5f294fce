"""bench:tracking sqlite_floor writer: the same SQL with no tracking-tool logic, one process.

The secondary reference (the headline baseline is MLflow itself, mlflow_writer.py): what
MLflow's SQLAlchemy store does to SQLite for a metric batch, reduced to bare SQL, so a
lower bound for any SQLite design: check the run is active (a read outside the transaction,
as pysqlite runs it), then one transaction of executemany INSERTs into `metrics` (MLflow's
composite primary key) plus the upsert of `latest_metrics`, committed. Default journal
(rollback journal, synchronous=FULL), writers serialised by SQLite's file lock, Python's
default busy timeout of 5 s, and a few retries on "database is locked"; a batch still locked
after them is an error.

Stdlib only. Same protocol and workload as tracking-writer.ts (see workload.ts):
  sqlite_writer.py init  '{"dbPath": ..., "journalMode": ...}'
  sqlite_writer.py count '{"dbPath": ...}'       -> {"points": N}
  sqlite_writer.py write '{...writer spec...}'   -> ready / go / done lines
"""

import json
import math
import os
import resource
import sqlite3
import sys
import time
import uuid

METRIC_KEYS = [
    "loss",
    "val_loss",
    "accuracy",
    "sharpe",
    "sortino",
    "max_drawdown",
    "turnover",
    "hit_rate",
    "lr",
    "grad_norm",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  run_uuid TEXT PRIMARY KEY, name TEXT, status TEXT NOT NULL, experiment_id INTEGER NOT NULL,
  start_time INTEGER, end_time INTEGER);
CREATE TABLE IF NOT EXISTS metrics (
  key TEXT NOT NULL, value REAL NOT NULL, timestamp INTEGER NOT NULL, run_uuid TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0, is_nan BOOLEAN NOT NULL DEFAULT 0,
  PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan));
CREATE INDEX IF NOT EXISTS index_metrics_run_uuid ON metrics (run_uuid);
CREATE TABLE IF NOT EXISTS latest_metrics (
  key TEXT NOT NULL, value REAL NOT NULL, timestamp INTEGER, step INTEGER NOT NULL,
  is_nan BOOLEAN NOT NULL, run_uuid TEXT NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE INDEX IF NOT EXISTS index_latest_metrics_run_uuid ON latest_metrics (run_uuid);
"""


def metric_value(writer, key_index, step):
    return math.exp(-step / 500) * (1 + key_index * 0.1) + 0.01 * math.sin(step * 0.37 + writer + key_index)


def batch_rows(writer, batch, points, ts, run_uuid):
    k = len(METRIC_KEYS)
    steps_per_batch = -(-points // k)
    rows = []
    for i in range(points):
        key_index = i % k
        step = batch * steps_per_batch + i // k
        rows.append((METRIC_KEYS[key_index], metric_value(writer, key_index, step), ts, run_uuid, step, 0))
    return rows


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def is_locked(err):
    return isinstance(err, sqlite3.OperationalError) and "locked" in str(err)


def connect(spec):
    return sqlite3.connect(spec["dbPath"], timeout=spec.get("busyTimeoutS", 5.0))


def with_retries(spec, fn):
    """Runs fn in a transaction; retries on 'database is locked' (the prototype's loop)."""
    attempts = 1 + spec.get("retries", 3)
    for attempt in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as err:
            if not is_locked(err) or attempt == attempts - 1:
                raise


def init(spec):
    conn = sqlite3.connect(spec["dbPath"])
    mode = conn.execute("PRAGMA journal_mode=%s" % spec.get("journalMode", "delete")).fetchone()[0]
    conn.executescript(SCHEMA)
    conn.close()
    emit({"journalMode": mode, "sqliteVersion": sqlite3.sqlite_version})


def count(spec):
    conn = sqlite3.connect(spec["dbPath"])
    n = conn.execute("SELECT count(*) FROM metrics").fetchone()[0]
    conn.close()
    emit({"points": n})


def write(spec):
    writer, batches, points = spec["writer"], spec["batches"], spec["points"]
    conn = connect(spec)
    run_uuid = uuid.uuid4().hex
    errors, samples = 0, []

    def start_run():
        with conn:
            conn.execute(
                "INSERT INTO runs (run_uuid, name, status, experiment_id, start_time) VALUES (?, ?, 'RUNNING', 0, ?)",
                (run_uuid, "writer-%d" % writer, int(time.time() * 1000)),
            )

    try:
        with_retries(spec, start_run)
    except sqlite3.Error as err:
        emit({"type": "ready"})
        sys.stdin.readline()
        emit(done(writer, None, [], 0, 0, 1, ["start run: %s" % err], False, 0.0, 0.0))
        return

    emit({"type": "ready"})
    if sys.stdin.readline().strip() != "go":
        return
    go = time.perf_counter()
    cpu_at_go = cpu_seconds()
    cap = spec.get("capSeconds", 0)
    interval = spec.get("intervalMs", 0) / 1000.0
    offset = interval * writer / max(1, spec.get("writers", 1))
    latencies, ok, stored, capped = [], 0, 0, False

    for b in range(batches):
        if cap and time.perf_counter() - go >= cap:
            capped = True
            break
        if interval:
            wait = go + offset + b * interval - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
        rows = batch_rows(writer, b, points, int(time.time() * 1000), run_uuid)

        def log_batch():
            status = conn.execute("SELECT status FROM runs WHERE run_uuid = ?", (run_uuid,)).fetchone()
            if status is None or status[0] != "RUNNING":
                raise RuntimeError("run %s is not active" % run_uuid)
            with conn:
                conn.executemany(
                    "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
                conn.executemany(
                    "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?)"
                    " ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value,"
                    " timestamp = excluded.timestamp, step = excluded.step WHERE excluded.step >= latest_metrics.step",
                    [(r[0], r[1], r[2], r[4], r[3]) for r in rows[-len(METRIC_KEYS) :]],
                )

        t0 = time.perf_counter()
        try:
            with_retries(spec, log_batch)
            ok += 1
            stored += points
        except Exception as err:  # noqa: BLE001 — every failure is an error the bench counts
            errors += 1
            if len(samples) < 3:
                samples.append(str(err))
        latencies.append((time.perf_counter() - t0) * 1000)

    cpu_ms = (cpu_seconds() - cpu_at_go) * 1000
    f0 = time.perf_counter()

    def end_run():
        with conn:
            conn.execute(
                "UPDATE runs SET status = 'FINISHED', end_time = ? WHERE run_uuid = ?",
                (int(time.time() * 1000), run_uuid),
            )

    try:
        with_retries(spec, end_run)
    except sqlite3.Error as err:
        errors += 1
        samples.append("end run: %s" % err)
    conn.close()
    emit(done(writer, run_uuid, latencies, ok, stored, errors, samples, capped, (time.perf_counter() - f0) * 1000, cpu_ms))


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def done(writer, run_id, latencies, ok, stored, errors, samples, capped, finish_ms, cpu_ms):
    return {
        "type": "done",
        "writer": writer,
        "runId": run_id,
        "latenciesMs": latencies,
        "batchesOk": ok,
        "pointsStored": stored,
        "errors": errors,
        "spooled": 0,
        "errorSamples": samples,
        "capped": capped,
        "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "cpuMs": cpu_ms,
        "dbCpuMs": None,
        "finishMs": finish_ms,
    }


if __name__ == "__main__":
    command, spec = sys.argv[1], json.loads(sys.argv[2])
    {"init": init, "count": count, "write": write}[command](spec)
    os._exit(0)
