import { mulberry32 } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import {
  equalWeightMetaParams,
  metaControllerGraph,
  metaControllerWeights,
  type MetaControllerParams,
} from './meta-controller';
import { createModelSession, floatTensor } from '../onnx/model-session';
import { encodeOnnxModel } from '../onnx/onnx-model';
import { FEATURE_COUNT, REGIME_COUNT } from './signatures';
import { spyFeatures } from '../testing/spy-features';

const spy = spyFeatures();
const N = spy.dates.length;
const names = ['momentum', 'mean-reversion', 'defensive'];

/** Regime probabilities for N rows: random points of the simplex (seeded). */
function regimeRows(seed: number): Float32Array {
  const random = mulberry32(seed);
  const rows = new Float32Array(N * REGIME_COUNT);
  for (let i = 0; i < N; i++) {
    const raw = [random(), random(), random()];
    const sum = raw[0]! + raw[1]! + raw[2]!;
    raw.forEach((v, k) => (rows[i * REGIME_COUNT + k] = v / sum));
  }
  return rows;
}

function runMeta(params: MetaControllerParams, regime: Float32Array): Float32Array {
  const session = createModelSession(encodeOnnxModel({ graph: metaControllerGraph(params) }), {
    executionProviders: ['cpu'],
  });
  const out = session.run(
    {
      regime: floatTensor(regime, [N, REGIME_COUNT]),
      features: floatTensor(spy.rows, [N, FEATURE_COUNT]),
    },
    ['weights'],
  ).weights!;
  session.dispose();
  return out;
}

describe('meta-controller graph', () => {
  it('equal-weight parameters give exactly 1/3 (float32) to each specialist on every SPY row', () => {
    const weights = runMeta(equalWeightMetaParams(names), regimeRows(1));
    expect(weights.length).toBe(N * 3);
    expect(new Set(weights)).toEqual(new Set([Math.fround(1 / 3)]));
  });

  it('matches the TypeScript softmax within 1e-6 with non-zero parameters', () => {
    const random = mulberry32(42);
    const matrix = (rows: number, scale: number) =>
      Array.from({ length: rows }, () => names.map(() => (random() - 0.5) * scale));
    const params: MetaControllerParams = {
      specialists: names,
      regimeWeights: matrix(REGIME_COUNT, 4),
      // Features differ in scale (RSI ~50, returns ~0.01): keep logits in a sensible range.
      featureWeights: matrix(FEATURE_COUNT, 0.05),
      bias: names.map(() => random() - 0.5),
    };
    const regime = regimeRows(2);
    const weights = runMeta(params, regime);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      const want = metaControllerWeights(
        params,
        regime.subarray(i * REGIME_COUNT, (i + 1) * REGIME_COUNT),
        spy.row(i),
      );
      want.forEach((w, j) => (worst = Math.max(worst, Math.abs(w - weights[i * 3 + j]!))));
      const sum = weights[i * 3]! + weights[i * 3 + 1]! + weights[i * 3 + 2]!;
      expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('rejects parameters of the wrong shape, naming the matrix', () => {
    const p = equalWeightMetaParams(names);
    expect(() => metaControllerGraph({ ...p, bias: [0, 0] })).toThrow('bias must have 3 values');
    expect(() => metaControllerGraph({ ...p, regimeWeights: p.regimeWeights.slice(1) })).toThrow(
      'regimeWeights must be 3×3',
    );
    expect(() => metaControllerGraph({ ...p, featureWeights: [[0]] })).toThrow('featureWeights must be 9×3');
    expect(() => metaControllerGraph(equalWeightMetaParams([]))).toThrow('no specialists');
  });
});
