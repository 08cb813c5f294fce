/**
 * Rollouts end to end on the real stack and real data: `tradeplane replay`'s paper trading
 * client plays stored daily bars of ten stocks to an engine process while a rollout runs; the
 * workers process books every decision's outcomes for both sets and its rollout controller
 * moves the rollout on the sequential test and the guards. Each case checks what the controller
 * did, the evidence it stored, the registry and the engine afterwards, and that the replay (the
 * incumbent serving throughout) had no failed request.
 */
import type { RolloutEvidence } from '@tradeplane/contracts';
import type { RolloutRecord } from '@tradeplane/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { healthz, waitFor } from '../../../test/decision-stack';
import { actOnRollout } from '@tradeplane/models';
import {
  ALWAYS_LONG,
  BOOTSTRAP_LABEL_V1,
  CHURNER,
  nearIncumbent,
  startRolloutStack,
  type RolloutStack,
} from './rollout-stack';

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

/**
 * A replay that runs until the controller ends the rollout (then stops at the next bar). Once
 * the bars run out and the ledger has booked them, the controller gets a few ticks to judge the
 * last of them; a rollout still open after that fails the case rather than waiting out the timeout.
 */
async function replayUntilEnded(id: string, fromMs: number, toMs: number, timeoutMs = 540_000) {
  const abort = new AbortController();
  const done = ended(id, timeoutMs).finally(() => abort.abort());
  const run = await stack.replay({ fromMs, toMs }, abort.signal);
  const final = await Promise.race([
    done,
    new Promise<RolloutRecord>((_, reject) =>
      setTimeout(
        () => reject(new Error(`rollout ${id} still open 30 s after the replay ended`)),
        30_000,
      ).unref(),
    ),
  ]);
  return { run, final };
}

const PM = { by: 'pm@rollout.test', auditActor: 'user:rollout-test' };

// A case that fails leaves its rollout open, and only one may be active: end it, so the next
// case starts from the incumbent alone.
afterEach(async () => {
  const open = await stack?.repos.rollouts.active();
  if (open)
    await actOnRollout({ repos: stack.repos, announce: announceNothing }, open.id, 'abort', PM, {
      reason: 'left open by a failed case',
    });
});

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
      // The slow canary answered every request it served (slowly): none failed. A timer may fire
      // up to a millisecond early against the engine's clock.
      const canaryServed = run.decisions.filter((d) => d.models.arm === 'canary');
      expect(canaryServed.length).toBeGreaterThanOrEqual(5);
      expect(Math.min(...canaryServed.map((d) => d.timings.totalMs))).toBeGreaterThanOrEqual(249);
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

/** Every bar time of the replay got its decision: the incumbent served throughout. */
function expectNoFailedRequest(run: Awaited<ReturnType<typeof replayUntilEnded>>['run']) {
  expect(run.decisions.length).toBe(run.barTimes);
  expect(run.decisions.every((d) => d.models.arm === 'production' || d.models.arm === 'canary')).toBe(true);
}

describe('a deliberately worse candidate', () => {
  it(
    'is rolled back by the sequential test at shadow or the first canary step',
    { timeout: 600_000 },
    async () => {
      const candidate = await stack.registerCandidate('churner', CHURNER);
      const rollout = await stack.start(
        candidate,
        {
          steps: [
            { percent: 0, minDecisions: 500, maxDurationMinutes: 60 },
            { percent: 5, minDecisions: 200, maxDurationMinutes: 60 },
            { percent: 100, minDecisions: 200, maxDurationMinutes: 60 },
          ],
        },
        'follows yesterday: pays the turnover',
      );
      const { run, final } = await replayUntilEnded(rollout.id, Date.UTC(2010, 0, 4), Date.UTC(2018, 3, 11));
      expect(final.status).toBe('rolled_back');
      expect(final.stepIndex).toBeLessThanOrEqual(1);
      const events = await stack.repos.rollouts.events(rollout.id);
      const rollback = events.at(-1)!;
      expect(rollback.action).toBe('rollback');
      expect(rollback.actor).toBe('rollout-controller');
      expect(rollback.evidence!.verdict).toBe('worse');
      expect(rollback.evidence!.guards.every((g) => !g.tripped)).toBe(true);
      // The stored evidence: the one-sided test's evidence at its threshold, the candidate's net under the incumbent's.
      const evidence = rollback.evidence!;
      expect(evidence.evidenceWorse).toBeGreaterThanOrEqual(evidence.threshold);
      expect(evidence.meanDiff!).toBeLessThan(0);
      expect(evidence.candidate.meanNet!).toBeLessThan(evidence.incumbent.meanNet!);
      expectNoFailedRequest(run);
      expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'staging'));
      expect(await stack.servedProduction()).toBe(BOOTSTRAP_LABEL_V1);
      console.info(`[rollout-it] worse candidate: ${rollback.reason} (n=${rollback.evidence!.n})`);
    },
  );
});

describe('an A/B test at a fixed split', () => {
  it(
    'pairs both sets on every decision at the split and is ended by a person on the evidence',
    { timeout: 600_000 },
    async () => {
      const candidate = await stack.registerCandidate('churner, A/B', CHURNER);
      const rollout = await stack.start(
        candidate,
        {
          kind: 'ab',
          steps: [{ percent: 50, minDecisions: 100, maxDurationMinutes: 60 }],
          // A strict test (evidence 1,000 to end it), so that here a person ends it, not the test.
          analysis: { alpha: 0.001 },
        },
        'A/B: does following yesterday pay for its turnover?',
      );
      const abort = new AbortController();
      const replaying = stack.replay(
        { fromMs: Date.UTC(2010, 0, 4), toMs: Date.UTC(2018, 3, 11) },
        abort.signal,
      );
      let concluded: RolloutRecord;
      let evidence: RolloutEvidence;
      try {
        // The controller judges the A/B test at every tick while both sets act at the split.
        evidence = await waitFor(
          async () => {
            const latest = (await stack.repos.rollouts.snapshots(rollout.id, 1))[0];
            return latest && latest.n >= 400 ? latest.evidence : undefined;
          },
          300_000,
          250,
        );
        expect(evidence.evidenceBetter).toBeDefined();
        expect(evidence.threshold).toBe(1000);
        expect(evidence.candidate.acted).toBeGreaterThan(0);
        expect(evidence.incumbent.acted).toBeGreaterThan(0);
        expect(evidence.candidate.decisions).toBe(evidence.n);
        // A pm ends it on what the page shows: the set with the higher mean net wins.
        concluded = await actOnRollout(
          { repos: stack.repos, announce: stack.announce },
          rollout.id,
          'conclude',
          PM,
          {
            reason: `ended by hand after ${evidence.n} paired decisions`,
            evidence,
            winner: evidence.meanDiff! < 0 ? 'incumbent' : 'candidate',
          },
        );
      } finally {
        abort.abort();
      }
      const run = await replaying;
      expect(concluded.status).toBe('concluded');
      expect(concluded.winner).toBe(evidence.meanDiff! < 0 ? 'incumbent' : 'candidate');
      const events = await stack.repos.rollouts.events(rollout.id);
      expect(events.map((e) => [e.action, e.actor])).toEqual([
        ['start', PM.by],
        ['conclude', PM.by],
      ]);
      expect(events[1]!.evidence!.n).toBe(evidence.n);
      // The split held: near half the decisions served by each set.
      const canary = run.decisions.filter((d) => d.models.arm === 'canary').length;
      expect(canary / run.decisions.length).toBeGreaterThan(0.4);
      expect(canary / run.decisions.length).toBeLessThan(0.6);
      expectNoFailedRequest(run);
      expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'staging'));
      await waitFor(
        async () => ((await healthz(stack.engine.url)).models?.canary === null ? true : undefined),
        10_000,
        20,
      );
      console.info(
        `[rollout-it] A/B: concluded by hand for the ${concluded.winner}: ${evidence.reason} (canary share ${(canary / run.decisions.length).toFixed(2)})`,
      );
    },
  );
});

describe('a candidate that breaks the risk limits', () => {
  it('trips the risk-violation guard and rolls back', { timeout: 600_000 }, async () => {
    const candidate = await stack.registerCandidate('always long', ALWAYS_LONG);
    const rollout = await stack.start(
      candidate,
      {
        steps: [
          { percent: 0, minDecisions: 500, maxDurationMinutes: 60 },
          { percent: 100, minDecisions: 200, maxDurationMinutes: 60 },
        ],
        // A daily bar is a session of one decision, so the seed's "more than 2 in a session"
        // cannot be reached on daily bars: here any session with a violation trips the guard.
        guards: { riskViolations: { maxViolations: 0 } },
      },
      'asks for 2.5x the gross allowed',
    );
    const { run, final } = await replayUntilEnded(rollout.id, Date.UTC(2014, 0, 2), Date.UTC(2018, 3, 11));
    expect(final.status).toBe('rolled_back');
    const events = await stack.repos.rollouts.events(rollout.id);
    const rollback = events.at(-1)!;
    expect(rollback.action).toBe('rollback');
    const guard = rollback.evidence!.guards.find((g) => g.guard === 'riskViolations')!;
    expect(guard.tripped).toBe(true);
    expect(guard.value!).toBeGreaterThan(0);
    expectNoFailedRequest(run);
    expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'staging'));
    expect(await stack.servedProduction()).toBe(BOOTSTRAP_LABEL_V1);
    console.info(`[rollout-it] risk guard: ${rollback.reason}`);
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
    const rollout = await stack.start(candidate, { steps }, 'a retrain that moved little');
    const { run, final } = await replayUntilEnded(rollout.id, Date.UTC(2012, 0, 3), Date.UTC(2018, 3, 11));
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
