import {
  parseRolloutPlan,
  rolloutGuardNames,
  rolloutStatuses,
  rolloutVerdicts,
  type RolloutEvidence,
  type RolloutPlan,
} from '@tradeplane/contracts';
import type { RolloutEventRecord, RolloutSnapshotRecord } from '@tradeplane/db';
import { describe, expect, it } from 'vitest';
import {
  availableActions,
  decisionsPerArm,
  enumValues,
  evidenceHistory,
  modelSet,
  plannedSteps,
  presentAnalysis,
  presentChange,
  presentEvidence,
  presentSteps,
  startInputField,
} from './present-rollout';

const parsed = parseRolloutPlan({});
if (!parsed.ok) throw new Error(parsed.error);
const plan: RolloutPlan = parsed.plan;

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));
let nextId = 1;
function event(over: Partial<RolloutEventRecord>): RolloutEventRecord {
  return {
    id: String(nextId++),
    rolloutId: '4f1f5f0e-3c1b-4d6e-9a55-0c6b0f3a9e01',
    at: at(0),
    actor: 'pm@tradeplane.test',
    action: 'start',
    fromStep: null,
    toStep: 0,
    fromStatus: null,
    toStatus: 'running',
    reason: 'why',
    evidence: null,
    ...over,
  };
}

const start = event({ at: at(0) });
const advance = event({ at: at(10), action: 'advance', fromStep: 0, toStep: 1, fromStatus: 'running' });
const pause = event({
  at: at(20),
  action: 'pause',
  fromStep: 1,
  toStep: 1,
  fromStatus: 'running',
  toStatus: 'paused',
});
const resume = event({
  at: at(30),
  action: 'resume',
  fromStep: 1,
  toStep: 1,
  fromStatus: 'paused',
  toStatus: 'running',
});
const abort = event({
  at: at(40),
  action: 'abort',
  fromStep: 1,
  toStep: 1,
  fromStatus: 'running',
  toStatus: 'aborted',
});

const evidence: RolloutEvidence = {
  at: '2026-12-01T12:05:00.000Z',
  stepIndex: 1,
  stepDecisions: 40,
  n: 240,
  meanDiff: -0.0001,
  sdDiff: 0.011,
  hacLag: 4,
  cumulativeDiff: -0.024,
  evidenceWorse: 0.8,
  evidenceNotWorse: 3.1,
  threshold: 20,
  halfWidth: 0.002,
  mde: 0.0019,
  verdict: 'inconclusive',
  candidate: { label: 'momentum@v2', decisions: 240, acted: 40, meanNet: 0.0004, sharpe: 0.7 },
  incumbent: { label: 'momentum@v1', decisions: 240, acted: 200, meanNet: 0.0005, sharpe: 0.8 },
  guards: [{ guard: 'sharpeDrop', value: 12.5, threshold: 30, samples: 60, tripped: false, detail: 'ok' }],
  curve: [{ n: 240, asOf: '2019-12-09T00:00:00.000Z', cumulative: -0.024, lower: -0.5, upper: 0.45 }],
  decision: 'continue',
  reason: 'canary 5 %: inconclusive',
};

describe('enumValues', () => {
  it('upper-cases with underscores, keeping the contracts’ values as internal values', () => {
    expect(enumValues(rolloutVerdicts)).toEqual({
      INSUFFICIENT: 'insufficient',
      INCONCLUSIVE: 'inconclusive',
      NOT_WORSE: 'not_worse',
      WORSE: 'worse',
    });
    expect(enumValues(rolloutGuardNames)).toEqual({
      SHARPE_DROP: 'sharpeDrop',
      LATENCY: 'latency',
      CRASHES: 'crashes',
      RISK_VIOLATIONS: 'riskViolations',
    });
    expect(Object.keys(enumValues(rolloutStatuses))).toContain('ROLLED_BACK');
  });
});

describe('presentSteps', () => {
  it('marks the steps done, current and pending with the times of the moves into and out of them', () => {
    const steps = presentSteps({ plan, stepIndex: 1, status: 'running' }, [start, advance, pause, resume]);
    expect(steps.map((s) => [s.state, s.stage, s.percent])).toEqual([
      ['done', 'SHADOW', 0],
      ['current', 'CANARY', 5],
      ['pending', 'CANARY', 25],
      ['pending', 'CANARY', 75],
      ['pending', 'CANARY', 100],
    ]);
    expect(steps[0]).toMatchObject({ index: 0, startedAt: at(0), endedAt: at(10) });
    // A pause and a resume stay within the step.
    expect(steps[1]).toMatchObject({ index: 1, startedAt: at(10), endedAt: null });
    expect(steps[2]).toMatchObject({ startedAt: null, endedAt: null });
  });

  it('ends the step the rollout ended in and skips the rest', () => {
    const steps = presentSteps({ plan, stepIndex: 1, status: 'aborted' }, [
      start,
      advance,
      pause,
      resume,
      abort,
    ]);
    expect(steps.map((s) => s.state)).toEqual(['done', 'done', 'skipped', 'skipped', 'skipped']);
    expect(steps[1]).toMatchObject({ startedAt: at(10), endedAt: at(40) });
  });

  it('gives the start form its steps all pending', () => {
    expect(plannedSteps(plan.steps).map((s) => [s.index, s.state, s.startedAt])).toEqual(
      plan.steps.map((_, i) => [i, 'pending', null]),
    );
  });
});

describe('the analysis and evidence', () => {
  it('derives the threshold from alpha', () => {
    expect(presentAnalysis(plan.analysis)).toEqual({ ...plan.analysis, threshold: 20 });
  });

  it('names the minimum detectable effect and turns times into Dates', () => {
    const shown = presentEvidence(evidence);
    expect(shown.minimumDetectableEffect).toBe(0.0019);
    expect(shown).not.toHaveProperty('mde');
    expect(shown.evidenceBetter).toBeNull();
    expect(shown.at).toEqual(new Date('2026-12-01T12:05:00.000Z'));
    expect(shown.curve[0]!.asOf).toEqual(new Date('2019-12-09T00:00:00.000Z'));
    expect(presentEvidence({ ...evidence, evidenceBetter: 4.5 }).evidenceBetter).toBe(4.5);
  });

  it('lists the history oldest first without curves', () => {
    const snapshot = (id: number, n: number): RolloutSnapshotRecord => ({
      id: String(id),
      rolloutId: start.rolloutId,
      at: at(id),
      stepIndex: 1,
      n,
      evidence: { ...evidence, n },
    });
    const history = evidenceHistory([snapshot(3, 300), snapshot(2, 200), snapshot(1, 100)]);
    expect(history.map((p) => p.n)).toEqual([100, 200, 300]);
    expect(history[0]).toEqual({
      at: at(1),
      stepIndex: 1,
      n: 100,
      evidenceWorse: 0.8,
      evidenceNotWorse: 3.1,
      meanDiff: -0.0001,
      halfWidth: 0.002,
    });
  });
});

describe('sets and arms', () => {
  it('lists a set’s versions by name', () => {
    expect(modelSet({ value: 1, momentum: 3, 'meta-controller': 2 })).toEqual([
      { name: 'meta-controller', version: 2 },
      { name: 'momentum', version: 3 },
      { name: 'value', version: 1 },
    ]);
  });

  it('names each arm’s set by the candidate’s label', () => {
    const arms = decisionsPerArm({ candidateLabel: 'momentum@v2' }, [
      { label: 'momentum@v1', acted: true, decisions: 10, recorded: 9 },
      { label: 'momentum@v2', acted: false, decisions: 10, recorded: 9 },
    ]);
    expect(arms.map((a) => [a.label, a.set, a.acted])).toEqual([
      ['momentum@v1', 'incumbent', true],
      ['momentum@v2', 'candidate', false],
    ]);
  });
});

describe('availableActions', () => {
  it('offers pm and admin the actions of the state, and nobody anything once it ended', () => {
    expect(availableActions('running', 'pm')).toEqual(['pause', 'promote', 'abort']);
    expect(availableActions('paused', 'admin')).toEqual(['resume', 'promote', 'abort']);
    for (const status of ['promoted', 'rolled_back', 'aborted', 'concluded'] as const)
      expect(availableActions(status, 'admin')).toEqual([]);
  });

  it('offers quants, viewers and anonymous readers nothing', () => {
    expect(availableActions('running', 'quant')).toEqual([]);
    expect(availableActions('paused', 'viewer')).toEqual([]);
    expect(availableActions('running', null)).toEqual([]);
  });
});

describe('startInputField', () => {
  it('puts the plan’s fields at the input’s top level and the rest under input', () => {
    expect(startInputField('plan.steps.2.percent')).toBe('input.steps.2.percent');
    expect(startInputField('plan.analysis.alpha')).toBe('input.analysis.alpha');
    expect(startInputField('plan')).toBe('input');
    expect(startInputField('candidate.1.version')).toBe('input.candidate.1.version');
    expect(startInputField('reason')).toBe('input.reason');
  });
});

describe('presentChange', () => {
  it('shows an analysis-only change without an action', () => {
    const change = {
      rolloutId: start.rolloutId,
      status: 'running' as const,
      stepIndex: 1,
      canaryPercent: 5,
      at: '2026-12-01T12:05:00.000Z',
    };
    expect(presentChange({ ...change, action: 'analysis' })).toEqual({
      ...change,
      action: null,
      at: new Date(change.at),
    });
    expect(presentChange({ ...change, action: 'pause' }).action).toBe('pause');
  });
});
