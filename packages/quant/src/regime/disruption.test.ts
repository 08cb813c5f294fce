import { describe, expect, it } from 'vitest';
import { detectRegimes } from './detect';
import { regimeDisruption } from './disruption';
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
