import { assertValidBars, type BarColumns } from './bars';
import type { FeatureSeries } from './feature-names';
import { IncrementalFeatures } from './incremental';

export { FEATURE_PARAMS, FEATURE_WARMUP } from './params';

/**
 * Computes every feature at every bar: `IncrementalFeatures` pushed each bar in time order, so
 * each value at bar t is written when bar t arrives and depends only on bars 0..t. NaN where
 * a feature is not (yet) defined. One O(n) pass; the columns are exactly n long.
 *
 * Definitions (c = close, v = volume, t = bar index):
 * - logReturn{1,5,20}: ln(c[t] / c[t−k]).
 * - realizedVol20: sample standard deviation (n − 1 = 19) of the 20 one-bar log returns
 *   r[t−19..t], r[i] = ln(c[i]/c[i−1]). Per bar, NOT annualised (multiply by √252 for
 *   daily bars, √(525600) for 1-minute crypto bars, if you want an annual figure).
 * - rsi14: Wilder's RSI(14), as trading-signals `RSI` computes it (WSMA smoothing: the first average gain/
 *   loss is the simple mean of the first 14 changes, then avg += (x − avg)/14). When the
 *   average loss is 0 it is 100 (also on a completely flat window, as in TradingView).
 * - macdHist: MACD(12, 26, 9) histogram = (EMA12 − EMA26) − EMA9(EMA12 − EMA26), EMAs with
 *   α = 2/(n+1), as trading-signals `MACD` computes it. Convention of the library: each EMA is seeded
 *   with its first input (not with an SMA as in TA-Lib), so early values differ from
 *   TA-Lib's; the difference decays as (1−α)^t and is < 1e-9 relative after a few hundred
 *   bars. Defined from index 33 (see FEATURE_WARMUP).
 * - bollingerPctB: (c − lower)/(upper − lower) as trading-signals `BollingerBands(20, 2)`:
 *   middle = SMA20, bands = middle ± 2·σ where σ is the POPULATION standard deviation
 *   (divides by 20, as in Bollinger's definition and TA-Lib). NaN when the band has zero width.
 * - volumeZ20: (v[t] − mean(v[t−19..t])) / sd(v[t−19..t]), sd the SAMPLE standard deviation
 *   (n − 1, as pandas' rolling std). NaN when there is no volume column, any volume in the
 *   window is missing (NaN), or sd is 0.
 * - drawdown: c[t] / max(c[0..t]) − 1; 0 at a new running high, otherwise < 0.
 */
export function computeFeatureSeries(bars: BarColumns): FeatureSeries {
  assertValidBars(bars);
  return IncrementalFeatures.fromBars(bars).series();
}
