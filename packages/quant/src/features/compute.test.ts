import { beforeAll, describe, expect, it } from 'vitest';
import { assertValidBars, sliceBars, type BarColumns } from './bars';
import { computeFeatureSeries, FEATURE_WARMUP } from './compute';
import { featureNames, type FeatureSeries } from './feature-names';
import { loadBtc1m, loadNvda, loadSpy, type LoadedCsv } from './testing/real-data';

/** |a − b| ≤ tol·(1 + max(|a|, |b|)), NaN only equal to NaN. */
function close(a: number, b: number, tol = 1e-9): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tol * (1 + Math.max(Math.abs(a), Math.abs(b)));
}
function firstFinite(xs: Float64Array): number {
  return xs.findIndex((x) => Number.isFinite(x));
}
/** Indices t ≥ from where a[t] and b[t] disagree (at most 5 reported). */
function mismatches(a: Float64Array, b: Float64Array, from: number, tol = 1e-9): number[] {
  const bad: number[] = [];
  for (let t = from; t < a.length && bad.length < 5; t++) if (!close(a[t]!, b[t]!, tol)) bad.push(t);
  return bad;
}

// --- Independent, deliberately plain reference implementations -------------------------

/** Wilder's RSI: seed = simple mean of the first p gains/losses, then (avg·(p−1) + x)/p. */
function referenceWilderRsi(c: Float64Array, p = 14): Float64Array {
  const out = new Float64Array(c.length).fill(NaN);
  let gain = 0;
  let loss = 0;
  const rsi = (g: number, l: number) => (l === 0 ? 100 : 100 - 100 / (1 + g / l));
  for (let t = 1; t < c.length; t++) {
    const d = c[t]! - c[t - 1]!;
    const up = d > 0 ? d : 0;
    const down = d < 0 ? -d : 0;
    if (t <= p) {
      gain += up;
      loss += down;
      if (t === p) {
        gain /= p;
        loss /= p;
        out[t] = rsi(gain, loss);
      }
    } else {
      gain = (gain * (p - 1) + up) / p;
      loss = (loss * (p - 1) + down) / p;
      out[t] = rsi(gain, loss);
    }
  }
  return out;
}

/** EMA with α = 2/(n+1) over xs[from..]; seeded with xs[from] ('first') or the SMA of xs[from..from+n) ('sma'). */
function referenceEma(xs: Float64Array, n: number, from: number, seed: 'first' | 'sma'): Float64Array {
  const out = new Float64Array(xs.length).fill(NaN);
  const a = 2 / (n + 1);
  if (seed === 'first') {
    let e = xs[from]!;
    out[from] = e;
    for (let t = from + 1; t < xs.length; t++) out[t] = e = a * xs[t]! + (1 - a) * e;
  } else {
    let e = 0;
    for (let t = from; t < from + n; t++) e += xs[t]! / n;
    out[from + n - 1] = e;
    for (let t = from + n; t < xs.length; t++) out[t] = e = a * xs[t]! + (1 - a) * e;
  }
  return out;
}

/** MACD(12, 26, 9) histogram from plain EMAs. */
function referenceMacdHist(c: Float64Array, seed: 'first' | 'sma'): Float64Array {
  const fast = referenceEma(c, 12, 0, seed);
  const slow = referenceEma(c, 26, 0, seed);
  const line = new Float64Array(c.length).fill(NaN);
  for (let t = 25; t < c.length; t++) line[t] = fast[t]! - slow[t]!;
  const signal = referenceEma(line, 9, 25, seed);
  const hist = new Float64Array(c.length).fill(NaN);
  for (let t = 33; t < c.length; t++) hist[t] = line[t]! - signal[t]!;
  return hist;
}

/** Bollinger %b with SMA20 and a given std convention. */
function referencePctB(c: Float64Array, ddof: 0 | 1): Float64Array {
  const out = new Float64Array(c.length).fill(NaN);
  for (let t = 19; t < c.length; t++) {
    const w = Array.from(c.subarray(t - 19, t + 1));
    const mean = w.reduce((s, x) => s + x, 0) / 20;
    const sd = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / (20 - ddof));
    out[t] = (c[t]! - (mean - 2 * sd)) / (4 * sd);
  }
  return out;
}

function sampleStd(xs: number[]): number {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

// --- Real data ------------------------------------------------------------------------

let spy: LoadedCsv;
let nvda: LoadedCsv;
let btc: BarColumns;
let spyS: FeatureSeries;
let nvdaS: FeatureSeries;
let btcS: FeatureSeries;
beforeAll(() => {
  spy = loadSpy();
  nvda = loadNvda();
  btc = loadBtc1m();
  spyS = computeFeatureSeries(spy.bars);
  nvdaS = computeFeatureSeries(nvda.bars);
  btcS = computeFeatureSeries(btc);
});
const at = (data: LoadedCsv, date: string) => {
  const i = data.dates.indexOf(date);
  if (i < 0) throw new Error(`no bar on ${date}`);
  return i;
};

describe('computeFeatureSeries on real data', () => {
  it('loads the three real series as valid bars', () => {
    expect(spy.bars.ts.length).toBe(6765);
    expect(nvda.bars.ts.length).toBe(4012);
    expect(btc.ts.length).toBe(13681);
    for (const b of [spy.bars, nvda.bars, btc]) expect(() => assertValidBars(b)).not.toThrow();
  });

  it('logReturn1 on SPY 2008-10-13 is ln(80.844818 / 70.594643), the two closes in the CSV', () => {
    const t = at(spy, '2008-10-13');
    expect(spy.dates[t - 1]).toBe('2008-10-10');
    expect(spy.bars.close[t - 1]).toBe(70.594643);
    expect(spy.bars.close[t]).toBe(80.844818);
    expect(spyS.logReturn1[t]).toBeCloseTo(Math.log(80.844818 / 70.594643), 14);
    expect(spyS.logReturn1[t]).toBeCloseTo(0.135577, 5); // the +14.5% day
  });

  it('logReturn5/20 and realizedVol20 match the plain formulas', () => {
    const c = nvda.bars.close;
    for (const t of [20, 21, 100, 1234, 4011]) {
      expect(nvdaS.logReturn5[t]).toBeCloseTo(Math.log(c[t]! / c[t - 5]!), 13);
      expect(nvdaS.logReturn20[t]).toBeCloseTo(Math.log(c[t]! / c[t - 20]!), 13);
      const r = Array.from({ length: 20 }, (_, j) => Math.log(c[t - 19 + j]! / c[t - 20 + j]!));
      expect(close(nvdaS.realizedVol20[t]!, sampleStd(r), 1e-12)).toBe(true);
    }
  });

  it('drawdown is 0 at all-time highs and negative throughout 2008–2009 on SPY', () => {
    expect(spyS.drawdown[at(spy, '2007-10-09')]).toBe(0); // pre-crisis high
    let peak = 0;
    for (const c of spy.bars.close) peak = Math.max(peak, c);
    const iMax = spy.bars.close.indexOf(peak);
    expect(spy.dates[iMax]).toBe('2019-11-27');
    expect(spyS.drawdown[iMax]).toBe(0);
    let worst = 0;
    for (let t = 0; t < spy.dates.length; t++) {
      expect(spyS.drawdown[t]).toBeLessThanOrEqual(0);
      if (spy.dates[t]! >= '2008-01-01' && spy.dates[t]! <= '2009-12-31') {
        expect(spyS.drawdown[t]).toBeLessThan(0);
        worst = Math.min(worst, spyS.drawdown[t]!);
      }
    }
    expect(worst).toBeGreaterThan(-0.6); // SPY's 2009 trough: about −55 %
    expect(worst).toBeLessThan(-0.5);
  });

  it('RSI stays within [0, 100] on every series', () => {
    for (const s of [spyS, nvdaS, btcS]) {
      for (const v of s.rsi14) if (!Number.isNaN(v)) expect(v >= 0 && v <= 100).toBe(true);
    }
  });

  it('RSI (trading-signals) equals an independent Wilder RSI(14), from the first value on', () => {
    for (const [s, b] of [
      [spyS, spy.bars],
      [nvdaS, nvda.bars],
      [btcS, btc],
    ] as const) {
      const ref = referenceWilderRsi(b.close);
      expect(firstFinite(s.rsi14)).toBe(14);
      expect(mismatches(s.rsi14, ref, 0)).toEqual([]);
    }
  });

  it('MACD histogram equals an EMA-based reference (first-value seeding, as trading-signals does)', () => {
    for (const [s, b] of [
      [spyS, spy.bars],
      [nvdaS, nvda.bars],
      [btcS, btc],
    ] as const) {
      expect(firstFinite(s.macdHist)).toBe(33);
      expect(mismatches(s.macdHist, referenceMacdHist(b.close, 'first'), 0)).toEqual([]);
    }
  });

  it('MACD histogram converges to the TA-Lib convention (SMA-seeded EMAs) after warm-up', () => {
    const talib = referenceMacdHist(spy.bars.close, 'sma');
    // Early on the seeding convention matters …
    expect(close(spyS.macdHist[40]!, talib[40]!)).toBe(false);
    // … after ~600 bars (0.926^600 ≈ 1e-20) it no longer does.
    expect(mismatches(spyS.macdHist, talib, 600)).toEqual([]);
  });

  it('Bollinger %b uses SMA20 ± 2·POPULATION std (not the sample std)', () => {
    for (const [s, b] of [
      [spyS, spy.bars],
      [nvdaS, nvda.bars],
    ] as const) {
      expect(firstFinite(s.bollingerPctB)).toBe(19);
      expect(mismatches(s.bollingerPctB, referencePctB(b.close, 0), 0, 1e-8)).toEqual([]);
      expect(mismatches(s.bollingerPctB, referencePctB(b.close, 1), 19, 1e-8).length).toBeGreaterThan(0);
    }
  });

  it('volumeZ20 is NaN everywhere for SPY (no volume) and finite from bar 19 for NVDA', () => {
    expect(spy.bars.volume).toBeNull();
    expect(spyS.volumeZ20.every((v) => Number.isNaN(v))).toBe(true);
    expect(firstFinite(nvdaS.volumeZ20)).toBe(19);
    expect(nvdaS.volumeZ20.subarray(19).every((v) => Number.isFinite(v))).toBe(true);
    const v = nvda.bars.volume!;
    const t = 2000;
    const w = Array.from(v.subarray(t - 19, t + 1));
    const mean = w.reduce((a, x) => a + x, 0) / 20;
    expect(nvdaS.volumeZ20[t]).toBeCloseTo((v[t]! - mean) / sampleStd(w), 12);
  });

  it('each feature starts at its documented warm-up index', () => {
    for (const name of featureNames) {
      const expected = name === 'volumeZ20' ? -1 : FEATURE_WARMUP[name];
      expect(firstFinite(spyS[name]), name).toBe(expected);
      expect(firstFinite(nvdaS[name]), name).toBe(FEATURE_WARMUP[name]);
    }
  });

  it('does not modify its input', () => {
    const before = Float64Array.from(nvda.bars.close);
    computeFeatureSeries(nvda.bars);
    expect(nvda.bars.close).toEqual(before);
  });
});

// --- Synthetic edge cases -------------------------------------------------------------

function bars(closes: number[], volume: number[] | null = null): BarColumns {
  const c = Float64Array.from(closes);
  return {
    ts: Float64Array.from(closes, (_, i) => 1_700_000_000_000 + i * 60_000),
    open: c,
    high: c,
    low: c,
    close: c,
    volume: volume ? Float64Array.from(volume) : null,
  };
}

describe('computeFeatureSeries edge cases', () => {
  it('Bollinger %b is exactly 0.5 when the close equals the middle band', () => {
    // closes 1..19, then 10: the SMA20 is (190 + 10)/20 = 10 = the last close.
    const s = computeFeatureSeries(bars([...Array.from({ length: 19 }, (_, i) => i + 1), 10]));
    expect(s.bollingerPctB[19]).toBe(0.5);
  });

  it('flat windows give NaN %b and NaN volume z-score, and RSI 100 (library convention)', () => {
    const s = computeFeatureSeries(bars(Array(30).fill(0.00161), Array(30).fill(5)));
    expect(Number.isNaN(s.bollingerPctB[25]!)).toBe(true);
    expect(Number.isNaN(s.volumeZ20[25]!)).toBe(true);
    expect(s.rsi14[25]).toBe(100);
    expect(s.realizedVol20[25]).toBe(0);
    expect(s.drawdown[25]).toBe(0);
  });

  it('a missing volume cell makes volumeZ20 NaN for the 20 windows that contain it', () => {
    const n = 60;
    const vol = Array.from({ length: n }, (_, i) => 100 + ((i * 37) % 11));
    vol[30] = NaN;
    const s = computeFeatureSeries(
      bars(
        Array.from({ length: n }, (_, i) => 50 + Math.sin(i)),
        vol,
      ),
    );
    for (let t = 19; t < n; t++) {
      expect(Number.isNaN(s.volumeZ20[t]!), `t=${t}`).toBe(t >= 30 && t <= 49);
    }
  });

  it('handles empty and one-bar histories', () => {
    const empty = computeFeatureSeries(bars([]));
    for (const name of featureNames) expect(empty[name]).toHaveLength(0);
    const one = computeFeatureSeries(bars([5]));
    expect(one.drawdown[0]).toBe(0);
    expect(Number.isNaN(one.logReturn1[0]!)).toBe(true);
  });

  it('rejects invalid bars', () => {
    const b = bars([1, 2, 3]);
    expect(() => computeFeatureSeries({ ...b, ts: Float64Array.from([0, 2, 1]) })).toThrow(
      /strictly increasing/,
    );
    expect(() => computeFeatureSeries({ ...b, close: Float64Array.from([1, NaN, 3]) })).toThrow(/close\[1\]/);
    expect(() => computeFeatureSeries({ ...b, close: Float64Array.from([1, 2]) })).toThrow(/lengths/);
  });

  it('sliceBars returns views without copying', () => {
    const b = bars([1, 2, 3, 4]);
    const s = sliceBars(b, 2);
    expect(s.close.length).toBe(2);
    expect(s.close.buffer).toBe(b.close.buffer);
    expect(sliceBars(b, 4)).toBe(b);
    expect(() => sliceBars(b, 5)).toThrow(RangeError);
  });
});
