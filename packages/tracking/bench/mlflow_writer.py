"""bench:tracking headline baseline: the old architecture itself, MLflow's tracking store on SQLite.

Every writer opens MLflow's own SqlAlchemyStore("sqlite:///<file>", <artifact dir>), creates a
run in the shared experiment, logs its batches with store.log_batch(run_id, metrics=[Metric(key,
value, timestamp, step), ...], params=[], tags=[]) and ends the run with update_run_info
(FINISHED). No logic of ours around it: MLflow's session per call, run-state check,
latest_metrics upkeep, its 20 s busy timeout; whatever log_batch raises (e.g. "database is
locked") is an error for the bench, with no retry.

Importing MLflow costs each process about 1.1 s of CPU, so 50 writers would spend a minute
starting per phase on two cores. Writers are therefore forked from a server that imported
MLflow once ("serve"); node spawns a stub per writer ("attach", stdlib only, `python -S`) that
hands its stdin/stdout/stderr to the server, which forks the writer onto them. Each writer is
still its own process with its own store, engine and SQLite connection, all opened after the
fork and before the start barrier.

Same protocol and workload as tracking-writer.ts (see workload.ts):
  mlflow_writer.py init   '{"dbPath", "artifactDir", "experiment"}'  -> versions, experimentId
  mlflow_writer.py count  '{"dbPath"}'                               -> {"points": N}
  mlflow_writer.py serve  '{"socketPath"}'   prints {"listening": true}; exits when stdin closes
  mlflow_writer.py attach '{"socketPath", ...writer spec}'  ready / go / done lines (as a writer)
"""

import json
import os
import select
import signal
import socket
import sqlite3
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the bench sources
from sqlite_writer import batch_rows, cpu_seconds, done, emit  # noqa: E402

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")


def db_uri(spec):
    return "sqlite:///" + os.path.abspath(spec["dbPath"])


def init(spec):
    """Creates the file, runs MLflow's migrations (alembic) and the shared experiment."""
    import alembic
    import mlflow
    import sqlalchemy
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    t0 = time.perf_counter()
    store = SqlAlchemyStore(db_uri(spec), spec["artifactDir"])
    experiment_id = store.create_experiment(spec["experiment"])
    setup_s = time.perf_counter() - t0
    store.engine.dispose()
    conn = sqlite3.connect(spec["dbPath"])
    journal_mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    emit(
        {
            "experimentId": experiment_id,
            "mlflowVersion": mlflow.__version__,
            "sqlalchemyVersion": sqlalchemy.__version__,
            "alembicVersion": alembic.__version__,
            "sqliteVersion": sqlite3.sqlite_version,
            "journalMode": journal_mode,
            "setupS": setup_s,
        }
    )


def count(spec):
    conn = sqlite3.connect(spec["dbPath"])
    # The timed runs only: warm-up runs (paced phases) are named warmup-<writer>.
    n = conn.execute(
        "SELECT count(*) FROM metrics m JOIN runs r ON r.run_uuid = m.run_uuid WHERE r.name NOT LIKE 'warmup-%'"
    ).fetchone()[0]
    conn.close()
    emit({"points": n})


def write(spec):
    """One writer; stdin/stdout are the orchestrator's pipes. Returns the exit status."""
    from mlflow.entities import Metric, RunStatus
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    writer, batches, points = spec["writer"], spec["batches"], spec["points"]
    errors, samples = 0, []
    store, run_id = None, None
    try:
        store = SqlAlchemyStore(db_uri(spec), spec["artifactDir"])
        run = store.create_run(
            experiment_id=spec["experimentId"],
            user_id="bench:tracking",
            start_time=int(time.time() * 1000),
            tags=[],
            run_name="writer-%d" % writer,
        )
        run_id = run.info.run_id
        # Untimed warm-up into a run of its own (paced phases): SQLAlchemy's statement cache
        # and MLflow's code paths warm, as in a long training job.
        warmup = spec.get("warmupBatches", 0)
        if warmup:
            warm_id = store.create_run(
                experiment_id=spec["experimentId"],
                user_id="bench:tracking",
                start_time=int(time.time() * 1000),
                tags=[],
                run_name="warmup-%d" % writer,
            ).info.run_id
            for b in range(warmup):
                ts = int(time.time() * 1000)
                rows = batch_rows(writer, b, points, ts, warm_id)
                store.log_batch(warm_id, metrics=[Metric(r[0], r[1], r[2], r[4]) for r in rows], params=[], tags=[])
    except Exception as err:  # noqa: BLE001 — a writer that cannot start is an error
        emit({"type": "ready"})
        sys.stdin.readline()
        emit(done(writer, None, [], 0, 0, 1, ["start run: %s" % first_line(err)], False, 0.0, 0.0))
        return 0

    emit({"type": "ready"})
    if sys.stdin.readline().strip() != "go":
        return 0
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
        ts = int(time.time() * 1000)
        # The same keys, values and steps as every other phase (rows: key, value, ts, run, step, nan).
        metrics = [Metric(r[0], r[1], r[2], r[4]) for r in batch_rows(writer, b, points, ts, run_id)]
        t0 = time.perf_counter()
        try:
            store.log_batch(run_id, metrics=metrics, params=[], tags=[])
            ok += 1
            stored += points
        except Exception as err:  # noqa: BLE001 — every failure is an error the bench counts
            errors += 1
            if len(samples) < 3:
                samples.append(first_line(err))
        latencies.append((time.perf_counter() - t0) * 1000)

    cpu_ms = (cpu_seconds() - cpu_at_go) * 1000
    f0 = time.perf_counter()
    try:
        store.update_run_info(run_id, RunStatus.FINISHED, int(time.time() * 1000), None)
    except Exception as err:  # noqa: BLE001
        errors += 1
        samples.append("end run: %s" % first_line(err))
    store.engine.dispose()
    finish_ms = (time.perf_counter() - f0) * 1000
    emit(done(writer, run_id, latencies, ok, stored, errors, samples, capped, finish_ms, cpu_ms))
    return 0


def first_line(err):
    """The cause in one line: SQLAlchemy's message without its SQL, parameters and links."""
    skip = ("[SQL", "[parameters", "(Background", "(raised as a result")
    lines = [line.strip() for line in str(err).split("\n") if line.strip() and not line.strip().startswith(skip)]
    return ("%s: %s" % (type(err).__name__, " ".join(lines[:2])))[:300]


def serve(spec):
    """Imports MLflow once, then forks one writer per attached stub until stdin closes."""
    import mlflow.entities  # noqa: F401 — imported here so that every forked writer has it
    import mlflow.store.tracking.sqlalchemy_store  # noqa: F401

    if threading.active_count() > 1:  # fork() would copy only this thread
        sys.stderr.write("warning: %d threads after importing MLflow\n" % threading.active_count())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # writers are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(spec["socketPath"])
    listener.listen(128)
    emit({"listening": True})
    while True:
        readable, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in readable and not sys.stdin.readline():
            break
        if listener not in readable:
            continue
        conn, _ = listener.accept()
        message, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
        if os.fork() == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            listener.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            sys.stdin = os.fdopen(0, "r")
            sys.stdout = os.fdopen(1, "w")
            sys.stderr = os.fdopen(2, "w")
            status = 1
            try:
                status = write(json.loads(message))
            except BaseException:  # noqa: BLE001 — reported through the stub's exit status
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                conn.sendall(b"%d\n" % status)
                os._exit(status)
        for fd in fds:
            os.close(fd)
        conn.close()
    listener.close()


def attach(spec):
    """A writer as node sees it: passes its stdio to the server and exits with the writer's status."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(spec["socketPath"])
    socket.send_fds(conn, [json.dumps(spec).encode()], [0, 1, 2])
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = conn.recv(16)
        if not chunk:
            sys.stderr.write("error: the MLflow writer died without a status\n")
            return 1
        reply += chunk
    return int(reply)


if __name__ == "__main__":
    command, spec = sys.argv[1], json.loads(sys.argv[2])
    status = {"init": init, "count": count, "serve": serve, "attach": attach}[command](spec)
    sys.stdout.flush()
    os._exit(status or 0)
