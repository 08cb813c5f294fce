import {
  DEFAULT_ROLLOUT_STEPS,
  rolloutAnalysis,
  rolloutEvidence,
  rolloutGuards,
  type RolloutGuardState,
} from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { evaluateGuards, type PairedDecision } from './guards';
import { pairedTest } from './sequential-test';
import { analyseRollout, decideStep, type StepState } from './step-decision';
import { spyDemeanedReturns } from './testing/real-diffs';

const ANALYSIS = rolloutAnalysis.parse({});
const GUARDS = rolloutGuards.parse({});
const MINUTE = 60_000;
const spy = spyDemeanedReturns();

// Real paired differences: demeaned SPY returns, shifted down (a worse candidate), up (a
// better one) or not at all (no difference to find in 100 decisions).
const real = spy.demeaned.subarray(0, 400);
const worse = pairedTest(
  real.map((d) => d - 0.25 * spy.sd),
  ANALYSIS,
);
const better = pairedTest(
  real.map((d) => d + 0.25 * spy.sd),
  ANALYSIS,
);
const inconclusive = pairedTest(spy.demeaned.subarray(0, 100), ANALYSIS);
const insufficient = pairedTest(spy.demeaned.subarray(0, 10), ANALYSIS);

const noDecisions = { now: 0, decisions: [], timeframe: '1d', crashes: [] };
const quietGuards = evaluateGuards(noDecisions, GUARDS);
const crashedGuards = evaluateGuards({ ...noDecisions, crashes: [0, 0, 0, 0] }, GUARDS);

const started = Date.parse('2019-06-03T14:00:00Z');
const state = (over: Partial<StepState> = {}): StepState => ({
  kind: 'rollout',
  stepIndex: 0,
  steps: DEFAULT_ROLLOUT_STEPS,
  stepStartedAtMs: started,
  stepDecisions: 600,
  now: started + 60 * MINUTE,
  ...over,
});
const atMaxDuration = (stepIndex = 0) =>
  started + DEFAULT_ROLLOUT_STEPS[stepIndex]!.maxDurationMinutes * MINUTE;

describe('the real-data fixtures', () => {
  it('give the verdicts the transitions below need', () => {
    expect(worse.verdict).toBe('worse');
    expect(better.verdict).toBe('not_worse');
    expect(better.evidenceBetter).toBeGreaterThanOrEqual(better.threshold);
    expect(inconclusive.verdict).toBe('inconclusive');
    expect(insufficient.verdict).toBe('insufficient');
  });
});

describe('decideStep (rollout)', () => {
  it('advances a step that has its minDecisions and a not-worse verdict', () => {
    expect(decideStep(state(), better, quietGuards)).toMatchObject({ decision: 'advance', toStep: 1 });
    expect(decideStep(state({ stepIndex: 2, stepDecisions: 200 }), better, quietGuards)).toMatchObject({
      decision: 'advance',
      toStep: 3,
    });
  });

  it('promotes after the last step', () => {
    const last = DEFAULT_ROLLOUT_STEPS.length - 1;
    const decided = decideStep(state({ stepIndex: last, stepDecisions: 200 }), better, quietGuards);
    expect(decided.decision).toBe('promote');
    expect(decided.reason).toMatch(/not worse after the last step 4 \(100%\)/);
  });

  it('continues while the step lacks its minDecisions, and pauses at max duration without them', () => {
    expect(decideStep(state({ stepDecisions: 499 }), better, quietGuards).decision).toBe('continue');
    const paused = decideStep(state({ stepDecisions: 499, now: atMaxDuration() }), better, quietGuards);
    expect(paused.decision).toBe('pause');
    expect(paused.reason).toMatch(/not worse but only 499 of 500 decisions/);
  });

  it('rolls back on a worse verdict at any time, minDecisions or not', () => {
    const decided = decideStep(state({ stepDecisions: 3 }), worse, quietGuards);
    expect(decided.decision).toBe('rollback');
    expect(decided.reason).toMatch(/^the candidate is worse at step 0 \(0%\): n = 400, evidence worse/);
  });

  it('rolls back on a tripped guard, naming it, even when the test says not worse', () => {
    const decided = decideStep(state(), better, crashedGuards);
    expect(decided).toEqual({
      decision: 'rollback',
      reason: 'guard crashes tripped: 4 engine crashes in 24 h (limit 3)',
    });
  });

  it('pauses an inconclusive step at its maximum duration (never promotes silently), continues before it', () => {
    expect(decideStep(state({ now: atMaxDuration() - 1 }), inconclusive, quietGuards).decision).toBe(
      'continue',
    );
    const paused = decideStep(state({ now: atMaxDuration() }), inconclusive, quietGuards);
    expect(paused.decision).toBe('pause');
    expect(paused.reason).toMatch(
      /^step 0 \(0%\) reached its 10080 min: inconclusive, n = 100, evidence worse \d/,
    );
    expect(decideStep(state({ now: atMaxDuration() }), insufficient, quietGuards).reason).toMatch(
      /too few samples/,
    );
  });

  it('refuses a step index outside the plan', () => {
    expect(() => decideStep(state({ stepIndex: 5 }), better, quietGuards)).toThrow(/stepIndex 5/);
  });
});

describe('decideStep (A/B)', () => {
  const ab = (over: Partial<StepState> = {}) =>
    state({ kind: 'ab', steps: [{ percent: 50, minDecisions: 200, maxDurationMinutes: 1440 }], ...over });

  it('concludes for the candidate when it is better, for the incumbent when it is worse', () => {
    expect(decideStep(ab(), better, quietGuards)).toMatchObject({
      decision: 'conclude',
      winner: 'candidate',
    });
    expect(decideStep(ab(), worse, quietGuards)).toMatchObject({ decision: 'conclude', winner: 'incumbent' });
  });

  it('does not conclude on a not-worse verdict alone: without evidence of better it continues, then pauses', () => {
    const notWorseOnly = { ...inconclusive, verdict: 'not_worse' as const };
    expect(decideStep(ab(), notWorseOnly, quietGuards).decision).toBe('continue');
    expect(decideStep(ab({ now: started + 1440 * MINUTE }), inconclusive, quietGuards).decision).toBe(
      'pause',
    );
  });

  it('rolls back on a tripped guard', () => {
    expect(decideStep(ab(), better, crashedGuards).decision).toBe('rollback');
  });
});

describe('analyseRollout', () => {
  const decisions: PairedDecision[] = Array.from(real, (d, i) => {
    const asOfMs = Date.parse(`${spy.dates[i]!}T00:00:00Z`);
    const incumbentNet = spy.demeaned[i + 1000]!;
    return {
      decisionId: `d${i}`,
      asOfMs,
      decidedAtMs: asOfMs + 21 * 60 * MINUTE,
      candidateNet: incumbentNet + d - 0.25 * spy.sd,
      incumbentNet,
      candidateActed: i % 20 === 0,
      candidateRiskVerdict: 'approve',
      incumbentRiskVerdict: 'approve',
      servedMs: i % 20 === 0 ? 4 : null,
    };
  });

  it('puts the test, guards, arms, curve and decision into one valid rolloutEvidence', () => {
    const now = decisions.at(-1)!.decidedAtMs;
    const result = analyseRollout({
      state: state({ stepIndex: 1, stepDecisions: 150, now, stepStartedAtMs: now - 60 * MINUTE }),
      decisions,
      crashes: [],
      timeframe: '1d',
      analysis: ANALYSIS,
      guards: GUARDS,
      candidateLabel: 'cand',
      incumbentLabel: 'prod',
    });
    expect(rolloutEvidence.parse(result)).toEqual(result);
    const test = pairedTest(
      Float64Array.from(decisions, (d) => d.candidateNet - d.incumbentNet),
      ANALYSIS,
    );
    expect(result).toMatchObject({
      at: new Date(now).toISOString(),
      stepIndex: 1,
      stepDecisions: 150,
      n: 400,
      verdict: test.verdict,
      evidenceWorse: test.evidenceWorse,
      decision: 'rollback',
    });
    expect(result.verdict).toBe('worse');
    expect(result.candidate).toMatchObject({ label: 'cand', decisions: 400, acted: 20 });
    expect(result.incumbent).toMatchObject({ label: 'prod', decisions: 400, acted: 380 });
    expect(result.guards.map((g: RolloutGuardState) => g.guard)).toEqual([
      'sharpeDrop',
      'latency',
      'crashes',
      'riskViolations',
    ]);
    expect(result.curve.at(-1)).toMatchObject({
      n: 400,
      asOf: new Date(decisions.at(-1)!.asOfMs).toISOString(),
    });
    expect(result.curve.at(-1)!.cumulative).toBeCloseTo(result.cumulativeDiff, 12);
  });
});
