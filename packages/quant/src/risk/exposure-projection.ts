/**
 * Bringing a book back inside its exposure limits. Prices move a held book between decisions:
 * a short book whose shorts rise, or a long one whose winners grow, drifts over the gross, net
 * or concentration limit without any trade. The pre-trade check then only refuses orders that
 * make the breach worse, so a model that keeps asking for the same exposure leaves the book
 * over its limit bar after bar. A decision on a book in breach therefore trades toward its
 * proposal brought inside the limits, and the book comes back. Pure.
 */
import { checkLimits } from './limits';
import type { PreTradeLimits } from './pre-trade';

export type ExposureLimitRule = 'symbol_limit' | 'concentration' | 'gross_exposure' | 'net_exposure';

type ExposureLimits = Pick<
  PreTradeLimits,
  'maxConcentration' | 'symbolLimits' | 'maxGross' | 'minNet' | 'maxNet' | 'tolerance'
>;

/** The first exposure limit `weights` breaches (beyond the tolerance), or null: `checkLimits`, by rule name. */
export function exposureBreach(
  weights: Readonly<Record<string, number>>,
  limits: ExposureLimits,
): ExposureLimitRule | null {
  const breach = checkLimits(weights, limits)[0];
  if (!breach) return null;
  switch (breach.code) {
    case 'CONCENTRATION_EXCEEDS_MAX':
      return limits.symbolLimits.has(breach.symbol!) ? 'symbol_limit' : 'concentration';
    case 'GROSS_EXPOSURE_EXCEEDS_MAX':
      return 'gross_exposure';
    case 'NET_EXPOSURE_OUT_OF_RANGE':
      return 'net_exposure';
  }
}

export interface ExposureProjection {
  /** The proposal inside the limits (movable symbols only). */
  weights: Record<string, number>;
  /** The common factor applied after the per-symbol clip, in [0, 1]. */
  scale: number;
  /** The limit that cut the proposal most, null when it was inside them already. */
  rule: ExposureLimitRule | null;
}

/**
 * The proposal `movable` (symbol → weight) brought inside the exposure limits, with `fixed`
 * the rest of the book that the decision does not trade: each weight is clipped to its symbol's
 * limit, then all are scaled by the largest factor f ∈ [0, 1] for which gross and net of
 * `fixed` + f·clipped lie within their limits (f = 0 when `fixed` alone breaches them).
 */
export function projectIntoExposureLimits(
  fixed: Readonly<Record<string, number>>,
  movable: Readonly<Record<string, number>>,
  limits: ExposureLimits,
): ExposureProjection {
  let rule: ExposureLimitRule | null = null;
  const clipped: Record<string, number> = {};
  let grossMov = 0;
  let netMov = 0;
  for (const symbol in movable) {
    const w = movable[symbol]!;
    if (!Number.isFinite(w)) throw new RangeError(`weight of '${symbol}' is ${w}, not a finite number`);
    const own = limits.symbolLimits.get(symbol);
    const cap = own ?? limits.maxConcentration;
    const c = Math.max(-cap, Math.min(cap, w));
    if (c !== w) rule ??= own === undefined ? 'concentration' : 'symbol_limit';
    clipped[symbol] = c;
    grossMov += Math.abs(c);
    netMov += c;
  }
  let grossFixed = 0;
  let netFixed = 0;
  for (const symbol in fixed) {
    if (Object.hasOwn(movable, symbol)) continue;
    grossFixed += Math.abs(fixed[symbol]!);
    netFixed += fixed[symbol]!;
  }
  let scale = 1;
  const cut = (f: number, r: ExposureLimitRule) => {
    const bounded = Math.max(0, Math.min(1, f));
    if (bounded < scale) {
      scale = bounded;
      rule = r;
    }
  };
  if (grossFixed + grossMov > limits.maxGross)
    cut((limits.maxGross - grossFixed) / grossMov, 'gross_exposure');
  if (netFixed + scale * netMov > limits.maxNet && netMov > 0)
    cut((limits.maxNet - netFixed) / netMov, 'net_exposure');
  if (netFixed + scale * netMov < limits.minNet && netMov < 0)
    cut((limits.minNet - netFixed) / netMov, 'net_exposure');
  const weights: Record<string, number> = {};
  for (const symbol in clipped) weights[symbol] = scale * clipped[symbol]!;
  return { weights, scale, rule };
}
