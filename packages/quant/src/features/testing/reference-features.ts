/**
 * Test-only reference: the feature maths as it was first written, on the trading-signals
 * indicators (RSI, MACD, Bollinger) fed bar by bar and two-pass windows over whole arrays. It
 * shares no code with `IncrementalFeatures`, so the real-data proofs compare independent
 * implementations of the definitions in `computeFeatureSeries`'s doc.
 */
import { BollingerBands, EMA, MACD, RSI } from 'trading-signals';
import { assertValidBars, type BarColumns } from '../bars';
import type { FeatureSeries } from '../feature-names';
import { FEATURE_PARAMS, FLAT_RELATIVE } from '../params';

export function referenceFeatureSeries(bars: BarColumns): FeatureSeries {
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
