import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROLLOUT_STEPS,
  parseRolloutPlan,
  rolloutAnalysis,
  rolloutGuards,
} from '@tradeplane/contracts';
import { DECISION_MODEL_NAMES as modelsDecisionNames } from '@tradeplane/models/names';
import type { RolloutPlanDefaults } from './operations';
import {
  abStep,
  candidateVersions,
  checkStartForm,
  DECISION_MODEL_NAMES,
  startFormDefaults,
  startFormFieldOf,
  type StartFormValues,
} from './startForm';

/** The gateway's rolloutPlanDefaults, as the contract's defaults make them. */
const analysis = rolloutAnalysis.parse({});
const defaults: RolloutPlanDefaults = {
  steps: DEFAULT_ROLLOUT_STEPS.map((s) => ({ ...s })),
  analysis: { ...analysis, threshold: 1 / analysis.alpha },
  guards: rolloutGuards.parse({}),
};

const form = (patch: Partial<StartFormValues> = {}): StartFormValues => ({
  ...startFormDefaults(defaults),
  candidate: { ...startFormDefaults(defaults).candidate, momentum: '7' },
  reason: 'retrained on 2019',
  ...patch,
});

/** The contract's verdict on what the form would send. */
function contractVerdict(values: StartFormValues) {
  const steps = values.steps.map((s) => ({
    percent: Number(s.percent),
    minDecisions: Number(s.minDecisions),
    maxDurationMinutes: Number(s.maxDurationMinutes),
  }));
  return parseRolloutPlan({ kind: values.kind === 'AB' ? 'ab' : 'rollout', steps });
}

describe('the start form', () => {
  it('lists the decision models as @tradeplane/models does', () => {
    expect([...DECISION_MODEL_NAMES]).toEqual([...modelsDecisionNames]);
  });

  it('sends the defaults as the contract reads them, with the versions picked', () => {
    const check = checkStartForm(form());
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.input.candidate).toEqual([{ name: 'momentum', version: 7 }]);
    expect(check.input.steps).toEqual(DEFAULT_ROLLOUT_STEPS);
    const parsed = parseRolloutPlan({
      kind: 'rollout',
      steps: check.input.steps,
      analysis: check.input.analysis,
      guards: check.input.guards,
    });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.plan.analysis).toEqual(analysis);
      expect(parsed.plan.guards).toEqual(rolloutGuards.parse({}));
    }
  });

  it('needs a candidate version and a reason', () => {
    const check = checkStartForm(form({ candidate: startFormDefaults(defaults).candidate, reason: ' ' }));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.errors).sort()).toEqual(['candidate', 'reason']);
  });

  it('rejects the plans the contract rejects, at the field the contract names', () => {
    const cases: StartFormValues['steps'][] = [
      [
        { percent: '0', minDecisions: '500', maxDurationMinutes: '60' },
        { percent: '0', minDecisions: '200', maxDurationMinutes: '60' },
      ],
      [
        { percent: '5', minDecisions: '200', maxDurationMinutes: '60' },
        { percent: '120', minDecisions: '200', maxDurationMinutes: '60' },
      ],
      [{ percent: '5', minDecisions: '200', maxDurationMinutes: '0' }],
      [{ percent: '5', minDecisions: '2.5', maxDurationMinutes: '60' }],
      [{ percent: '5', minDecisions: '0', maxDurationMinutes: '60' }],
    ];
    for (const steps of cases) {
      const values = form({ steps });
      const contract = contractVerdict(values);
      const check = checkStartForm(values);
      expect(contract.ok).toBe(false);
      expect(check.ok).toBe(false);
      if (contract.ok || check.ok) continue;
      expect(check.errors[contract.path]).toBeDefined();
    }
  });

  it('accepts the plans the contract accepts', () => {
    const steps = [
      { percent: '0', minDecisions: '100', maxDurationMinutes: '30' },
      { percent: '50', minDecisions: '100', maxDurationMinutes: '30' },
    ];
    expect(contractVerdict(form({ steps })).ok).toBe(true);
    expect(checkStartForm(form({ steps })).ok).toBe(true);
  });

  it('holds an A/B test to one split strictly between 0 and 100', () => {
    expect(abStep(defaults)).toEqual({ percent: '50', minDecisions: '200', maxDurationMinutes: '4320' });
    expect(checkStartForm(form({ kind: 'AB', steps: [abStep(defaults)] })).ok).toBe(true);
    for (const percent of ['0', '100']) {
      const values = form({ kind: 'AB', steps: [{ ...abStep(defaults), percent }] });
      const contract = contractVerdict(values);
      const check = checkStartForm(values);
      expect(contract.ok).toBe(false);
      if (contract.ok || check.ok) throw new Error('accepted');
      expect(check.errors[contract.path]).toBe('an A/B split must be strictly between 0 and 100');
    }
    const two = checkStartForm(form({ kind: 'AB', steps: [abStep(defaults), abStep(defaults)] }));
    expect(two.ok ? {} : two.errors).toMatchObject({ steps: 'an A/B test has exactly one step' });
  });

  it('checks the advanced parameters against the contract bounds', () => {
    const values = form();
    const check = checkStartForm({
      ...values,
      analysis: { ...values.analysis, alpha: '0.5', minSamples: '5' },
      guards: { ...values.guards, 'crashes.maxCrashes': '1.5', 'latency.p95Ms': '0' },
    });
    expect(check.ok ? {} : check.errors).toEqual({
      'analysis.alpha': 'must be less than 0.5',
      'analysis.minSamples': 'must be at least 10',
      'guards.crashes.maxCrashes': 'must be a whole number',
      'guards.latency.p95Ms': 'must be greater than 0',
    });
    expect(rolloutAnalysis.safeParse({ alpha: 0.5 }).success).toBe(false);
    expect(rolloutAnalysis.safeParse({ minSamples: 5 }).success).toBe(false);
  });

  it("offers each model's versions that are not production (nor archived), newest first", () => {
    expect(
      candidateVersions([
        { version: 1, stage: 'production' },
        { version: 2, stage: 'staging' },
        { version: 3, stage: 'archived' },
        { version: 4, stage: 'shadow' },
      ]),
    ).toEqual([
      { version: 4, stage: 'shadow' },
      { version: 2, stage: 'staging' },
    ]);
  });

  it("places the gateway's error at the field it names", () => {
    const check = checkStartForm(
      form({ candidate: { ...startFormDefaults(defaults).candidate, defensive: '3', momentum: '7' } }),
    );
    if (!check.ok) throw new Error('rejected');
    const sent = check.input;
    expect(sent.candidate.map((c) => c.name)).toEqual(['momentum', 'defensive']);
    expect(startFormFieldOf('candidate.1.version', sent)).toBe('candidate.defensive');
    expect(startFormFieldOf('input.candidate.0.name', sent)).toBe('candidate.momentum');
    expect(startFormFieldOf('plan.steps.2.percent', sent)).toBe('steps.2.percent');
    expect(startFormFieldOf('input.steps.9.percent', sent)).toBe('steps');
    expect(startFormFieldOf('plan.analysis.alpha', sent)).toBe('analysis.alpha');
    expect(startFormFieldOf('input.guards.latency.p95Ms', sent)).toBe('guards.latency.p95Ms');
    expect(startFormFieldOf('reason', sent)).toBe('reason');
    expect(startFormFieldOf('id', sent)).toBeNull();
    expect(startFormFieldOf(undefined, sent)).toBeNull();
  });
});
