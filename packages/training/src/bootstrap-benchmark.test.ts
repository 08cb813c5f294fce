import { featureNames } from '@tradeplane/contracts';
import { bootstrapModelSet, bootstrapModelSetInput, ModelSet } from '@tradeplane/models';
import { backtestHeldOut, type HeldOutBatch } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { bootstrapTestFigures } from './bootstrap-benchmark';

/** Deterministic uniform numbers in [0, 1) (a small LCG: the test needs variety, not quality). */
function uniform(seed: number) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

/** Two symbols over 120 bars, feature rows in the ranges the bootstrap rules react to. */
function batch(): HeldOutBatch {
  const next = uniform(7);
  const between = (lo: number, hi: number) => lo + (hi - lo) * next();
  const range: Record<(typeof featureNames)[number], [number, number]> = {
    logReturn1: [-0.03, 0.03],
    logReturn5: [-0.06, 0.06],
    logReturn20: [-0.15, 0.15],
    realizedVol20: [0, 0.05],
    rsi14: [15, 85],
    macdHist: [-3, 3],
    bollingerPctB: [-0.3, 1.3],
    volumeZ20: [-2, 3],
    drawdown: [-0.5, 0],
  };
  const bars = 120;
  const size = 2 * bars;
  const features = new Float64Array(size * featureNames.length);
  const regime = new Float64Array(size * 3);
  for (let i = 0; i < size; i++) {
    featureNames.forEach((name, f) => (features[i * featureNames.length + f] = between(...range[name])));
    const [a, b] = [next(), next()];
    regime.set([a * b, (1 - a) * b, 1 - b], i * 3);
  }
  return {
    size,
    features,
    regime,
    bar: Int32Array.from({ length: size }, (_, i) => i >> 1),
    symbol: Int32Array.from({ length: size }, (_, i) => i & 1),
    returns: [0, 1].map(() => Float64Array.from({ length: bars }, () => between(-0.02, 0.021))),
  };
}

describe('bootstrapTestFigures', () => {
  it('trades the bootstrap set as the engine decides it, row by row', () => {
    const heldOut = batch();
    const served = ModelSet.create(bootstrapModelSetInput(bootstrapModelSet()), {
      executionProviders: ['cpu'],
    });
    const F = featureNames.length;
    const positions = Float64Array.from({ length: heldOut.size }, (_, i) => {
      const row = Float32Array.from(heldOut.features.subarray(i * F, (i + 1) * F));
      const regime = Float32Array.from(heldOut.regime.subarray(i * 3, i * 3 + 3));
      return served.decide(row, regime).blend;
    });
    served.dispose();

    const result = bootstrapTestFigures(heldOut, 5);
    const expected = backtestHeldOut(heldOut, positions, 5);
    for (const [k, v] of Object.entries(expected))
      expect(result.figures[k as keyof typeof expected]).toBeCloseTo(v, 9);
    expect(result.figures.annualTurnover).toBeGreaterThan(0);
    // The bootstrap meta-controller is the equal-weight softmax: 1/3 each, never repaired.
    for (const w of result.meanWeights) expect(w).toBeCloseTo(1 / 3, 6);
    expect(result.weightsFixed).toBe(0);
  });

  it('charges the costs it is given', () => {
    const heldOut = batch();
    const free = bootstrapTestFigures(heldOut, 0).figures;
    const costly = bootstrapTestFigures(heldOut, 50).figures;
    expect(costly.annualTurnover).toBeCloseTo(free.annualTurnover, 9);
    expect(costly.totalReturn).toBeLessThan(free.totalReturn);
  });
});
