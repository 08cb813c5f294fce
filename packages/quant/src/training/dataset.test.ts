import { describe, expect, it } from 'vitest';
import { sliceBars } from '../features/bars';
import { featureNames } from '../features/feature-names';
import { featureVectorAt } from '../features/vector';
import { buildDataset, FEATURE_COUNT, REGIME_COUNT } from './dataset';
import { SPY_SPLITS, spyBars, TEST_CONFIG } from './testing/real-data';
import { causalRegime } from './train';
import { forwardFilter } from '../regime/filter';
import { regimeProbabilities } from '../regime/labels';
import { regimeObservations } from '../regime/observations';
import { DEFAULT_SMOOTHING_HALF_LIFE, smoothRegimeProbabilities } from '../regime/smoothing';

const spy = spyBars();
const regime = causalRegime(spy, SPY_SPLITS.train.to, TEST_CONFIG.regime, TEST_CONFIG.seed);
const data = buildDataset({ calendar: spy.dates, regime: regime.probs, symbols: [spy], splits: SPY_SPLITS });

describe('buildDataset on SPY', () => {
  it('conditions on the regime as the engine serves it: the filter smoothed causally, half-life 10', () => {
    const { obs, firstIndex } = regimeObservations(spy.bars.close, TEST_CONFIG.regime.volWindow);
    const raw = regimeProbabilities(forwardFilter(obs, regime.params), regime.labels);
    const served = smoothRegimeProbabilities(raw, DEFAULT_SMOOTHING_HALF_LIFE);
    expect(TEST_CONFIG.regime.smoothingHalfLife).toBe(DEFAULT_SMOOTHING_HALF_LIFE);
    for (const i of [0, 500, raw.length - 1]) {
      const row = firstIndex + i;
      expect(regime.probs[row * REGIME_COUNT]).toBeCloseTo(served[i]!.bull, 12);
      expect(regime.probs[row * REGIME_COUNT + 1]).toBeCloseTo(served[i]!.bear, 12);
    }
    expect(regime.probs[(firstIndex + 500) * REGIME_COUNT]).not.toBeCloseTo(raw[500]!.bull, 6);
  });

  it('labels each sample with the NEXT bar return and keeps every label inside its split', () => {
    const close = spy.bars.close;
    for (const i of [0, 100, data.size - 1]) {
      const t = data.time[i]!;
      expect(data.target[i]).toBe(close[t + 1]! / close[t]! - 1);
    }
    for (const [name, range] of Object.entries(SPY_SPLITS) as [
      keyof typeof SPY_SPLITS,
      { from: string; to: string },
    ][]) {
      for (const i of data.splits[name]) {
        const t = data.time[i]!;
        expect(spy.dates[t]! >= range.from && spy.dates[t + 1]! <= range.to).toBe(true);
      }
    }
    const train = data.splits.train;
    expect(data.time[train[train.length - 1]!]!).toBeLessThan(data.time[data.splits.validation[0]!]!);
  });

  it('drops warm-up bars, writes null as 0 and masks it (SPY has no volume)', () => {
    const vol = featureNames.indexOf('volumeZ20');
    expect(data.size).toBeGreaterThan(6000);
    for (let i = 0; i < data.size; i++) {
      expect(data.mask[i * FEATURE_COUNT + vol]).toBe(0);
      expect(data.features[i * FEATURE_COUNT + vol]).toBe(0);
    }
    const rsi = featureNames.indexOf('rsi14');
    expect(data.mask[rsi]).toBe(1);
  });

  it('uses no bar after t: rows rebuilt from bars ≤ t + 1 (the label bar) are identical', () => {
    for (const i of [0, 1500, 3100, 5000, data.size - 2]) {
      const t = data.time[i]!;
      // Features from the history truncated at t, as the engine would compute them live.
      const live = featureVectorAt(spy.bars, t);
      featureNames.forEach((name, f) => expect(data.features[i * FEATURE_COUNT + f]).toBe(live[name] ?? 0));
      // The whole sample from a history that ends at the label bar.
      const cut = {
        symbol: 'SPY',
        dates: spy.dates.slice(0, t + 2),
        bars: sliceBars(spy.bars, t + 2),
      };
      const cutRegime = causalRegime(cut, SPY_SPLITS.train.to, TEST_CONFIG.regime, TEST_CONFIG.seed);
      if (spy.dates[t]! > SPY_SPLITS.train.to) {
        // The HMM is fitted on the train window only: past it, the cut history gives the same fit,
        // and the filtered probability at t must not move.
        for (let k = 0; k < REGIME_COUNT; k++)
          expect(cutRegime.probs[t * REGIME_COUNT + k]).toBe(data.regime[i * REGIME_COUNT + k]);
      }
    }
  });
});
