import { assertValidBars, type BarColumns } from './bars';
import { featureNames, type FeatureName, type FeatureSeries, type FeatureVector } from './feature-names';
import { FEATURE_PARAMS, FLAT_RELATIVE } from './params';

const { realizedVolWindow: RV_WINDOW, rsiPeriod: RSI_PERIOD, volumeWindow: VOLUME_WINDOW } = FEATURE_PARAMS;
const { fast: MACD_FAST, slow: MACD_SLOW, signal: MACD_SIGNAL } = FEATURE_PARAMS.macd;
const { period: BB_PERIOD, k: BB_K } = FEATURE_PARAMS.bollinger;
/** Closes kept before the current bar: the longest look-back is logReturn20 (c[t−20]). */
const CLOSE_RING = 20;

/** EMA with α = 2/(n+1), seeded with its first input (the trading-signals convention). */
class Ema {
  private readonly k: number;
  value = NaN;
  count = 0;
  constructor(period: number) {
    this.k = 2 / (period + 1);
  }
  update(x: number): number {
    const previous = this.count === 0 ? x : this.value;
    this.value = x * this.k + previous * (1 - this.k);
    this.count++;
    return this.value;
  }
}

/** Wilder smoothing: the simple mean of the first `period` inputs, then avg += (x − avg)/period. */
class WilderAverage {
  private readonly factor: number;
  private sum = 0;
  private count = 0;
  value = NaN;
  constructor(private readonly period: number) {
    this.factor = 1 / period;
  }
  update(x: number): void {
    this.count++;
    if (this.count < this.period) this.sum += x;
    else if (this.count === this.period) this.value = (this.sum + x) / this.period;
    else this.value = (x - this.value) * this.factor + this.value;
  }
  get stable(): boolean {
    return this.count >= this.period;
  }
}

/** The last `size` values of a stream, readable oldest → newest. */
class Ring {
  private readonly data: Float64Array;
  private next = 0;
  filled = 0;
  constructor(readonly size: number) {
    this.data = new Float64Array(size);
  }
  push(x: number): void {
    this.data[this.next] = x;
    this.next = (this.next + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }
  /** The value `back` steps before the newest (0 = newest). */
  ago(back: number): number {
    return this.data[(this.next - 1 - back + 2 * this.size) % this.size]!;
  }
  /** Sum in time order (oldest first), so every caller adds in the same order. */
  sum(): number {
    let s = 0;
    for (let back = this.filled - 1; back >= 0; back--) s += this.ago(back);
    return s;
  }
  /** Sum of squared deviations from `mean`, in time order. */
  squaredDeviations(mean: number): number {
    let ss = 0;
    for (let back = this.filled - 1; back >= 0; back--) {
      const d = this.ago(back) - mean;
      ss += d * d;
    }
    return ss;
  }
}

/**
 * Every feature of one series, kept up to date bar by bar: the indicator state (EMAs of the
 * MACD, Wilder averages of the RSI, the 20-bar windows, the running peak) advances in constant
 * time per pushed bar, and every feature's value at every bar stays in a growable column
 * (Float64Array, capacity doubled when full), so the value at any past bar is an array read.
 *
 * The definitions and warm-up are `computeFeatureSeries`'s (see its doc); that function is this
 * state run over a whole history. The value at bar t is written when bar t is pushed and never
 * touched again, so it can only depend on bars 0..t.
 *
 * Rolling windows are recomputed over their 20 values at each bar (two-pass mean and deviation)
 * rather than kept as running sums: the cost per bar is still constant, and the result is exact
 * and the same bit for bit however the history was cut, which the flat-window test (a band or
 * deviation of zero) needs.
 *
 * Memory: 9 columns × 8 bytes = 72 bytes per bar (up to twice that while capacity is unused),
 * plus a few hundred bytes of indicator state per series.
 */
export class IncrementalFeatures {
  readonly hasVolume: boolean;
  private n = 0;
  private capacity: number;
  private cols: FeatureSeries;
  private lastTs = -Infinity;

  private peak = -Infinity;
  private readonly closes = new Ring(CLOSE_RING);
  private readonly returns = new Ring(RV_WINDOW);
  private readonly bandCloses = new Ring(BB_PERIOD);
  private readonly volumes = new Ring(VOLUME_WINDOW);
  /** Most recent bar index with a missing (NaN) volume. */
  private lastMissingVolume = -1;
  private readonly avgGain = new WilderAverage(RSI_PERIOD);
  private readonly avgLoss = new WilderAverage(RSI_PERIOD);
  private readonly emaFast = new Ema(MACD_FAST);
  private readonly emaSlow = new Ema(MACD_SLOW);
  private readonly emaSignal = new Ema(MACD_SIGNAL);

  /** `hasVolume`: whether the series has a volume column (else volumeZ20 is NaN throughout). */
  constructor(hasVolume: boolean, initialCapacity = 64) {
    this.hasVolume = hasVolume;
    this.capacity = Math.max(1, Math.floor(initialCapacity));
    this.cols = allocate(this.capacity);
  }

  /**
   * The state after every bar of `bars` (validated like `computeFeatureSeries`): one O(n) pass.
   * `headroom`: bars that can be pushed after it before the columns first double.
   */
  static fromBars(bars: BarColumns, headroom = 0): IncrementalFeatures {
    assertValidBars(bars);
    const n = bars.ts.length;
    const state = new IncrementalFeatures(bars.volume !== null, Math.max(n + headroom, 64));
    state.pushRange(bars, 0, n);
    return state;
  }

  /** Number of bars pushed. */
  get length(): number {
    return this.n;
  }

  /** Bytes held by the feature columns (capacity included). */
  get byteLength(): number {
    return this.capacity * 8 * featureNames.length;
  }

  /**
   * Pushes bars[from..to) of a series whose earlier bars were pushed already (each bar is
   * checked like `push`).
   */
  pushRange(bars: BarColumns, from: number, to: number): void {
    const { ts, close, volume } = bars;
    for (let i = from; i < to; i++) this.push(ts[i]!, close[i]!, volume ? volume[i]! : null);
  }

  /**
   * Appends the next closed bar and computes every feature at it. Throws a RangeError (and
   * changes nothing) unless `ts` is after the last bar's and `close` is finite and > 0; a NaN
   * or null volume is a missing volume.
   */
  push(ts: number, close: number, volume: number | null): void {
    if (!(ts > this.lastTs)) {
      throw new RangeError(`IncrementalFeatures: ts ${ts} is not after the last bar's ${this.lastTs}`);
    }
    if (!(close > 0) || close === Infinity) {
      throw new RangeError(`IncrementalFeatures: close ${close} is not finite and > 0`);
    }
    if (this.n === this.capacity) this.grow();
    const t = this.n;
    const c = this.cols;

    // Log returns and drawdown.
    const r1 = t >= 1 ? Math.log(close / this.closes.ago(0)) : NaN;
    c.logReturn1[t] = r1;
    c.logReturn5[t] = t >= 5 ? Math.log(close / this.closes.ago(4)) : NaN;
    c.logReturn20[t] = t >= 20 ? Math.log(close / this.closes.ago(19)) : NaN;
    if (close > this.peak) this.peak = close;
    c.drawdown[t] = close / this.peak - 1;

    // Realized volatility: sample sd of the last 20 one-bar log returns.
    if (t >= 1) this.returns.push(r1);
    c.realizedVol20[t] = t >= RV_WINDOW ? sampleStd(this.returns) : NaN;

    // Wilder RSI(14) on the close-to-close changes.
    let rsi = NaN;
    if (t >= 1) {
      const previous = this.closes.ago(0);
      const up = close > previous;
      this.avgGain.update(up ? close - previous : 0);
      this.avgLoss.update(up ? 0 : previous - close);
      if (this.avgGain.stable) {
        const loss = this.avgLoss.value;
        rsi = loss === 0 ? 100 : 100 - 100 / (this.avgGain.value / loss + 1);
      }
    }
    c.rsi14[t] = rsi;

    // MACD(12, 26, 9) histogram: the signal EMA is fed from the bar the slow EMA has seen 26.
    const fast = this.emaFast.update(close);
    const slow = this.emaSlow.update(close);
    let hist = NaN;
    if (this.emaSlow.count >= MACD_SLOW) {
      const macd = fast - slow;
      const signal = this.emaSignal.update(macd);
      if (this.emaSignal.count >= MACD_SIGNAL) hist = macd - signal;
    }
    c.macdHist[t] = hist;

    // Bollinger %b: SMA20 ± 2·population sd.
    this.bandCloses.push(close);
    let pctB = NaN;
    if (this.bandCloses.filled === BB_PERIOD) {
      const middle = this.bandCloses.sum() / BB_PERIOD;
      const sd = Math.sqrt(this.bandCloses.squaredDeviations(middle) / BB_PERIOD);
      const lower = middle - sd * BB_K;
      const upper = middle + sd * BB_K;
      const width = upper - lower;
      if (width > FLAT_RELATIVE * Math.abs(middle)) pctB = (close - lower) / width;
    }
    c.bollingerPctB[t] = pctB;

    // Volume z-score over the last 20 volumes, none missing.
    let z = NaN;
    if (this.hasVolume) {
      const v = volume ?? NaN;
      if (!Number.isFinite(v)) this.lastMissingVolume = t;
      this.volumes.push(v);
      if (t >= VOLUME_WINDOW - 1 && this.lastMissingVolume <= t - VOLUME_WINDOW) {
        const mean = this.volumes.sum() / VOLUME_WINDOW;
        const sd = sampleStd(this.volumes, mean);
        if (sd > FLAT_RELATIVE * Math.abs(mean)) z = (v - mean) / sd;
      }
    }
    c.volumeZ20[t] = z;

    this.closes.push(close);
    this.lastTs = ts;
    this.n = t + 1;
  }

  /** The value of `feature` at bar `index` (NaN where it is not defined). */
  valueAt(feature: FeatureName, index: number): number {
    this.checkIndex(index);
    return this.cols[feature][index]!;
  }

  /** The vector at bar `index` (null where a feature is not defined). */
  vectorAt(index: number): FeatureVector {
    this.checkIndex(index);
    const out = {} as FeatureVector;
    for (const name of featureNames) {
      const v = this.cols[name][index]!;
      out[name] = Number.isFinite(v) ? v : null;
    }
    return out;
  }

  /**
   * Every feature at bars [0, length), as views on the columns (no copy). The views stay
   * valid, but do not see bars pushed after the call.
   */
  series(): FeatureSeries {
    const n = this.n;
    if (n === this.capacity) return { ...this.cols };
    const out = {} as FeatureSeries;
    for (const name of featureNames) out[name] = this.cols[name].subarray(0, n);
    return out;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.n) {
      throw new RangeError(`IncrementalFeatures: index ${index} is outside [0, ${this.n - 1}]`);
    }
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const next = allocate(capacity);
    for (const name of featureNames) next[name].set(this.cols[name]);
    this.cols = next;
    this.capacity = capacity;
  }
}

function allocate(capacity: number): FeatureSeries {
  const out = {} as FeatureSeries;
  for (const name of featureNames) out[name] = new Float64Array(capacity);
  return out;
}

/** Sample standard deviation (n − 1) of a full window, two-pass in time order. */
function sampleStd(window: Ring, mean = window.sum() / window.filled): number {
  return Math.sqrt(window.squaredDeviations(mean) / (window.filled - 1));
}
