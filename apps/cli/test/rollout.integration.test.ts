/**
 * Rollouts end to end on the real stack and real data: `tradeplane replay`'s paper trading
 * client plays stored daily bars of ten stocks to an engine process while a rollout runs; the
 * workers process books every decision's outcomes for both sets and its rollout controller
 * moves the rollout on the sequential test and the guards. Each case checks what the controller
 * did, the evidence it stored, the registry and the engine afterwards, and that the replay (the
 * incumbent serving throughout) had no failed request.
 */
import type { RolloutRecord } from '@tradeplane/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthz, waitFor } from '../../../test/decision-stack';
import { actOnRollout } from '@tradeplane/models';
import { nearIncumbent, startRolloutStack, type RolloutStack } from './rollout-stack';

let stack: RolloutStack;

beforeAll(async () => {
  stack = await startRolloutStack('tradeplane_test_rollout_replay');
}, 300_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

/** The rollout once the controller has ended it (or `timeoutMs` passed). */
async function ended(id: string, timeoutMs: number): Promise<RolloutRecord> {
  return waitFor(
    async () => {
      const r = await stack.repos.rollouts.get(id);
      return r && r.endedAt ? r : undefined;
    },
    timeoutMs,
    250,
  );
}

async function stagesOf(candidate: readonly { name: string; version: number }[]) {
  return Promise.all(
    candidate.map(async (c) => (await stack.repos.registry.getVersion(c.name, c.version))!.stage),
  );
}

/** A replay that runs until the controller ends the rollout (then stops at the next bar). */
async function replayUntilEnded(id: string, fromMs: number, toMs: number, timeoutMs = 540_000) {
  const abort = new AbortController();
  const done = ended(id, timeoutMs).finally(() => abort.abort());
  const run = await stack.replay({ fromMs, toMs }, abort.signal);
  return { run, final: await done };
}

const PM = { by: 'pm@rollout.test', auditActor: 'user:rollout-test' };
const announceNothing = () => undefined;

describe('the controller killed mid-step', () => {
  it('resumes the same step after a restart, without a second move', { timeout: 600_000 }, async () => {
    const candidate = await stack.registerCandidate('near incumbent, restart', nearIncumbent(0.004));
    const rollout = await stack.start(
      candidate,
      {
        steps: [
          { percent: 0, minDecisions: 40, maxDurationMinutes: 60 },
          // A step that outlasts the replay: the rollout is still in it when the controller dies.
          { percent: 10, minDecisions: 1_000_000, maxDurationMinutes: 60 },
        ],
      },
      'restart drill',
    );
    const abort = new AbortController();
    const replaying = stack.replay(
      { fromMs: Date.UTC(2014, 0, 2), toMs: Date.UTC(2018, 3, 11) },
      abort.signal,
    );
    try {
      await waitFor(
        async () => ((await stack.repos.rollouts.get(rollout.id))!.stepIndex === 1 ? true : undefined),
        300_000,
        250,
      );
      const before = (await stack.repos.rollouts.get(rollout.id))!;
      const snapshotsBefore = (await stack.repos.rollouts.snapshots(rollout.id, 1))[0]!;
      await stack.killAndRestartWorkers();
      // The new controller takes the lease once the dead one's expired and judges the same step.
      await waitFor(
        async () => {
          const latest = (await stack.repos.rollouts.snapshots(rollout.id, 1))[0]!;
          return latest.id !== snapshotsBefore.id && latest.n > snapshotsBefore.n ? latest : undefined;
        },
        120_000,
        250,
      );
      const after = (await stack.repos.rollouts.get(rollout.id))!;
      expect(after.stepIndex).toBe(1);
      expect(after.status).toBe('running');
      expect(after.revision).toBe(before.revision);
      expect(after.canaryPercent).toBe(10);
      const events = await stack.repos.rollouts.events(rollout.id);
      expect(events.map((e) => e.action)).toEqual(['start', 'advance']);
      expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'canary'));
    } finally {
      abort.abort();
      await replaying;
    }
    const aborted = await actOnRollout(
      { repos: stack.repos, announce: announceNothing },
      rollout.id,
      'abort',
      PM,
      {
        reason: 'restart drill done',
      },
    );
    expect(aborted.status).toBe('aborted');
    expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'staging'));
  });
});

describe('an engine latency fault on the canary', () => {
  it('trips the latency guard at the first canary step and rolls back', { timeout: 600_000 }, async () => {
    await stack.restartEngine({ ENGINE_FAULT_CANARY_DELAY_MS: '250' });
    try {
      const candidate = await stack.registerCandidate('near incumbent, slow', nearIncumbent(0.003));
      const rollout = await stack.start(
        candidate,
        {
          steps: [
            { percent: 0, minDecisions: 40, maxDurationMinutes: 60 },
            { percent: 50, minDecisions: 1_000, maxDurationMinutes: 60 },
            { percent: 100, minDecisions: 1_000, maxDurationMinutes: 60 },
          ],
          guards: { latency: { p95Ms: 200, windowMinutes: 15, minDecisions: 5 } },
        },
        'latency drill',
      );
      const { run, final } = await replayUntilEnded(rollout.id, Date.UTC(2015, 0, 2), Date.UTC(2018, 3, 11));
      expect(final.status).toBe('rolled_back');
      expect(final.stepIndex).toBe(1);
      const events = await stack.repos.rollouts.events(rollout.id);
      expect(events.map((e) => e.action)).toEqual(['start', 'advance', 'rollback']);
      const guard = events[2]!.evidence!.guards.find((g) => g.guard === 'latency')!;
      expect(guard).toMatchObject({ tripped: true });
      expect(guard.value!).toBeGreaterThan(200);
      // The slow canary answered every request it served (slowly): none failed.
      const canaryServed = run.decisions.filter((d) => d.models.arm === 'canary');
      expect(canaryServed.length).toBeGreaterThanOrEqual(5);
      expect(Math.min(...canaryServed.map((d) => d.timings.totalMs))).toBeGreaterThanOrEqual(250);
      expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'staging'));
      // Rolled back: the engine routes nothing to the candidate any more.
      await waitFor(
        async () => ((await healthz(stack.engine.url)).models?.canary === null ? true : undefined),
        10_000,
        20,
      );
      console.info(`[rollout-it] latency guard: ${events[2]!.reason}`);
    } finally {
      await stack.restartEngine({});
    }
  });
});

describe('a candidate no worse than the incumbent', () => {
  it('is promoted to production through every step', { timeout: 600_000 }, async () => {
    const candidate = await stack.registerCandidate('near incumbent', nearIncumbent(0.002));
    const steps = [
      { percent: 0, minDecisions: 40, maxDurationMinutes: 60 },
      { percent: 5, minDecisions: 20, maxDurationMinutes: 60 },
      { percent: 25, minDecisions: 20, maxDurationMinutes: 60 },
      { percent: 75, minDecisions: 20, maxDurationMinutes: 60 },
      { percent: 100, minDecisions: 20, maxDurationMinutes: 60 },
    ];
    const rollout = await stack.start(candidate, { steps }, 'negated signals: better on this data');
    const { run, final } = await replayUntilEnded(rollout.id, Date.UTC(2016, 0, 4), Date.UTC(2018, 3, 11));
    expect(final.status).toBe('promoted');
    const events = await stack.repos.rollouts.events(rollout.id);
    expect(events.map((e) => e.action)).toEqual([
      'start',
      'advance',
      'advance',
      'advance',
      'advance',
      'promote',
    ]);
    expect(events.slice(1).map((e) => e.toStep)).toEqual([1, 2, 3, 4, 4]);
    for (const e of events.slice(1)) {
      expect(e.actor).toBe('rollout-controller');
      expect(e.evidence!.verdict).toBe('not_worse');
      expect(e.evidence!.stepDecisions).toBeGreaterThanOrEqual(steps[e.fromStep!]!.minDecisions);
    }
    // Each canary step routed its share to the candidate, which acted on those decisions.
    const arms = new Set(run.decisions.map((d) => d.models.arm));
    expect(arms).toEqual(new Set(['production', 'canary']));
    const snapshots = await stack.repos.rollouts.snapshots(rollout.id, 2000);
    expect(snapshots.length).toBeGreaterThan(0);
    expect(snapshots.at(0)!.evidence.candidate.acted).toBeGreaterThan(0);
    // The candidate serves as production; the incumbent's momentum is archived.
    expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'production'));
    expect((await stack.repos.registry.getVersion('momentum', 1))!.stage).toBe('archived');
    await waitFor(
      async () => ((await stack.servedProduction()) === final.candidateLabel ? true : undefined),
      10_000,
      20,
    );
    console.info(
      `[rollout-it] promoted: ${JSON.stringify({ decisions: run.decisions.length, events: events.map((e) => [e.action, e.evidence?.n]) })}`,
    );
  });
});
