import { describe, expect, it } from 'vitest';
import { featureNames } from '../features/feature-names';
import { buildDataset, FEATURE_COUNT, featureScaling, gather, REGIME_COUNT, standardise } from './dataset';
import {
  DEFAULT_SPECIALIST_TRAINING,
  specialistForward,
  trainSpecialist,
  type SpecialistSplit,
  type SpecialistTrainingConfig,
} from './specialists';
import { SPY_SPLITS, spyBars, TEST_CONFIG } from './testing/real-data';
import { causalRegime } from './train';

const spy = spyBars();
const regime = causalRegime(spy, SPY_SPLITS.train.to, TEST_CONFIG.regime, TEST_CONFIG.seed);
const data = buildDataset({ calendar: spy.dates, regime: regime.probs, symbols: [spy], splits: SPY_SPLITS });
const scaling = featureScaling(data, data.splits.train);
let sq = 0;
for (const i of data.splits.train) sq += data.target[i]! ** 2;
const rho = Math.sqrt(sq / data.splits.train.length);
const split = (idx: Int32Array): SpecialistSplit => ({
  z: standardise(data, idx, scaling),
  target: gather(data.target, idx),
  returnScale: rho,
  regime: gather(data.regime, idx, REGIME_COUNT),
});
const train = split(data.splits.train);
const validation = split(data.splits.validation);
const config: SpecialistTrainingConfig = { ...DEFAULT_SPECIALIST_TRAINING };

/** The penalty-free validation loss recomputed from the exported (raw-feature) parameters. */
function exportedValidationLoss(params: { weights: number[]; bias: number }, regimeColumn: number): number {
  let loss = 0;
  let wSum = 0;
  for (const i of data.splits.validation) {
    const s = specialistForward(params, data.features, i * FEATURE_COUNT);
    const r = data.target[i]!;
    const w = data.regime[i * REGIME_COUNT + regimeColumn]!;
    loss -= w * (s * r - 0.5 * config.riskAversion * s * s * r * r);
    wSum += w;
  }
  return loss / (wSum * rho ** 2);
}

describe('trainSpecialist on SPY', () => {
  it('stops after `patience` epochs without improvement and restores the best epoch', () => {
    const trained = trainSpecialist('momentum', train, validation, scaling, config, 7);
    const losses = trained.history.map((h) => h.validationLoss);
    const best = losses.indexOf(Math.min(...losses));
    expect(trained.bestEpoch).toBe(best);
    expect(trained.bestEpoch).toBeGreaterThan(0);
    expect(trained.stoppedEpoch).toBe(trained.bestEpoch + config.patience);
    expect(trained.history.length).toBe(trained.stoppedEpoch + 1);
    // Training loss keeps falling after the best validation epoch: stopping mattered.
    expect(trained.history.at(-1)!.trainLoss).toBeLessThan(trained.history[best]!.trainLoss);
    // The returned (scaling-folded) parameters are the best epoch's.
    expect(exportedValidationLoss(trained.params, 0)).toBeCloseTo(trained.validationLoss, 10);
  });

  it('weights samples by its regime: the regime-weighted fit differs from the plain one', () => {
    const weighted = trainSpecialist('defensive', train, validation, scaling, config, 7);
    const plain = trainSpecialist(
      'defensive',
      train,
      validation,
      scaling,
      { ...config, regimeWeighting: false },
      7,
    );
    const diff = weighted.params.weights.map(
      (w, f) => Math.abs(w - plain.params.weights[f]!) * scaling.scale[f]!,
    );
    expect(Math.max(...diff)).toBeGreaterThan(0.01);
    // Each one is the better fit for its own objective on the validation window.
    expect(exportedValidationLoss(weighted.params, 1)).toBeLessThan(exportedValidationLoss(plain.params, 1));
  });

  it('keeps features outside `inputs` at exactly 0 and signals inside (−1, 1)', () => {
    const inputs = ['bollingerPctB', 'rsi14'] as const;
    const trained = trainSpecialist('mean-reversion', train, validation, scaling, { ...config, inputs }, 3);
    featureNames.forEach((name, f) =>
      (inputs as readonly string[]).includes(name)
        ? expect(trained.params.weights[f]).not.toBe(0)
        : expect(trained.params.weights[f]).toBe(0),
    );
    for (const i of data.splits.test) {
      const s = specialistForward(trained.params, data.features, i * FEATURE_COUNT);
      expect(Math.abs(s)).toBeLessThan(1);
    }
  });
});
