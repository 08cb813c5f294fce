/**
 * Parity of the trained models: params from quant's training core (trained here on real SPY
 * history), built into ONNX graphs, run by ONNX Runtime on the held-out test-window batch,
 * must equal the training code's float64 forward pass within 1e-5; the sessions' input and
 * output names and shapes must match the engine's contract (signatures.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_MODEL_SET_TRAINING,
  metaControllerForward,
  parseWidePrices,
  specialistForward,
  trainModelSet,
  type SymbolBars,
  type TrainedModelSet,
} from '@tradeplane/quant';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainedMetaControllerGraph, trainedSpecialistGraph } from '../graphs/from-trained';
import { createModelSession, floatTensor } from '../onnx/model-session';
import { encodeOnnxModel } from '../onnx/onnx-model';
import {
  FEATURE_COUNT,
  metaControllerSignature,
  REGIME_COUNT,
  signatureMismatches,
  specialistSignature,
} from '../graphs/signatures';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function spy(): SymbolBars {
  const file = [
    path.resolve(REPO_ROOT, '../shared/data/daily/spy_prices.csv'),
    path.resolve(REPO_ROOT, 'data/sample/spy_prices.csv'),
  ].find((c) => existsSync(c));
  if (!file) throw new Error('spy_prices.csv not found');
  const table = parseWidePrices(readFileSync(file, 'utf8'), { columns: ['SPY'] });
  const close = table.prices[0]!;
  const ts = Float64Array.from(table.dates, (d) => Date.parse(`${d}T00:00:00Z`));
  return {
    symbol: 'SPY',
    dates: table.dates,
    bars: { ts, open: close, high: close, low: close, close, volume: null },
  };
}

const TOLERANCE = 1e-5;
let trained: TrainedModelSet;
let features: Float32Array;
let regime: Float32Array;

beforeAll(() => {
  const market = spy();
  trained = trainModelSet(
    { market, symbols: [market] },
    {
      ...DEFAULT_MODEL_SET_TRAINING,
      regime: { ...DEFAULT_MODEL_SET_TRAINING.regime, restarts: 2, maxIter: 60 },
      splits: {
        train: { from: '1994-01-01', to: '2005-12-31' },
        validation: { from: '2006-01-01', to: '2011-12-31' },
        test: { from: '2012-01-01', to: '2018-12-31' },
      },
    },
  );
  // The engine feeds float32; the reference pass reads the same float32 values.
  features = Float32Array.from(trained.heldOut.features);
  regime = Float32Array.from(trained.heldOut.regime);
});

describe('trained models in ONNX Runtime', () => {
  it('specialists: ONNX output equals the training forward pass within 1e-5 on the held-out batch', () => {
    const n = trained.heldOut.size;
    expect(n).toBeGreaterThan(1000);
    for (const s of trained.specialists) {
      const session = createModelSession(
        encodeOnnxModel({ graph: trainedSpecialistGraph(s.name, s.params) }),
        {
          executionProviders: ['cpu'],
        },
      );
      expect(signatureMismatches(specialistSignature, session)).toEqual([]);
      const out = session.run({ features: floatTensor(features, [n, FEATURE_COUNT]) }, ['signal']).signal!;
      let worst = 0;
      for (let i = 0; i < n; i++)
        worst = Math.max(worst, Math.abs(out[i]! - specialistForward(s.params, features, i * FEATURE_COUNT)));
      expect(worst, s.name).toBeLessThan(TOLERANCE);
    }
  });

  it('meta-controller: ONNX weights equal the training forward pass within 1e-5, signature as the contract', () => {
    const n = trained.heldOut.size;
    const params = trained.metaController.params;
    const S = params.specialists.length;
    const session = createModelSession(encodeOnnxModel({ graph: trainedMetaControllerGraph(params) }), {
      executionProviders: ['cpu'],
    });
    expect(signatureMismatches(metaControllerSignature(S), session)).toEqual([]);
    const out = session.run(
      { regime: floatTensor(regime, [n, REGIME_COUNT]), features: floatTensor(features, [n, FEATURE_COUNT]) },
      ['weights'],
    ).weights!;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const w = metaControllerForward(params, regime, features, i * REGIME_COUNT, i * FEATURE_COUNT);
      for (let k = 0; k < S; k++) worst = Math.max(worst, Math.abs(out[i * S + k]! - w[k]!));
    }
    expect(worst).toBeLessThan(TOLERANCE);
  });
});
