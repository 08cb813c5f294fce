import { describe, expect, it } from 'vitest';
import { detectRegimes } from './detect';
import { DEFAULT_REGIME_ALLOCATION, portfolioDisruption, regimeDisruption } from './disruption';
import { labelStates, mostLikelyRegime, REGIME_LABELS, type RegimeProbabilities } from './labels';
import { DEFAULT_SMOOTHING_HALF_LIFE } from './smoothing';
import { createRegimeStream } from './stream';
import { spyRegimeFixture } from './testing/spy-fit';

describe('regimeDisruption', () => {
  it('measures mean one-way turnover on the bars where the most likely regime changes', () => {
    const probs = [
      { bull: 1, bear: 0, sideways: 0 }, // hard 1.0, blend 1.0
      { bull: 0.6, bear: 0, sideways: 0.4 }, // hard 1.0, blend 0.84 (no transition)
      { bull: 0.3, bear: 0, sideways: 0.7 }, // → sideways: hard 0.6, blend 0.72
      { bull: 0, bear: 0.9, sideways: 0.1 }, // → bear: hard 0.2, blend 0.24
    ];
    const d = regimeDisruption(probs);
    expect(d.transitions).toBe(2);
    expect(d.hardSwitch).toBeCloseTo((0.4 + 0.4) / 2, 14);
    expect(d.blended).toBeCloseTo((0.12 + 0.48) / 2, 14);
    expect(d.hardSwitchAllBars).toBeCloseTo(0.8 / 3, 14);
    expect(d.blendedAllBars).toBeCloseTo((0.16 + 0.12 + 0.48) / 3, 14);
    expect(regimeDisruption(probs.slice(0, 2))).toMatchObject({ transitions: 0, hardSwitch: 0, blended: 0 });
    expect(regimeDisruption([], { bull: 1, bear: 0, sideways: 0.5 }).transitions).toBe(0);
  });

  it('on SPY history: ≥ 100 transitions and blending trades less than hard switching', () => {
    const { closes, dates, fit } = spyRegimeFixture();
    // detectRegimes with the fixture's options reproduces the fixture's fit exactly.
    const detection = detectRegimes(closes, { dates, seed: 42 });
    expect(detection.fit).toEqual(fit);
    const d = regimeDisruption(detection.probabilities);
    console.log(
      `SPY regime disruption: ${d.transitions} transitions; mean one-way turnover on transition bars: ` +
        `hard switch ${(100 * d.hardSwitch).toFixed(2)} %, blended ${(100 * d.blended).toFixed(2)} % ` +
        `(all bars: hard ${(100 * d.hardSwitchAllBars).toFixed(2)} %, blended ${(100 * d.blendedAllBars).toFixed(2)} %); ` +
        `EMA-smoothed blend (half-life ${d.smoothingHalfLife}): ${(100 * d.blendedSmoothed).toFixed(2)} %`,
    );
    expect(d.transitions).toBeGreaterThanOrEqual(100);
    expect(d.blended).toBeLessThan(d.hardSwitch);
    expect(d.blendedSmoothed).toBeLessThan(d.blended);
  });

  it('smooths causally: a single regime step is absorbed half after one half-life', () => {
    const step = [
      { bull: 1, bear: 0, sideways: 0 },
      { bull: 0, bear: 1, sideways: 0 },
    ];
    const d = regimeDisruption(step, { bull: 1, sideways: 0.6, bear: 0 }, { smoothingHalfLife: 1 });
    expect(d.blended).toBeCloseTo(1, 14);
    expect(d.blendedSmoothed).toBeCloseTo(0.5, 14);
  });
});

describe('portfolioDisruption', () => {
  it('is ½ Σ|Δw| + ½|Δcash| per bar, split into transition and other bars', () => {
    const path: Record<string, number>[] = [
      { A: 0.5, B: 0.5 }, // fully invested
      { A: 0.2, B: 0.5 }, // sold 0.3 of A into cash: ½(0.3) + ½(0.3) = 0.3
      { B: 0.7 }, //         A 0.2 → 0, B +0.2: ½(0.4) + ½(0) = 0.2
      { B: 0.7, C: -0.1 }, // a short of 0.1, cash +0.1: ½(0.1) + ½(0.1) = 0.1
    ];
    const d = portfolioDisruption(path, [true, false, true, false]);
    expect(d.bars).toBe(4);
    expect(d.transitions).toBe(1); // transitions[0] has no predecessor: ignored
    expect(d.transitionTurnover).toBeCloseTo(0.2, 14);
    expect(d.otherTurnover).toBeCloseTo((0.3 + 0.1) / 2, 14);
    expect(d.allTurnover).toBeCloseTo(0.6 / 3, 14);
    expect(portfolioDisruption([], [])).toEqual({
      bars: 0,
      transitions: 0,
      transitionTurnover: 0,
      otherTurnover: 0,
      allTurnover: 0,
    });
  });

  it('for one risky asset it is |Δw|, the regimeDisruption measure', () => {
    const probs = [
      { bull: 1, bear: 0, sideways: 0 },
      { bull: 0.6, bear: 0, sideways: 0.4 },
      { bull: 0.3, bear: 0, sideways: 0.7 },
      { bull: 0, bear: 0.9, sideways: 0.1 },
    ];
    const a = DEFAULT_REGIME_ALLOCATION;
    const path = probs.map((p) => ({ SPY: p.bull * a.bull + p.bear * a.bear + p.sideways * a.sideways }));
    const flags = probs.map((p, t) => t > 0 && mostLikelyRegime(p) !== mostLikelyRegime(probs[t - 1]!));
    const d = portfolioDisruption(path, flags);
    const r = regimeDisruption(probs);
    expect(d.transitions).toBe(r.transitions);
    expect(d.transitionTurnover).toBeCloseTo(r.blended, 14);
    expect(d.allTurnover).toBeCloseTo(r.blendedAllBars, 14);
  });

  it('rejects a path and flags of different lengths and non-finite weights, naming them', () => {
    expect(() => portfolioDisruption([{ A: 1 }], [])).toThrow(/0 entries for 1 bars/);
    expect(() => portfolioDisruption([{ A: 1 }, { A: Number.NaN }], [false, true])).toThrow(/path\[1\]\.A/);
  });
});

describe('disruption of the served (smoothed) regime on SPY, through the stored-model path', () => {
  it('stays under 3 % on transition days, against the hard switch and the raw blend', () => {
    const { closes, fit } = spyRegimeFixture();
    // What the fit job stores and the engine's regime table runs: params, labels, volWindow, half-life.
    const labels = labelStates(fit.params);
    const stream = createRegimeStream(fit.params, labels, {
      volWindow: 20,
      halfLife: DEFAULT_SMOOTHING_HALF_LIFE,
    });
    const steps = Array.from(closes, (c) => stream.push(c)).filter((s) => s !== null);
    const a = DEFAULT_REGIME_ALLOCATION;
    const weight = (p: RegimeProbabilities) => ({
      SPY: REGIME_LABELS.reduce((s, l) => s + p[l] * a[l], 0),
    });
    const likeliest = steps.map((s) => mostLikelyRegime(s.filtered));
    const flags = likeliest.map((l, t) => t > 0 && l !== likeliest[t - 1]);
    const served = portfolioDisruption(
      steps.map((s) => weight(s.smoothed)),
      flags,
    );
    const raw = portfolioDisruption(
      steps.map((s) => weight(s.filtered)),
      flags,
    );
    const hard = portfolioDisruption(
      likeliest.map((l) => ({ SPY: a[l] })),
      flags,
    );
    console.log(
      `SPY served-regime disruption (${served.transitions} transitions, half-life ${DEFAULT_SMOOTHING_HALF_LIFE}): ` +
        `smoothed ${(100 * served.transitionTurnover).toFixed(2)} % vs raw blend ${(100 * raw.transitionTurnover).toFixed(2)} % ` +
        `vs hard switch ${(100 * hard.transitionTurnover).toFixed(2)} % (other days: smoothed ${(100 * served.otherTurnover).toFixed(2)} %)`,
    );
    expect(served.transitions).toBeGreaterThanOrEqual(100);
    expect(served.transitionTurnover).toBeLessThan(0.03);
    expect(served.transitionTurnover).toBeLessThan(raw.transitionTurnover);
    expect(raw.transitionTurnover).toBeLessThan(hard.transitionTurnover);
    // The same figure as the product-side measure (regimeDisruption) on the same probabilities.
    const measure = regimeDisruption(steps.map((s) => s.filtered));
    expect(served.transitionTurnover).toBeCloseTo(measure.blendedSmoothed, 12);
    expect(hard.transitionTurnover).toBeCloseTo(measure.hardSwitch, 12);
  });
});
