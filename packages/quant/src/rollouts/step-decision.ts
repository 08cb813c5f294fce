/**
 * What the rollout controller does at a tick, from the sequential test and the guards:
 * 1. any tripped guard → rollback, naming the guard (guards act at once, whatever the test says);
 * 2. verdict 'worse' → rollback (a rollout) or conclude for the incumbent (an A/B test);
 * 3. a rollout: the step has seen its minDecisions and the verdict is 'not_worse' → advance to
 *    the next step, or promote after the last one;
 *    an A/B test: evidence that the candidate is better (Σd, side 'greater', no margin) ≥ the
 *    threshold → conclude for the candidate (the test alone ends it; minDecisions gates moves);
 * 4. the step has run maxDurationMinutes without that → pause for a person (never promote
 *    silently);
 * 5. else continue.
 */
import type {
  RolloutAnalysis,
  RolloutEvidence,
  RolloutGuards,
  RolloutGuardState,
  RolloutKind,
  RolloutStep,
} from '@tradeplane/contracts';
import { armStats, evaluateGuards, type PairedDecision } from './guards';
import { pairedCurve, pairedTest, type PairedTestResult } from './sequential-test';

export interface StepState {
  kind: RolloutKind;
  stepIndex: number;
  steps: readonly RolloutStep[];
  stepStartedAtMs: number;
  stepDecisions: number;
  now: number;
}

export type StepDecision =
  | { decision: 'continue'; reason: string }
  | { decision: 'advance'; toStep: number; reason: string }
  | { decision: 'promote'; reason: string } // past the last step: candidate to production
  | { decision: 'rollback'; reason: string } // the test said worse, or a guard tripped (name it)
  | { decision: 'pause'; reason: string } // inconclusive at the step's maxDurationMinutes
  | { decision: 'conclude'; winner: 'candidate' | 'incumbent' | null; reason: string }; // A/B only

const evidence = (x: number) => (x >= 1e6 ? x.toExponential(2) : x.toFixed(2));

/** "n = 412, evidence worse 0.31 / not worse 7.90 (threshold 20)" */
function testSummary(test: PairedTestResult, kind: RolloutKind): string {
  const other =
    kind === 'ab'
      ? `better ${evidence(test.evidenceBetter)}`
      : `not worse ${evidence(test.evidenceNotWorse)}`;
  return `n = ${test.n}, evidence worse ${evidence(test.evidenceWorse)} / ${other} (threshold ${evidence(test.threshold)})`;
}

export function decideStep(
  state: StepState,
  test: PairedTestResult,
  guards: readonly RolloutGuardState[],
): StepDecision {
  const step = state.steps[state.stepIndex];
  if (!step)
    throw new RangeError(`stepIndex ${state.stepIndex} is outside the plan's ${state.steps.length} steps`);
  const label = `step ${state.stepIndex} (${step.percent}%)`;
  const summary = testSummary(test, state.kind);

  const tripped = guards.filter((g) => g.tripped);
  if (tripped.length > 0)
    return {
      decision: 'rollback',
      reason: `guard ${tripped.map((g) => `${g.guard} tripped: ${g.detail}`).join('; guard ')}`,
    };

  if (state.kind === 'ab') {
    if (test.verdict === 'worse')
      return { decision: 'conclude', winner: 'incumbent', reason: `the candidate is worse: ${summary}` };
    if (test.verdict !== 'insufficient' && test.evidenceBetter >= test.threshold)
      return { decision: 'conclude', winner: 'candidate', reason: `the candidate is better: ${summary}` };
  } else {
    if (test.verdict === 'worse')
      return { decision: 'rollback', reason: `the candidate is worse at ${label}: ${summary}` };
    if (test.verdict === 'not_worse' && state.stepDecisions >= step.minDecisions) {
      const next = state.stepIndex + 1;
      return next < state.steps.length
        ? {
            decision: 'advance',
            toStep: next,
            reason: `not worse after ${state.stepDecisions} decisions at ${label}: ${summary}`,
          }
        : { decision: 'promote', reason: `not worse after the last ${label}: ${summary}` };
    }
  }

  const elapsedMinutes = (state.now - state.stepStartedAtMs) / 60_000;
  if (elapsedMinutes >= step.maxDurationMinutes) {
    const why =
      state.kind === 'rollout' && test.verdict === 'not_worse'
        ? `not worse but only ${state.stepDecisions} of ${step.minDecisions} decisions`
        : `${test.verdict === 'insufficient' ? 'too few samples' : 'inconclusive'}`;
    return {
      decision: 'pause',
      reason: `${label} reached its ${step.maxDurationMinutes} min: ${why}, ${summary}`,
    };
  }
  return { decision: 'continue', reason: `${label}: ${summary}` };
}

/** Everything at once: test + guards + arm stats + curve + decision, as the contracts' rolloutEvidence (minus nothing). */
export function analyseRollout(input: {
  state: StepState;
  decisions: readonly PairedDecision[];
  crashes: readonly number[];
  timeframe: string;
  analysis: RolloutAnalysis;
  guards: RolloutGuards;
  candidateLabel: string;
  incumbentLabel: string;
}): RolloutEvidence {
  const { state, decisions, analysis } = input;
  const diffs = Float64Array.from(decisions, (d) => d.candidateNet - d.incumbentNet);
  const test = pairedTest(diffs, analysis);
  const guards = evaluateGuards(
    { now: state.now, decisions, timeframe: input.timeframe, crashes: input.crashes },
    input.guards,
  );
  const decided = decideStep(state, test, guards);
  const asOf = decisions.map((d) => new Date(d.asOfMs).toISOString());
  return {
    at: new Date(state.now).toISOString(),
    stepIndex: state.stepIndex,
    stepDecisions: state.stepDecisions,
    n: test.n,
    meanDiff: test.meanDiff,
    sdDiff: test.sdDiff,
    hacLag: test.hacLag,
    cumulativeDiff: test.cumulativeDiff,
    evidenceWorse: test.evidenceWorse,
    evidenceNotWorse: test.evidenceNotWorse,
    evidenceBetter: test.evidenceBetter,
    threshold: test.threshold,
    halfWidth: test.halfWidth,
    mde: test.mde,
    verdict: test.verdict,
    candidate: armStats(decisions, 'candidate', input.candidateLabel, input.timeframe),
    incumbent: armStats(decisions, 'incumbent', input.incumbentLabel, input.timeframe),
    guards,
    curve: pairedCurve(diffs, asOf, analysis),
    decision: decided.decision,
    reason: decided.reason,
  };
}
