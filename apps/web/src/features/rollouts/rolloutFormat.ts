import { formatInt } from '@/shared/format/format';
import type {
  RolloutAction,
  RolloutCurvePoint,
  RolloutDecision,
  RolloutEvidencePoint,
  RolloutGuardName,
  RolloutGuardState,
  RolloutStatus,
  RolloutStep,
  RolloutVerdict,
} from './operations';

/** What the rollouts page derives from the gateway's figures, and how it writes them. */

/** Per-decision returns are fractions; the page writes them in basis points. */
export const BPS_PER_UNIT = 10_000;

/** A per-decision return (a fraction) in basis points, signed: `+3.1 bp`; `—` when there is none. */
export function formatBps(v: number | null | undefined, digits = 1): string {
  if (v == null || !Number.isFinite(v)) return '—';
  const text = (v * BPS_PER_UNIT).toFixed(digits);
  if (Number(text) === 0) return `${(0).toFixed(digits)} bp`;
  return `${v > 0 ? '+' : ''}${text} bp`;
}

/** A step as a person says it: `shadow` or `canary 25 %` (`100 %` is the full share). */
export function formatStep(step: Pick<RolloutStep, 'percent'>): string {
  return step.percent === 0 ? 'shadow' : `canary ${formatPercentShare(step.percent)}`;
}

/** A share in percent: `5 %`, `12.5 %`. */
export function formatPercentShare(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)} %`;
}

/** Minutes → `45 min`, `6 h`, `3 d` (the largest unit that divides it, else one decimal of it). */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${formatTrimmed(minutes)} min`;
  if (minutes < 24 * 60) return `${formatTrimmed(minutes / 60)} h`;
  return `${formatTrimmed(minutes / (24 * 60))} d`;
}

function formatTrimmed(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export const STATUS_LABELS: Record<RolloutStatus, string> = {
  RUNNING: 'running',
  PAUSED: 'paused',
  PROMOTED: 'promoted',
  ROLLED_BACK: 'rolled back',
  ABORTED: 'aborted',
  CONCLUDED: 'concluded',
};

/** Running or paused: the rollout the controller holds (at most one at a time). */
export function isActiveStatus(status: RolloutStatus): boolean {
  switch (status) {
    case 'RUNNING':
    case 'PAUSED':
      return true;
    case 'PROMOTED':
    case 'ROLLED_BACK':
    case 'ABORTED':
    case 'CONCLUDED':
      return false;
    default:
      return assertNever(status);
  }
}

export const VERDICT_LABELS: Record<RolloutVerdict, string> = {
  INSUFFICIENT: 'too few decisions',
  INCONCLUSIVE: 'inconclusive',
  NOT_WORSE: 'not worse',
  WORSE: 'worse',
};

export const DECISION_LABELS: Record<RolloutDecision, string> = {
  CONTINUE: 'continue',
  ADVANCE: 'advance',
  PROMOTE: 'promote',
  ROLLBACK: 'roll back',
  PAUSE: 'pause',
  CONCLUDE: 'conclude',
};

export const ACTION_LABELS: Record<RolloutAction, string> = {
  START: 'start',
  ADVANCE: 'advance',
  PROMOTE: 'promote',
  ROLLBACK: 'roll back',
  PAUSE: 'pause',
  RESUME: 'resume',
  ABORT: 'abort',
  CONCLUDE: 'conclude',
};

/** The actions a person takes on the page, in the order the buttons stand. */
export const MANUAL_ACTIONS = ['PAUSE', 'RESUME', 'PROMOTE', 'ABORT'] as const;
export type ManualAction = (typeof MANUAL_ACTIONS)[number];

/** Of `available`, the actions the page offers, in button order. */
export function manualActions(available: readonly RolloutAction[]): ManualAction[] {
  return MANUAL_ACTIONS.filter((a) => available.includes(a));
}

/** Promote and abort cannot be undone: the page asks to confirm them. */
export function needsConfirmation(action: ManualAction): boolean {
  switch (action) {
    case 'PROMOTE':
    case 'ABORT':
      return true;
    case 'PAUSE':
    case 'RESUME':
      return false;
    default:
      return assertNever(action);
  }
}

export const ACTION_BUTTONS: Record<ManualAction, { label: string; effect: string }> = {
  PAUSE: { label: 'Pause', effect: 'The split stays; the controller stops judging until resumed.' },
  RESUME: { label: 'Resume', effect: "The step's clock starts again." },
  PROMOTE: { label: 'Promote now', effect: 'The candidate becomes production now, whatever the step.' },
  ABORT: {
    label: 'Abort',
    effect: 'The incumbent serves 100 % at once and the candidate goes back to staging.',
  },
};

export const GUARD_LABELS: Record<RolloutGuardName, string> = {
  SHARPE_DROP: 'Sharpe drop',
  LATENCY: 'P95 latency',
  CRASHES: 'Engine crashes',
  RISK_VIOLATIONS: 'Risk-limit violations',
};

/**
 * Which side of its threshold trips a guard: the candidate's Sharpe drop guard compares the
 * candidate's Sharpe to a floor (trips below it), the others count or measure against a ceiling.
 */
export function guardTripsBelow(guard: RolloutGuardName): boolean {
  switch (guard) {
    case 'SHARPE_DROP':
      return true;
    case 'LATENCY':
    case 'CRASHES':
    case 'RISK_VIOLATIONS':
      return false;
    default:
      return assertNever(guard);
  }
}

/** `value` against `threshold` as the guard reads it: `0.41 < 0.52`, `187 ms > 200 ms`. */
export function formatGuardComparison(g: RolloutGuardState): string {
  const unit = g.guard === 'LATENCY' ? ' ms' : '';
  const fmt = (v: number) =>
    g.guard === 'SHARPE_DROP' ? v.toFixed(2) : g.guard === 'LATENCY' ? v.toFixed(0) : formatInt(v);
  const limit = `${guardTripsBelow(g.guard) ? 'trips below' : 'trips above'} ${fmt(g.threshold)}${unit}`;
  if (g.value === null) return `— (${limit})`;
  return `${fmt(g.value)}${unit} (${limit})`;
}

/**
 * The minimum detectable effect in words: at the current n, the smallest mean paired difference
 * per decision the test would call.
 */
export function mdeSentence(n: number, mde: number | null): string {
  if (mde === null || !Number.isFinite(mde))
    return `At n = ${formatInt(n)} the test cannot call any difference yet (too few paired decisions).`;
  return `At n = ${formatInt(n)} the test would detect a mean difference of ±${(Math.abs(mde) * BPS_PER_UNIT).toFixed(1)} bp per decision.`;
}

/** The verdict in one sentence, with the evidence that decided it against the threshold. */
export function verdictSentence(e: {
  verdict: RolloutVerdict;
  evidenceWorse: number;
  evidenceNotWorse: number;
  threshold: number;
  n: number;
}): string {
  const worse = formatEvidence(e.evidenceWorse);
  const notWorse = formatEvidence(e.evidenceNotWorse);
  const needed = formatEvidence(e.threshold);
  switch (e.verdict) {
    case 'INSUFFICIENT':
      return `Too few paired decisions (${formatInt(e.n)}) for a verdict.`;
    case 'INCONCLUSIVE':
      return `Inconclusive: evidence worse ${worse}, not worse ${notWorse}; either needs ${needed}.`;
    case 'NOT_WORSE':
      return `Not worse: evidence ${notWorse} ≥ ${needed}.`;
    case 'WORSE':
      return `Worse: evidence ${worse} ≥ ${needed}.`;
    default:
      return assertNever(e.verdict);
  }
}

/** An e-value: `3.2`, `1.4e5`, `2.0e-3` (they span many orders of magnitude). */
export function formatEvidence(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '—';
  if (v === 0) return '0';
  if (v >= 1e4 || v < 1e-2) return v.toExponential(1);
  return v >= 100 ? v.toFixed(0) : v.toFixed(2);
}

/** The smallest evidence the log chart draws (an e-value of 0 has no logarithm). */
const EVIDENCE_FLOOR = 1e-12;

/** log10 of an e-value for the evidence chart, floored so that 0 stays on the chart. */
export function evidenceLog10(v: number): number {
  return Math.log10(Math.max(v, EVIDENCE_FLOOR));
}

/** A log10 value on the evidence chart's axis as the e-value it stands for. */
export function formatLog10Evidence(log10: number): string {
  return formatEvidence(10 ** log10);
}

/** Points with strictly increasing `n` (the chart's horizontal scale): the last of equal n wins. */
export function byIncreasingN<T extends { n: number }>(points: readonly T[]): T[] {
  const out: T[] = [];
  for (const p of [...points].sort((a, b) => a.n - b.n)) {
    if (out.length > 0 && out[out.length - 1]!.n === p.n) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

/** The list's "current step" cell: `canary 25 % · step 3 of 5`. */
export function currentStepLabel(step: Pick<RolloutStep, 'percent' | 'index'>, steps: number): string {
  return `${formatStep(step)} · step ${step.index + 1} of ${steps}`;
}

/** A Sharpe ratio or `—`. */
export function formatSharpe(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(2);
}

export interface NPoint {
  n: number;
  value: number;
}

/** The cumulative paired difference Σd and its band, in basis points, by n (one point per n). */
export function diffCurveSeries(curve: readonly RolloutCurvePoint[]): {
  cumulative: NPoint[];
  lower: NPoint[];
  upper: NPoint[];
} {
  const points = byIncreasingN(curve);
  const bp = (pick: (p: RolloutCurvePoint) => number) =>
    points.map((p) => ({ n: p.n, value: pick(p) * BPS_PER_UNIT }));
  return { cumulative: bp((p) => p.cumulative), lower: bp((p) => p.lower), upper: bp((p) => p.upper) };
}

/** The sequential test's two evidences over n as log10 (the chart's log axis), one point per n. */
export function evidenceSeries(history: readonly RolloutEvidencePoint[]): {
  worse: NPoint[];
  notWorse: NPoint[];
} {
  const points = byIncreasingN(history);
  return {
    worse: points.map((p) => ({ n: p.n, value: evidenceLog10(p.evidenceWorse) })),
    notWorse: points.map((p) => ({ n: p.n, value: evidenceLog10(p.evidenceNotWorse) })),
  };
}

function assertNever(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}
