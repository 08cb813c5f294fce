import { rolloutAnalysis } from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import {
  confidenceHalfWidth,
  EVIDENCE_CAP,
  mixtureEvidence,
  neweyWestVariance,
  pairedCurve,
  pairedTest,
} from './sequential-test';
import { blockBootstrap, spyDemeanedReturns } from './testing/real-diffs';

const DEFAULTS = rolloutAnalysis.parse({});
const spy = spyDemeanedReturns();

/** The first n at which the verdict is `verdict`, looking after every observation (null: never). */
function firstVerdictAt(diffs: Float64Array, verdict: string, params = DEFAULTS): number | null {
  for (let n = params.minSamples; n <= diffs.length; n++)
    if (pairedTest(diffs.subarray(0, n), params).verdict === verdict) return n;
  return null;
}

describe('neweyWestVariance', () => {
  it('matches a hand computation: x = 1, 2, 3, 4, lag 1', () => {
    // Deviations −1.5, −0.5, 0.5, 1.5: γ0 = 5/4, γ1 = (0.75 − 0.25 + 0.75)/4 = 0.3125,
    // ω = γ0 + 2·(1 − 1/2)·γ1 = 1.5625.
    const { variance, lag, mean } = neweyWestVariance([1, 2, 3, 4], 1);
    expect(mean).toBe(2.5);
    expect(lag).toBe(1);
    expect(variance).toBeCloseTo(1.5625, 14);
  });

  it('uses lag ⌊4 (n/100)^(2/9)⌋ by default, at most n − 1', () => {
    expect(neweyWestVariance(spy.demeaned.subarray(0, 100)).lag).toBe(4);
    expect(neweyWestVariance(spy.demeaned.subarray(0, 1000)).lag).toBe(6);
    expect(neweyWestVariance(spy.demeaned).lag).toBe(
      Math.floor(4 * Math.pow(spy.demeaned.length / 100, 2 / 9)),
    );
    expect(neweyWestVariance([1, 2]).lag).toBeLessThanOrEqual(1);
    expect(() => neweyWestVariance([])).toThrow(RangeError);
    expect(() => neweyWestVariance([1, NaN])).toThrow(/x\[1\]/);
  });

  it('is inflated by serial correlation: an AR(1) of real returns has HAC variance well above the naive one', () => {
    const phi = 0.6;
    const ar = new Float64Array(spy.demeaned.length);
    for (let t = 0; t < ar.length; t++) ar[t] = (t > 0 ? phi * ar[t - 1]! : 0) + spy.demeaned[t]!;
    const naive = neweyWestVariance(ar, 0).variance;
    const hac = neweyWestVariance(ar).variance;
    // The long-run variance of an AR(1) is (1 + φ)/(1 − φ) = 4 times its variance; Bartlett
    // weights at lag 10 recover most of it.
    expect(hac / naive).toBeGreaterThan(2.5);
    expect(hac / naive).toBeLessThan(4.5);
    // The returns themselves are close to uncorrelated: HAC ≈ naive.
    const raw = neweyWestVariance(spy.demeaned).variance / neweyWestVariance(spy.demeaned, 0).variance;
    expect(raw).toBeGreaterThan(0.7);
    expect(raw).toBeLessThan(1.3);
  });
});

describe('mixtureEvidence', () => {
  it('equals the half-normal mixture of Gaussian likelihood ratios (numerical integral)', () => {
    const [sum, n, variance, c] = [0.05, 200, 1e-4, 0.1];
    const sigma = Math.sqrt(variance);
    const tau = c * sigma;
    // Λ = ∫₀^∞ 2 φ(δ/τ)/τ · exp(δS/σ² − nδ²/(2σ²)) dδ by the midpoint rule out to 12 τ.
    const steps = 200_000;
    const h = (12 * tau) / steps;
    let integral = 0;
    for (let i = 0; i < steps; i++) {
      const delta = (i + 0.5) * h;
      const prior = (2 * Math.exp((-0.5 * delta * delta) / (tau * tau))) / (tau * Math.sqrt(2 * Math.PI));
      integral += prior * Math.exp((delta * sum) / variance - (n * delta * delta) / (2 * variance)) * h;
    }
    expect(mixtureEvidence(sum, n, variance, c, 'greater')).toBeCloseTo(integral, 5);
    expect(mixtureEvidence(-sum, n, variance, c, 'less')).toBeCloseTo(integral, 5);
  });

  it('is 1 with no data, and the noiseless limit at variance 0', () => {
    expect(mixtureEvidence(0, 0, 1, 0.1, 'greater')).toBe(1);
    expect(mixtureEvidence(0.1, 50, 0, 0.1, 'greater')).toBe(EVIDENCE_CAP);
    expect(mixtureEvidence(0.1, 50, 0, 0.1, 'less')).toBe(0);
    expect(mixtureEvidence(0, 50, 0, 0.1, 'less')).toBeCloseTo(1 / Math.sqrt(1 + 50 * 0.01), 12);
    expect(() => mixtureEvidence(0, 10, -1, 0.1, 'less')).toThrow(/variance/);
    expect(() => mixtureEvidence(0, 10, 1, 0, 'less')).toThrow(/mixtureSd/);
  });

  it('stays finite and capped at n = 1e6 (overflow safety)', () => {
    expect(mixtureEvidence(1e6, 1e6, 1e-300, 0.1, 'greater')).toBe(EVIDENCE_CAP);
    expect(mixtureEvidence(1e6, 1e6, 1e-300, 0.1, 'less')).toBeLessThan(1e-100);
    expect(mixtureEvidence(-1e300, 1e6, 1, 0.1, 'greater')).toBeLessThan(1e-100);
    const halfWidth = confidenceHalfWidth(1e6, 1e-4, 0.1, 0.05);
    expect(Number.isFinite(halfWidth) && halfWidth > 0).toBe(true);

    const tiled = new Float64Array(1_000_000);
    for (let i = 0; i < tiled.length; i++) tiled[i] = spy.demeaned[i % spy.demeaned.length]! - 0.1 * spy.sd;
    const result = pairedTest(tiled, DEFAULTS);
    expect(result.evidenceWorse).toBe(EVIDENCE_CAP);
    for (const x of [result.evidenceNotWorse, result.evidenceBetter, result.halfWidth!, result.sdDiff!])
      expect(Number.isFinite(x)).toBe(true);
    expect(result.verdict).toBe('worse');
    const curve = pairedCurve(
      tiled,
      Array.from({ length: tiled.length }, () => '2019-12-09'),
      DEFAULTS,
    );
    expect(curve.length).toBeLessThanOrEqual(200);
    expect(curve.at(-1)!.n).toBe(1_000_000);
    for (const p of curve) expect(Number.isFinite(p.lower) && Number.isFinite(p.upper)).toBe(true);
  });
});

describe('confidenceHalfWidth', () => {
  it('is where the two-sided normal mixture reaches 1/alpha', () => {
    const [n, variance, c, alpha] = [500, 2e-4, 0.1, 0.05];
    const S = n * confidenceHalfWidth(n, variance, c, alpha);
    const r = n * c * c;
    const twoSided = Math.exp(-0.5 * Math.log1p(r) + (c * c * S * S) / (2 * variance * (1 + r)));
    expect(twoSided).toBeCloseTo(1 / alpha, 9);
  });

  it('narrows as n grows, like √(log n / n)', () => {
    const widths = [100, 1000, 10_000].map((n) => confidenceHalfWidth(n, 1e-4, 0.1, 0.05));
    expect(widths[1]!).toBeLessThan(widths[0]!);
    expect(widths[2]!).toBeLessThan(widths[1]!);
  });
});

describe('pairedTest', () => {
  it('says insufficient before minSamples, with no band and neutral evidence', () => {
    const result = pairedTest(spy.demeaned.subarray(0, DEFAULTS.minSamples - 1), DEFAULTS);
    expect(result.verdict).toBe('insufficient');
    expect(result).toMatchObject({ evidenceWorse: 1, evidenceNotWorse: 1, halfWidth: null, mde: null });
    expect(result.meanDiff).not.toBeNull();
    expect(pairedTest([], DEFAULTS)).toMatchObject({
      n: 0,
      meanDiff: null,
      sdDiff: null,
      verdict: 'insufficient',
    });
  });

  it('controls type I error under optional stopping: zero-mean real returns are rarely ever called worse', () => {
    // 160 block-bootstrapped paths of 250 demeaned SPY returns, the verdict read after every
    // observation: by Ville's inequality the fraction ever 'worse' is ≤ alpha (asymptotically
    // with the plug-in variance). A one-sided z-test at the same level, read as often, is not.
    const paths = 160;
    let everWorse = 0;
    let everNaiveWorse = 0;
    for (let p = 0; p < paths; p++) {
      const path = blockBootstrap(spy.demeaned, 250, 20, 1000 + p);
      let worse = false;
      let naiveWorse = false;
      for (let n = DEFAULTS.minSamples; n <= path.length; n++) {
        const result = pairedTest(path.subarray(0, n), DEFAULTS);
        worse ||= result.verdict === 'worse';
        naiveWorse ||= result.meanDiff! / (result.sdDiff! / Math.sqrt(n)) < -1.6448536269514722;
      }
      if (worse) everWorse++;
      if (naiveWorse) everNaiveWorse++;
    }
    expect(everWorse / paths).toBeLessThanOrEqual(DEFAULTS.alpha + 0.03);
    expect(everNaiveWorse / paths).toBeGreaterThan(2 * DEFAULTS.alpha);
  });

  it('controls the not-worse error: a candidate exactly margin worse is rarely ever called not worse', () => {
    const margin = DEFAULTS.marginBps / 1e4;
    const paths = 80;
    let everNotWorse = 0;
    for (let p = 0; p < paths; p++) {
      const path = blockBootstrap(spy.demeaned, 250, 20, 5000 + p).map((d) => d - margin);
      if (firstVerdictAt(path, 'not_worse') !== null) everNotWorse++;
    }
    expect(everNotWorse / paths).toBeLessThanOrEqual(DEFAULTS.alpha + 0.04);
  });

  it.each([
    ['1993', 0],
    ['2007 (the crisis)', 3500],
    ['2012', 4800],
  ])(
    'has power: real returns from %s shifted by ∓0.25 σ are called worse / not worse within 1,500 decisions',
    (_, start) => {
      const segment = spy.demeaned.subarray(start as number, (start as number) + 1500);
      const worseAt = firstVerdictAt(
        segment.map((d) => d - 0.25 * spy.sd),
        'worse',
      );
      const notWorseAt = firstVerdictAt(
        segment.map((d) => d + 0.25 * spy.sd),
        'not_worse',
      );
      expect(worseAt).not.toBeNull();
      expect(notWorseAt).not.toBeNull();
      // and the shifted-down series is never called not worse first, nor the shifted-up worse.
      expect(
        firstVerdictAt(
          segment.map((d) => d + 0.25 * spy.sd),
          'worse',
        ),
      ).toBeNull();
    },
  );

  it('reads identical model sets (d ≡ 0) as not worse when the margin is positive, inconclusive without one', () => {
    const zeros = new Float64Array(100);
    expect(pairedTest(zeros, DEFAULTS)).toMatchObject({ verdict: 'not_worse', sdDiff: 0 });
    expect(pairedTest(zeros, { ...DEFAULTS, marginBps: 0 }).verdict).toBe('inconclusive');
    expect(
      pairedTest(
        zeros.map(() => -1e-3),
        DEFAULTS,
      ).verdict,
    ).toBe('worse');
  });

  it('reports the band and mde from the two-sided mixture, and rejects non-finite differences', () => {
    const diffs = spy.demeaned.subarray(0, 400);
    const result = pairedTest(diffs, DEFAULTS);
    const { variance, lag } = neweyWestVariance(diffs);
    expect(result.hacLag).toBe(lag);
    expect(result.sdDiff).toBeCloseTo(Math.sqrt(variance), 15);
    expect(result.halfWidth).toBeCloseTo(
      confidenceHalfWidth(400, variance, DEFAULTS.mixtureSd, DEFAULTS.alpha),
      15,
    );
    expect(result.mde).toBe(result.halfWidth);
    expect(result.threshold).toBe(20);
    expect(() => pairedTest([0, Infinity], DEFAULTS)).toThrow(/diffs\[1\]/);
  });
});

describe('pairedCurve', () => {
  it('is Σd with the band at each kept n from the variance at that n, downsampled, last point kept', () => {
    const diffs = spy.demeaned.subarray(0, 1000);
    const dates = spy.dates.slice(0, 1000);
    const curve = pairedCurve(diffs, dates, DEFAULTS, 50);
    expect(curve).toHaveLength(50);
    expect(curve[0]!.n).toBe(1);
    expect(curve.at(-1)).toMatchObject({ n: 1000, asOf: dates[999] });
    for (const point of curve.filter((p) => p.n >= 2)) {
      const prefix = diffs.subarray(0, point.n);
      let sum = 0;
      for (const d of prefix) sum += d;
      const band =
        point.n *
        confidenceHalfWidth(point.n, neweyWestVariance(prefix).variance, DEFAULTS.mixtureSd, DEFAULTS.alpha);
      expect(point.cumulative).toBeCloseTo(sum, 12);
      expect(point.upper - point.cumulative).toBeCloseTo(band, 10);
      expect(point.cumulative - point.lower).toBeCloseTo(band, 10);
      expect(point.asOf).toBe(dates[point.n - 1]);
    }
    expect(() => pairedCurve(diffs, dates.slice(1), DEFAULTS)).toThrow(/asOf/);
    expect(pairedCurve([], [], DEFAULTS)).toEqual([]);
  });
});
