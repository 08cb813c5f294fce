/**
 * Paired differences made from real returns for the rollout tests: SPY's daily simple returns
 * (daily/spy_prices.csv, 1993-01-29 .. 2019-12-09), demeaned so the true mean is zero.
 */
import { mulberry32 } from '../../features';
import { loadSpy } from '../../features/testing/real-data';

export interface RealDiffs {
  /** SPY's daily simple returns minus their mean: zero-mean, fat-tailed, volatility-clustered. */
  demeaned: Float64Array;
  /** Their sample standard deviation. */
  sd: number;
  /** The date of each return (its closing day). */
  dates: string[];
}

export function spyDemeanedReturns(): RealDiffs {
  const { bars, dates } = loadSpy();
  const close = bars.close;
  const returns = Float64Array.from({ length: close.length - 1 }, (_, i) => close[i + 1]! / close[i]! - 1);
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = sum / returns.length;
  const demeaned = returns.map((r) => r - mean);
  let ss = 0;
  for (const r of demeaned) ss += r * r;
  return { demeaned, sd: Math.sqrt(ss / (demeaned.length - 1)), dates: dates.slice(1) };
}

/**
 * A moving-block bootstrap sample of `length` values from `source` (blocks of `block`
 * consecutive values at seeded random starts): keeps the short-range dependence, mean zero in
 * expectation when the source's mean is zero.
 */
export function blockBootstrap(
  source: Float64Array,
  length: number,
  block: number,
  seed: number,
): Float64Array {
  const random = mulberry32(seed);
  const out = new Float64Array(length);
  for (let filled = 0; filled < length;) {
    const start = Math.floor(random() * (source.length - block));
    for (let j = 0; j < block && filled < length; j++) out[filled++] = source[start + j]!;
  }
  return out;
}
