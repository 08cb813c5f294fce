import { BollingerBands, EMA, MACD, RSI } from 'trading-signals';
import { assertValidBars, type BarColumns } from './bars';
import type { FeatureSeries } from './feature-names';

/** Window lengths and parameters; the names in `featureNames` encode them. */
export const FEATURE_PARAMS = {
  realizedVolWindow: 20,
  rsiPeriod: 14,
  macd: { fast: 12, slow: 26, signal: 9 },
  bollinger: { period: 20, k: 2 },
  volumeWindow: 20,
} as const;

/**
 * First index at which each feature is defined on a series with no missing values
 * (index = number of earlier bars needed). Before it the value is NaN.
 */
export const FEATURE_WARMUP = {
  logReturn1: 1,
  logReturn5: 5,
  logReturn20: 20,
  realizedVol20: 20,
  rsi14: 14,
  // trading-signals emits the MACD line once the slow EMA has seen 26 prices (index 25) and
  // seeds the signal EMA with that first MACD value; we wait until the signal EMA has seen 9.
  macdHist: 26 + 9 - 2,
  bollingerPctB: 19,
  volumeZ20: 19,
  drawdown: 0,
} as const;

/**
 * A band width or standard deviation at or below this fraction of the level is treated as
 * zero: the mean of identical floats can differ from them in the last bit, which would turn
 * a flat window into a spurious finite %b / z-score.
 */
const FLAT_RELATIVE = 1e-12;

/**
 * Computes every feature at every bar. Each value at bar t depends only on bars 0..t (each
 * loop below reads indices ≤ t, and the stateful indicators are fed in time order and read
 * right after the update for bar t). NaN where a feature is not (yet) defined.
 *
 * Definitions (c = close, v = volume, t = bar index):
 * - logReturn{1,5,20}: ln(c[t] / c[t−k]).
 * - realizedVol20: sample standard deviation (n − 1 = 19) of the 20 one-bar log returns
 *   r[t−19..t], r[i] = ln(c[i]/c[i−1]). Per bar, NOT annualised (multiply by √252 for
 *   daily bars, √(525600) for 1-minute crypto bars, if you want an annual figure).
 * - rsi14: Wilder's RSI(14), trading-signals `RSI` (WSMA smoothing: the first average gain/
 *   loss is the simple mean of the first 14 changes, then avg += (x − avg)/14). When the
 *   average loss is 0 it is 100 (also on a completely flat window, as in TradingView).
 * - macdHist: MACD(12, 26, 9) histogram = (EMA12 − EMA26) − EMA9(EMA12 − EMA26), EMAs with
 *   α = 2/(n+1), via trading-signals `MACD`. Convention of the library: each EMA is seeded
 *   with its first input (not with an SMA as in TA-Lib), so early values differ from
 *   TA-Lib's; the difference decays as (1−α)^t and is < 1e-9 relative after a few hundred
 *   bars. Defined from index 33 (see FEATURE_WARMUP).
 * - bollingerPctB: (c − lower)/(upper − lower) with trading-signals `BollingerBands(20, 2)`:
 *   middle = SMA20, bands = middle ± 2·σ where σ is the POPULATION standard deviation
 *   (divides by 20, as in Bollinger's definition and TA-Lib). NaN when the band has zero width.
 * - volumeZ20: (v[t] − mean(v[t−19..t])) / sd(v[t−19..t]), sd the SAMPLE standard deviation
 *   (n − 1, as pandas' rolling std). NaN when there is no volume column, any volume in the
 *   window is missing (NaN), or sd is 0.
 * - drawdown: c[t] / max(c[0..t]) − 1; 0 at a new running high, otherwise < 0.
 */
export function computeFeatureSeries(bars: BarColumns): FeatureSeries {
  assertValidBars(bars);
  const close = bars.close;
  const n = close.length;

  const logReturn1 = new Float64Array(n).fill(NaN);
  const logReturn5 = new Float64Array(n).fill(NaN);
  const logReturn20 = new Float64Array(n).fill(NaN);
  const realizedVol20 = new Float64Array(n).fill(NaN);
  const rsi14 = new Float64Array(n).fill(NaN);
  const macdHist = new Float64Array(n).fill(NaN);
  const bollingerPctB = new Float64Array(n).fill(NaN);
  const volumeZ20 = new Float64Array(n).fill(NaN);
  const drawdown = new Float64Array(n);

  // Log returns and drawdown.
  let peak = -Infinity;
  for (let t = 0; t < n; t++) {
    const c = close[t]!;
    if (t >= 1) logReturn1[t] = Math.log(c / close[t - 1]!);
    if (t >= 5) logReturn5[t] = Math.log(c / close[t - 5]!);
    if (t >= 20) logReturn20[t] = Math.log(c / close[t - 20]!);
    if (c > peak) peak = c;
    drawdown[t] = c / peak - 1;
  }

  // Realized volatility: sample sd of logReturn1[t−19..t] (two-pass per window: exact, and
  // identical whether computed on a truncated or the full history).
  const rvw = FEATURE_PARAMS.realizedVolWindow;
  for (let t = rvw; t < n; t++) realizedVol20[t] = sampleStd(logReturn1, t - rvw + 1, t + 1);

  // Stateful indicators from trading-signals, fed bar by bar in time order.
  const rsi = new RSI(FEATURE_PARAMS.rsiPeriod);
  const { fast, slow, signal } = FEATURE_PARAMS.macd;
  const macd = new MACD(new EMA(fast), new EMA(slow), new EMA(signal));
  const bb = new BollingerBands(FEATURE_PARAMS.bollinger.period, FEATURE_PARAMS.bollinger.k);
  let macdOutputs = 0; // MACD-line values fed to the signal EMA so far
  for (let t = 0; t < n; t++) {
    const c = close[t]!;
    const r = rsi.update(c, false);
    if (r !== null) rsi14[t] = r;
    const m = macd.update(c, false);
    // (`macd.signal.isStable` says the same but throws and catches internally while warming up.)
    if (m !== null && ++macdOutputs >= signal) macdHist[t] = m.histogram;
    const b = bb.update(c, false);
    if (b !== null) {
      const width = b.upper - b.lower;
      if (width > FLAT_RELATIVE * Math.abs(b.middle)) bollingerPctB[t] = (c - b.lower) / width;
    }
  }

  // Volume z-score.
  const volume = bars.volume;
  if (volume) {
    const w = FEATURE_PARAMS.volumeWindow;
    let lastMissing = -1; // most recent index ≤ t with a missing volume
    for (let t = 0; t < n; t++) {
      const v = volume[t]!;
      if (!Number.isFinite(v)) lastMissing = t;
      if (t < w - 1 || lastMissing > t - w) continue;
      let sum = 0;
      for (let i = t - w + 1; i <= t; i++) sum += volume[i]!;
      const mean = sum / w;
      const sd = sampleStd(volume, t - w + 1, t + 1, mean);
      if (sd > FLAT_RELATIVE * Math.abs(mean)) volumeZ20[t] = (v - mean) / sd;
    }
  }

  return {
    logReturn1,
    logReturn5,
    logReturn20,
    realizedVol20,
    rsi14,
    macdHist,
    bollingerPctB,
    volumeZ20,
    drawdown,
  };
}

/** Sample standard deviation (n − 1) of xs[from..to), two-pass. */
function sampleStd(xs: Float64Array, from: number, to: number, mean?: number): number {
  const len = to - from;
  let m = mean;
  if (m === undefined) {
    let sum = 0;
    for (let i = from; i < to; i++) sum += xs[i]!;
    m = sum / len;
  }
  let ss = 0;
  for (let i = from; i < to; i++) {
    const d = xs[i]! - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (len - 1));
}
