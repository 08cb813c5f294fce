import type { ModelStage } from '@/features/models';
import type { RolloutGuardConfig, RolloutKind, RolloutPlanDefaults, StartRolloutInput } from './operations';

/**
 * The "Start rollout" form: its values as typed, prefilled from the gateway's plan defaults, and
 * client-side checks that mirror `rolloutPlan` in @tradeplane/contracts (shares strictly
 * increasing and at most 100, minimum decisions a whole number ≥ 1, durations > 0; an A/B test
 * one split strictly between 0 and 100; the analysis' and guards' bounds), so most mistakes show
 * before a request. The gateway's own error, naming its field, lands at the same field.
 */

/**
 * The decision models, as `DECISION_MODEL_NAMES` in @tradeplane/models lists them (the
 * specialists, then the meta-controller); kept here because the console does not depend on that
 * package (startForm.test.ts compares the two).
 */
export const DECISION_MODEL_NAMES = ['momentum', 'mean-reversion', 'defensive', 'meta-controller'] as const;

export interface StepValues {
  percent: string;
  minDecisions: string;
  maxDurationMinutes: string;
}

export const ANALYSIS_FIELDS = ['alpha', 'mixtureSd', 'marginBps', 'minSamples'] as const;
export type AnalysisField = (typeof ANALYSIS_FIELDS)[number];

/** `sharpeDrop.windowDays` and the like: a guard's parameter. */
export type GuardField = {
  [G in keyof RolloutGuardConfig]: `${G}.${keyof RolloutGuardConfig[G] & string}`;
}[keyof RolloutGuardConfig];

export const GUARD_FIELDS: readonly GuardField[] = [
  'sharpeDrop.windowDays',
  'sharpeDrop.maxDropPct',
  'sharpeDrop.minDecisions',
  'latency.p95Ms',
  'latency.windowMinutes',
  'latency.minDecisions',
  'crashes.maxCrashes',
  'crashes.windowHours',
  'riskViolations.maxViolations',
];

export interface StartFormValues {
  kind: RolloutKind;
  /** Chosen candidate version per decision model; '' keeps its production version. */
  candidate: Record<string, string>;
  steps: StepValues[];
  analysis: Record<AnalysisField, string>;
  guards: Record<GuardField, string>;
  reason: string;
}

/**
 * Where a message shows: `candidate.<model>`, `candidate`, `steps`, `steps.<i>.<field>`,
 * `analysis.<field>`, `guards.<guard>.<field>`, `kind`, `reason`, or `form` (above the button).
 */
export type StartFormErrors = Record<string, string>;

const REASON_MAX = 2000;
const MAX_STEPS = 20;

/** One numeric parameter's bounds, as the contract's zod schema states them. */
interface Bound {
  min: number;
  /** Strictly above `min` (zod `gt` / `positive`). */
  minExclusive?: boolean;
  max: number;
  maxExclusive?: boolean;
  integer?: boolean;
}

const STEP_BOUNDS: Record<keyof StepValues, Bound> = {
  percent: { min: 0, max: 100 },
  minDecisions: { min: 1, max: 10_000_000, integer: true },
  maxDurationMinutes: { min: 0, minExclusive: true, max: 525_600 },
};

const ANALYSIS_BOUNDS: Record<AnalysisField, Bound> = {
  alpha: { min: 0, minExclusive: true, max: 0.5, maxExclusive: true },
  mixtureSd: { min: 0, minExclusive: true, max: 10 },
  marginBps: { min: 0, max: 1000 },
  minSamples: { min: 10, max: 1_000_000, integer: true },
};

const GUARD_BOUNDS: Record<GuardField, Bound> = {
  'sharpeDrop.windowDays': { min: 0, minExclusive: true, max: 3650 },
  'sharpeDrop.maxDropPct': { min: 0, minExclusive: true, max: 1000 },
  'sharpeDrop.minDecisions': { min: 2, max: 1_000_000, integer: true },
  'latency.p95Ms': { min: 0, minExclusive: true, max: 600_000 },
  'latency.windowMinutes': { min: 0, minExclusive: true, max: 10_080 },
  'latency.minDecisions': { min: 1, max: 1_000_000, integer: true },
  'crashes.maxCrashes': { min: 0, max: 1000, integer: true },
  'crashes.windowHours': { min: 0, minExclusive: true, max: 8760 },
  'riskViolations.maxViolations': { min: 0, max: 1_000_000, integer: true },
};

/** The number typed, or the problem with it. */
function checkNumber(text: string, bound: Bound): { value: number } | { error: string } {
  const trimmed = text.trim();
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(value)) return { error: 'must be a number' };
  if (bound.integer && !Number.isInteger(value)) return { error: 'must be a whole number' };
  if (bound.minExclusive ? value <= bound.min : value < bound.min)
    return { error: `must be ${bound.minExclusive ? 'greater than' : 'at least'} ${bound.min}` };
  if (bound.maxExclusive ? value >= bound.max : value > bound.max)
    return { error: `must be ${bound.maxExclusive ? 'less than' : 'at most'} ${bound.max}` };
  return { value };
}

const text = (v: number) => String(v);

/** The form as the gateway's defaults fill it: every model at its production version. */
export function startFormDefaults(defaults: RolloutPlanDefaults): StartFormValues {
  const g = defaults.guards;
  return {
    kind: 'ROLLOUT',
    candidate: Object.fromEntries(DECISION_MODEL_NAMES.map((name) => [name, ''])),
    steps: defaults.steps.map((s) => ({
      percent: text(s.percent),
      minDecisions: text(s.minDecisions),
      maxDurationMinutes: text(s.maxDurationMinutes),
    })),
    analysis: {
      alpha: text(defaults.analysis.alpha),
      mixtureSd: text(defaults.analysis.mixtureSd),
      marginBps: text(defaults.analysis.marginBps),
      minSamples: text(defaults.analysis.minSamples),
    },
    guards: {
      'sharpeDrop.windowDays': text(g.sharpeDrop.windowDays),
      'sharpeDrop.maxDropPct': text(g.sharpeDrop.maxDropPct),
      'sharpeDrop.minDecisions': text(g.sharpeDrop.minDecisions),
      'latency.p95Ms': text(g.latency.p95Ms),
      'latency.windowMinutes': text(g.latency.windowMinutes),
      'latency.minDecisions': text(g.latency.minDecisions),
      'crashes.maxCrashes': text(g.crashes.maxCrashes),
      'crashes.windowHours': text(g.crashes.windowHours),
      'riskViolations.maxViolations': text(g.riskViolations.maxViolations),
    },
    reason: '',
  };
}

/** An A/B test's one step: the split the defaults' first canary share suggests. */
export function abStep(defaults: RolloutPlanDefaults): StepValues {
  const canary = defaults.steps.find((s) => s.percent > 0 && s.percent < 100);
  const template = canary ?? defaults.steps[0];
  return {
    percent: '50',
    minDecisions: text(template?.minDecisions ?? 200),
    maxDurationMinutes: text(template?.maxDurationMinutes ?? 3 * 24 * 60),
  };
}

/** The versions a model may be tested at: every version not in production, newest first. */
export function candidateVersions(
  versions: readonly { version: number; stage: ModelStage }[],
): { version: number; stage: ModelStage }[] {
  return versions
    .filter((v) => v.stage !== 'production' && v.stage !== 'archived')
    .sort((a, b) => b.version - a.version);
}

/** Checks the form; on success the mutation's input. */
export function checkStartForm(
  values: StartFormValues,
): { ok: true; input: StartRolloutInput } | { ok: false; errors: StartFormErrors } {
  const errors: StartFormErrors = {};

  const candidate: StartRolloutInput['candidate'] = [];
  for (const name of DECISION_MODEL_NAMES) {
    const chosen = values.candidate[name]?.trim() ?? '';
    if (chosen === '') continue;
    const version = Number(chosen);
    if (!Number.isInteger(version) || version < 1) errors[`candidate.${name}`] = 'pick a version';
    else candidate.push({ name, version });
  }
  if (candidate.length === 0 && !Object.keys(errors).some((k) => k.startsWith('candidate.')))
    errors.candidate = 'pick a candidate version for at least one model';

  const steps: StartRolloutInput['steps'] = [];
  if (values.steps.length === 0) errors.steps = 'a plan needs at least one step';
  else if (values.steps.length > MAX_STEPS) errors.steps = `at most ${MAX_STEPS} steps`;
  values.steps.forEach((step, i) => {
    const parsed: Partial<Record<keyof StepValues, number>> = {};
    for (const field of ['percent', 'minDecisions', 'maxDurationMinutes'] as const) {
      const check = checkNumber(step[field], STEP_BOUNDS[field]);
      if ('error' in check) errors[`steps.${i}.${field}`] = check.error;
      else parsed[field] = check.value;
    }
    const previous = steps[i - 1];
    if (parsed.percent !== undefined && previous && parsed.percent <= previous.percent)
      errors[`steps.${i}.percent`] = `must be greater than step ${i - 1}'s ${previous.percent}`;
    if (
      parsed.percent !== undefined &&
      parsed.minDecisions !== undefined &&
      parsed.maxDurationMinutes !== undefined
    )
      steps.push({
        percent: parsed.percent,
        minDecisions: parsed.minDecisions,
        maxDurationMinutes: parsed.maxDurationMinutes,
      });
    else steps.push({ percent: parsed.percent ?? NaN, minDecisions: NaN, maxDurationMinutes: NaN });
  });
  if (values.kind === 'AB') {
    if (values.steps.length !== 1) errors.steps = 'an A/B test has exactly one step';
    else {
      const only = steps[0]!;
      if (!errors['steps.0.percent'] && (only.percent <= 0 || only.percent >= 100))
        errors['steps.0.percent'] = 'an A/B split must be strictly between 0 and 100';
    }
  }

  const analysis: Partial<StartRolloutInput['analysis']> = {};
  for (const field of ANALYSIS_FIELDS) {
    const check = checkNumber(values.analysis[field], ANALYSIS_BOUNDS[field]);
    if ('error' in check) errors[`analysis.${field}`] = check.error;
    else analysis[field] = check.value;
  }

  const guardValues: Partial<Record<GuardField, number>> = {};
  for (const field of GUARD_FIELDS) {
    const check = checkNumber(values.guards[field], GUARD_BOUNDS[field]);
    if ('error' in check) errors[`guards.${field}`] = check.error;
    else guardValues[field] = check.value;
  }

  const reason = values.reason.trim();
  if (!reason) errors.reason = 'say why the rollout starts; it is kept in the audit trail';
  else if (reason.length > REASON_MAX) errors.reason = `at most ${REASON_MAX} characters`;

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const v = guardValues as Record<GuardField, number>;
  return {
    ok: true,
    input: {
      kind: values.kind,
      candidate,
      steps,
      analysis: analysis as StartRolloutInput['analysis'],
      guards: {
        sharpeDrop: {
          windowDays: v['sharpeDrop.windowDays'],
          maxDropPct: v['sharpeDrop.maxDropPct'],
          minDecisions: v['sharpeDrop.minDecisions'],
        },
        latency: {
          p95Ms: v['latency.p95Ms'],
          windowMinutes: v['latency.windowMinutes'],
          minDecisions: v['latency.minDecisions'],
        },
        crashes: { maxCrashes: v['crashes.maxCrashes'], windowHours: v['crashes.windowHours'] },
        riskViolations: { maxViolations: v['riskViolations.maxViolations'] },
      },
      reason,
    },
  };
}

/**
 * The form field a gateway error names (`extensions.field`), given the input that was sent:
 * `input.` and the rollout service's `plan.` prefixes are dropped, and a candidate's index in the
 * sent list becomes its model (`candidate.1.version` → `candidate.mean-reversion`). Unknown or
 * missing: null (the message shows above the button).
 */
export function startFormFieldOf(field: string | undefined, sent: StartRolloutInput): string | null {
  if (!field) return null;
  const path = field.replace(/^input\./, '').replace(/^plan\./, '');
  const candidate = /^candidate\.(\d+)(\..*)?$/.exec(path);
  if (candidate) {
    const model = sent.candidate[Number(candidate[1])]?.name;
    return model ? `candidate.${model}` : 'candidate';
  }
  if (path === 'candidate' || path === 'steps' || path === 'kind' || path === 'reason') return path;
  const step = /^steps\.(\d+)\.(percent|minDecisions|maxDurationMinutes)$/.exec(path);
  if (step) return Number(step[1]) < sent.steps.length ? path : 'steps';
  if (/^analysis\.(alpha|mixtureSd|marginBps|minSamples)$/.test(path)) return path;
  const guard = /^guards\.(.+)$/.exec(path);
  if (guard && (GUARD_FIELDS as readonly string[]).includes(guard[1]!)) return path;
  return null;
}
