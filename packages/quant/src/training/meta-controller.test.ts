import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../features/lookahead';
import { FEATURE_COUNT, REGIME_COUNT, type FeatureScaling } from './dataset';
import {
  DEFAULT_META_TRAINING,
  metaControllerForward,
  trainMetaController,
  type BanditSplit,
} from './meta-controller';

const S = 3;
const identity: FeatureScaling = {
  mean: new Float64Array(FEATURE_COUNT),
  scale: new Float64Array(FEATURE_COUNT).fill(1),
};

/** Random contexts; `reward(k, regimeRow)` gives arm k's mean reward, plus N(0, 0.5²)-ish noise. */
function constructed(n: number, seed: number, reward: (k: number, p: Float64Array) => number): BanditSplit {
  const random = mulberry32(seed);
  const regime = new Float64Array(n * REGIME_COUNT);
  const z = new Float64Array(n * FEATURE_COUNT).map(() => 2 * random() - 1);
  const rewards = new Float64Array(n * S);
  for (let i = 0; i < n; i++) {
    const raw = [random(), random(), random()].map((u) => u ** 3);
    const sum = raw.reduce((a, b) => a + b, 0);
    const p = Float64Array.from(raw, (u) => u / sum);
    regime.set(p, i * REGIME_COUNT);
    for (let k = 0; k < S; k++) rewards[i * S + k] = reward(k, p) + (random() - 0.5);
  }
  return { regime, z, rewards };
}

const names = ['momentum', 'mean-reversion', 'defensive'];

describe('trainMetaController (full-information softmax policy gradient)', () => {
  it('puts most weight on the specialist that earns more, with weights on the simplex', () => {
    const better = (k: number) => [0.3, -0.1, 0][k]!;
    const trained = trainMetaController(
      names,
      constructed(800, 1, better),
      constructed(400, 2, better),
      identity,
      DEFAULT_META_TRAINING,
      5,
    );
    const held = constructed(200, 3, better);
    let mean0 = 0;
    for (let i = 0; i < 200; i++) {
      const w = metaControllerForward(
        trained.params,
        held.regime,
        held.z,
        i * REGIME_COUNT,
        i * FEATURE_COUNT,
      );
      expect(w.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(w[0]).toBe(Math.max(...w));
      mean0 += w[0]! / 200;
    }
    expect(mean0).toBeGreaterThan(0.6);
    expect(trained.validationReward).toBeGreaterThan(0.15);
  });

  it('learns the regime condition: the bull specialist in bull rows, the bear one in bear rows', () => {
    // Arm 0 earns in bull, arm 2 in bear, arm 1 nothing.
    const byRegime = (k: number, p: Float64Array) => (k === 0 ? p[0]! - p[1]! : k === 2 ? p[1]! - p[0]! : 0);
    const trained = trainMetaController(
      names,
      constructed(800, 11, byRegime),
      constructed(400, 12, byRegime),
      identity,
      DEFAULT_META_TRAINING,
      5,
    );
    const zeros = new Float64Array(FEATURE_COUNT);
    const bull = metaControllerForward(trained.params, [0.9, 0.05, 0.05], zeros);
    const bear = metaControllerForward(trained.params, [0.05, 0.9, 0.05], zeros);
    expect(bull[0]).toBeGreaterThan(0.5);
    expect(bear[2]).toBeGreaterThan(0.5);
  });

  it('params fold the feature scaling: raw-row forward equals the standardised-row policy', () => {
    const random = mulberry32(9);
    const scaling: FeatureScaling = {
      mean: new Float64Array(FEATURE_COUNT).map(() => random() * 10),
      scale: new Float64Array(FEATURE_COUNT).map(() => 0.1 + random()),
    };
    const equal = (k: number) => (k === 0 ? 0.2 : 0);
    const trainedStd = trainMetaController(
      names,
      constructed(300, 1, equal),
      constructed(100, 2, equal),
      identity,
      DEFAULT_META_TRAINING,
      5,
    );
    const trainedRaw = trainMetaController(
      names,
      constructed(300, 1, equal),
      constructed(100, 2, equal),
      scaling,
      DEFAULT_META_TRAINING,
      5,
    );
    const z = Float64Array.from({ length: FEATURE_COUNT }, () => random() - 0.5);
    const x = z.map((v, f) => v * scaling.scale[f]! + scaling.mean[f]!);
    const p = [0.2, 0.3, 0.5];
    const a = metaControllerForward(trainedStd.params, p, z);
    const b = metaControllerForward(trainedRaw.params, p, x);
    a.forEach((w, k) => expect(b[k]).toBeCloseTo(w, 10));
  });
});
