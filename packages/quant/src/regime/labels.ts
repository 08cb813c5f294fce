/** Naming the fitted HMM states bull / bear / sideways, and shaping the output per label. */
import { compileParams, type HmmParams } from './model';

export type RegimeLabel = 'bull' | 'bear' | 'sideways';

/** Output order of the labels everywhere (probability rows, fitted states). */
export const REGIME_LABELS = ['bull', 'bear', 'sideways'] as const satisfies readonly RegimeLabel[];

/** Regime probabilities keyed by label (sum to 1). */
export interface RegimeProbabilities {
  bull: number;
  bear: number;
  sideways: number;
}

export interface RegimeProbabilityRow extends RegimeProbabilities {
  /** The bar's date, when dates were given. */
  date?: string;
}

export interface FittedRegimeState {
  label: RegimeLabel;
  /** State index in the HmmParams. */
  state: number;
  mean: number[];
  var: number[];
}

/** The label with the highest probability; ties go to the first in REGIME_LABELS order. */
export function mostLikelyRegime(p: Readonly<RegimeProbabilities>): RegimeLabel {
  let best: RegimeLabel = REGIME_LABELS[0];
  for (const l of REGIME_LABELS) if (p[l] > p[best]) best = l;
  return best;
}

/**
 * Names each state from the mean μ and variance σ² of its return dimension (`returnDim`,
 * default 0 = the log return of `regimeObservations`):
 * 1. bear: among the states with μ < 0, the one with the highest σ² (the crisis state: falling
 *    and volatile); when no state has μ < 0, the state with the lowest μ.
 * 2. bull: among the remaining states, the highest risk-adjusted drift μ/σ (so a state that
 *    only has a high mean because it is very volatile does not become bull).
 * 3. every other state: sideways (exactly one for K = 3; none for K = 2).
 * Ties are broken by the lower variance for bull, the higher for bear, then the lower state
 * index, so the labelling is a deterministic function of the parameters and does not depend on
 * the state order except on exact ties. Needs K ≥ 2.
 */
export function labelStates(params: HmmParams, returnDim = 0): RegimeLabel[] {
  const m = compileParams(params);
  const { K, D } = m;
  if (K < 2) throw new RangeError('labelStates: needs at least 2 states');
  if (!Number.isInteger(returnDim) || returnDim < 0 || returnDim >= D) {
    throw new RangeError(`labelStates: returnDim ${returnDim} is outside [0, ${D - 1}]`);
  }
  const mu = Array.from({ length: K }, (_, k) => m.mu[k * D + returnDim]!);
  const v = Array.from({ length: K }, (_, k) => m.v[k * D + returnDim]!);
  const states = Array.from({ length: K }, (_, k) => k);

  const negative = states.filter((k) => mu[k]! < 0);
  const bear =
    negative.length > 0
      ? negative.reduce((a, b) => (v[b]! > v[a]! ? b : a))
      : states.reduce((a, b) => (mu[b]! < mu[a]! || (mu[b] === mu[a] && v[b]! > v[a]!) ? b : a));
  const sharpe = (k: number) => mu[k]! / Math.sqrt(v[k]!);
  const bull = states
    .filter((k) => k !== bear)
    .reduce((a, b) => (sharpe(b) > sharpe(a) || (sharpe(b) === sharpe(a) && v[b]! < v[a]!) ? b : a));
  return states.map((k) => (k === bear ? 'bear' : k === bull ? 'bull' : 'sideways'));
}

/**
 * Per-bar probabilities by label: row t = { bull, bear, sideways } with each value the sum of
 * probs[t][k] over the states k carrying that label (0 for a label no state carries). The keys
 * do not depend on the state order of the fit. With `dates` (same length as `probs`), each row
 * also carries its date.
 */
export function regimeProbabilities(
  probs: readonly ArrayLike<number>[],
  labels: readonly RegimeLabel[],
  dates?: readonly string[],
): RegimeProbabilityRow[] {
  if (dates !== undefined && dates.length !== probs.length) {
    throw new RangeError(`regimeProbabilities: ${dates.length} dates for ${probs.length} rows`);
  }
  return probs.map((p, t) => {
    if (p.length !== labels.length) {
      throw new RangeError(`regimeProbabilities: row ${t} has ${p.length} states, labels ${labels.length}`);
    }
    const row: RegimeProbabilityRow =
      dates === undefined
        ? { bull: 0, bear: 0, sideways: 0 }
        : { date: dates[t]!, bull: 0, bear: 0, sideways: 0 };
    for (let k = 0; k < labels.length; k++) row[labels[k]!] += p[k]!;
    return row;
  });
}

/** The fitted states as `{ label, state, mean, var }`, ordered bull, bear, sideways (then by state index). */
export function fittedStates(
  params: HmmParams,
  labels: readonly RegimeLabel[] = labelStates(params),
): FittedRegimeState[] {
  if (labels.length !== params.pi.length) {
    throw new RangeError(`fittedStates: ${labels.length} labels for ${params.pi.length} states`);
  }
  const rank = (l: RegimeLabel) => REGIME_LABELS.indexOf(l);
  return labels
    .map((label, state) => ({
      label,
      state,
      mean: [...params.means[state]!],
      var: [...params.vars[state]!],
    }))
    .sort((a, b) => rank(a.label) - rank(b.label) || a.state - b.state);
}
