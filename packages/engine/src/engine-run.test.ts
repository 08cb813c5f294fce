import { createLogger } from '@tradeplane/platform';
import { describe, expect, it, vi } from 'vitest';
import { EngineRunRecorder } from './engine-run';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeRuns() {
  const state = { down: false, hang: false };
  const fail = async () => {
    if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:55432');
  };
  const runs = {
    started: vi.fn(fail),
    heartbeat: vi.fn(fail),
    stopped: vi.fn(async () => {
      if (state.hang) await new Promise(() => undefined);
      await fail();
    }),
  };
  return { state, runs };
}

function logger() {
  const log = createLogger('test', 'silent');
  return { log, warn: vi.spyOn(log, 'warn'), info: vi.spyOn(log, 'info') };
}

describe('EngineRunRecorder', () => {
  it('registers the run, heartbeats every beat and marks a clean stop', async () => {
    const { runs } = fakeRuns();
    const { log } = logger();
    const run = new EngineRunRecorder(runs, { heartbeatMs: 20, host: 'h1', pid: 42 }, log);
    run.start();
    await sleep(70);
    expect(runs.started).toHaveBeenCalledTimes(1);
    expect(runs.started).toHaveBeenCalledWith({ instanceId: run.instanceId, host: 'h1', pid: 42 });
    expect(runs.heartbeat.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(runs.heartbeat).toHaveBeenCalledWith(run.instanceId);
    await run.stop();
    expect(runs.stopped).toHaveBeenCalledWith(run.instanceId);
    const beats = runs.heartbeat.mock.calls.length;
    await sleep(50);
    expect(runs.heartbeat).toHaveBeenCalledTimes(beats); // no beat after the stop
  });

  it('starts while PostgreSQL is away, logs the outage once and registers when it answers', async () => {
    const { state, runs } = fakeRuns();
    const { log, warn, info } = logger();
    state.down = true;
    const run = new EngineRunRecorder(runs, { heartbeatMs: 15 }, log);
    run.start(); // returns at once
    await sleep(60);
    expect(runs.started.mock.calls.length).toBeGreaterThanOrEqual(2); // retried every beat
    expect(runs.heartbeat).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    state.down = false;
    await sleep(50);
    expect(info).toHaveBeenCalledTimes(1);
    expect(runs.heartbeat).toHaveBeenCalled();
    // A second outage is logged once more.
    state.down = true;
    await sleep(50);
    expect(warn).toHaveBeenCalledTimes(2);
    await run.stop();
  });

  it('never marks a run it could not register, and does not wait long on a stop the database ignores', async () => {
    const { state, runs } = fakeRuns();
    const { log, warn } = logger();
    state.down = true;
    const unregistered = new EngineRunRecorder(runs, { heartbeatMs: 1_000 }, log);
    unregistered.start();
    await unregistered.stop();
    expect(runs.stopped).not.toHaveBeenCalled();

    state.down = false;
    state.hang = true;
    const run = new EngineRunRecorder(runs, { heartbeatMs: 1_000, stopTimeoutMs: 30 }, log);
    run.start();
    await sleep(10);
    const t0 = performance.now();
    await run.stop();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(warn).toHaveBeenLastCalledWith(
      expect.objectContaining({ instanceId: run.instanceId }),
      'could not mark this engine run stopped',
    );
  });
});
