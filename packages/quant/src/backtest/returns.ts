/**
 * Prices → simple returns in the layout the backtester expects (one value per bar):
 * - r[t] = p[t] / p[last finite before t] − 1 when both prices exist (a gap is bridged, so a
 *   holder carried at the last known price does not lose the move made during the gap);
 * - r[t] = 0 on an asset's first finite price (listing day / first bar): the asset is tradable
 *   at that close, and nobody could have held it before, so nothing is earned;
 * - r[t] = NaN when p[t] is missing (not finite or ≤ 0): the asset is not tradable at t.
 * (Unlike risk's simpleReturns — pandas pct_change, first date dropped — it keeps one value per bar.)
 */
export function backtestReturns(prices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(prices.length);
  let last = NaN;
  for (let t = 0; t < prices.length; t++) {
    const p = prices[t]!;
    if (!(Number.isFinite(p) && p > 0)) {
      out[t] = NaN;
      continue;
    }
    out[t] = Number.isNaN(last) ? 0 : p / last - 1;
    last = p;
  }
  return out;
}
