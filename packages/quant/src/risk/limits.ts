/**
 * Pre-trade exposure limits on portfolio weights (fractions of equity; negative = short).
 * A breach is reported as a value carrying the numbers, never thrown: the caller decides
 * whether to reject an order, alert, or scale down.
 */

export type LimitCode =
  'CONCENTRATION_EXCEEDS_MAX' | 'GROSS_EXPOSURE_EXCEEDS_MAX' | 'NET_EXPOSURE_OUT_OF_RANGE';

export interface LimitBreach {
  code: LimitCode;
  /** The offending position (concentration breaches only). */
  symbol?: string;
  /** The bound that was crossed (for net exposure: maxNet when above, minNet when below). */
  limit: number;
  /** The measured value: the signed weight, the gross or the net exposure. */
  actual: number;
}

export interface LimitOptions {
  /** Largest |w_i| of a single position (default 0.25). */
  maxConcentration?: number;
  /** Per-symbol largest |w_i|, replacing `maxConcentration` for that symbol (the engine's RISK_SYMBOL_LIMITS). */
  symbolLimits?: ReadonlyMap<string, number>;
  /** Largest gross exposure Σ|w_i| (default 1: no leverage). */
  maxGross?: number;
  /** Net exposure Σw_i must lie in [minNet, maxNet] (defaults −1 and 1). */
  maxNet?: number;
  minNet?: number;
  /**
   * Slack for floating-point noise (default 1e-9): a value breaches only beyond limit ± tolerance,
   * so weights summing to 1 + 2e-16 do not breach maxGross = 1.
   */
  tolerance?: number;
}

/**
 * Checks weights against the limits; returns every breach (empty = within limits), the
 * concentration breaches first in the weights' key order, then gross, then net. Throws a
 * RangeError only on malformed input (a non-finite weight or limit).
 */
export function checkLimits(weights: Record<string, number>, options: LimitOptions = {}): LimitBreach[] {
  const maxConcentration = options.maxConcentration ?? 0.25;
  const maxGross = options.maxGross ?? 1;
  const maxNet = options.maxNet ?? 1;
  const minNet = options.minNet ?? -1;
  const tolerance = options.tolerance ?? 1e-9;
  for (const [name, v] of Object.entries({ maxConcentration, maxGross, maxNet, minNet, tolerance })) {
    if (!Number.isFinite(v)) throw new RangeError(`limit ${name} must be a finite number, got ${v}`);
  }
  if (minNet > maxNet) throw new RangeError(`minNet ${minNet} is above maxNet ${maxNet}`);

  const breaches: LimitBreach[] = [];
  let gross = 0;
  let net = 0;
  for (const [symbol, w] of Object.entries(weights)) {
    if (!Number.isFinite(w)) throw new RangeError(`weight of '${symbol}' is ${w}, not a finite number`);
    gross += Math.abs(w);
    net += w;
    const limit = options.symbolLimits?.get(symbol) ?? maxConcentration;
    if (Math.abs(w) > limit + tolerance) {
      breaches.push({ code: 'CONCENTRATION_EXCEEDS_MAX', symbol, limit, actual: w });
    }
  }
  if (gross > maxGross + tolerance) {
    breaches.push({ code: 'GROSS_EXPOSURE_EXCEEDS_MAX', limit: maxGross, actual: gross });
  }
  if (net > maxNet + tolerance) {
    breaches.push({ code: 'NET_EXPOSURE_OUT_OF_RANGE', limit: maxNet, actual: net });
  } else if (net < minNet - tolerance) {
    breaches.push({ code: 'NET_EXPOSURE_OUT_OF_RANGE', limit: minNet, actual: net });
  }
  return breaches;
}
