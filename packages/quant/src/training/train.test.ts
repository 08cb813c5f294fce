import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT, REGIME_COUNT } from './dataset';
import { metaControllerForward } from './meta-controller';
import { specialistForward } from './specialists';
import { SPY_SPLITS, spyBars, stockBars, TEST_CONFIG } from './testing/real-data';
import { backtestHeldOut, trainModelSet, type TrainingEpochEvent } from './train';

const spy = spyBars();
const input = { market: spy, symbols: [spy] };

describe('trainModelSet on SPY (train 1994–2005, validation 2006–2011, test 2012–2018)', () => {
  const first = trainModelSet(input, TEST_CONFIG);

  it('gives bit-identical params and metrics for the same config and seed', () => {
    const again = trainModelSet(input, TEST_CONFIG);
    expect(again).toStrictEqual(first);
  });

  it('reports each stage and every epoch of every model to an observer, which changes nothing', () => {
    const stages: string[] = [];
    const epochs: TrainingEpochEvent[] = [];
    const observed = trainModelSet(input, TEST_CONFIG, {
      onStage: (s) => stages.push(s),
      onEpoch: (e) => epochs.push(e),
    });
    expect(observed).toStrictEqual(first);
    expect(stages).toEqual(['regime', 'specialists', 'meta-controller', 'backtest']);
    const byModel = (model: string) => epochs.filter((e) => e.model === model);
    for (const [k, s] of first.specialists.entries()) {
      const seen = byModel(s.name);
      expect(
        seen.map(({ epoch, trainLoss, validationLoss }) => ({ epoch, trainLoss, validationLoss })),
      ).toEqual(s.history);
      expect(seen[0]).toMatchObject({ stage: 'specialists', index: k, count: 3 });
    }
    expect(byModel('meta-controller')).toHaveLength(first.metaController.history.length);
    expect(epochs.at(-1)).toMatchObject({
      stage: 'meta-controller',
      epoch: first.metaController.stoppedEpoch,
    });
  });

  it('gives different params for a different seed', () => {
    const other = trainModelSet(input, { ...TEST_CONFIG, seed: 43 });
    expect(other.specialists[0]!.params.weights).not.toEqual(first.specialists[0]!.params.weights);
    expect(other.metaController.params.featureWeights).not.toEqual(
      first.metaController.params.featureWeights,
    );
  });

  it('reports per-stage metrics and finite test-window figures for every strategy', () => {
    for (const s of first.specialists) {
      expect(s.history[s.bestEpoch]!.validationLoss).toBe(s.validationLoss);
      expect(Number.isFinite(s.validationLoss)).toBe(true);
    }
    expect(Object.keys(first.metrics.test).sort()).toEqual(
      ['blend', 'buy-and-hold', 'defensive', 'mean-reversion', 'momentum'].sort(),
    );
    for (const f of Object.values(first.metrics.test)) {
      for (const v of Object.values(f)) expect(Number.isFinite(v)).toBe(true);
    }
    // SPY 2012 – April 2018 buy-and-hold: more than doubled (a check of the window and accounting).
    expect(first.metrics.test['buy-and-hold'].totalReturn).toBeGreaterThan(1);
    expect(first.metrics.samples.test).toBe(first.heldOut.size);
  });

  it('meta-controller weights are on the simplex over the whole held-out batch', () => {
    const { heldOut } = first;
    for (let i = 0; i < heldOut.size; i++) {
      const w = metaControllerForward(
        first.metaController.params,
        heldOut.regime,
        heldOut.features,
        i * REGIME_COUNT,
        i * FEATURE_COUNT,
      );
      expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(Math.min(...w)).toBeGreaterThan(0);
    }
  });

  it('backtests any positions on the held-out batch exactly as it backtests its own strategies', () => {
    const { heldOut, metaController, specialists } = first;
    const blend = new Float64Array(heldOut.size);
    for (let i = 0; i < heldOut.size; i++) {
      const w = metaControllerForward(
        metaController.params,
        heldOut.regime,
        heldOut.features,
        i * REGIME_COUNT,
        i * FEATURE_COUNT,
      );
      specialists.forEach((s, k) => {
        blend[i] = blend[i]! + w[k]! * specialistForward(s.params, heldOut.features, i * FEATURE_COUNT);
      });
    }
    expect(backtestHeldOut(heldOut, blend, TEST_CONFIG.costBps)).toStrictEqual(first.metrics.test.blend);
    // Flat positions: no trade, no cost, no return.
    const flat = backtestHeldOut(heldOut, new Float64Array(heldOut.size), TEST_CONFIG.costBps);
    expect(flat).toMatchObject({ totalReturn: 0, annualTurnover: 0 });
    expect(() => backtestHeldOut(heldOut, new Float64Array(3), 5)).toThrow(/3 positions/);
    // Every sample sits on a bar of the window and a known symbol.
    expect(Math.max(...heldOut.bar)).toBeLessThan(heldOut.returns[0]!.length);
    expect(new Set(heldOut.symbol)).toEqual(new Set([0]));
  });

  it('trains on several stocks with SPY as the market regime', () => {
    const set = trainModelSet({ market: spy, symbols: stockBars(['AAPL', 'XOM', 'JPM']) }, TEST_CONFIG);
    expect(set.metrics.samples.train).toBeGreaterThan(3 * first.metrics.samples.train * 0.9);
    expect(set.specialists.map((s) => s.name)).toEqual(['momentum', 'mean-reversion', 'defensive']);
    expect(SPY_SPLITS.test.from).toBe('2012-01-01');
  });
});
