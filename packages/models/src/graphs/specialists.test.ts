import { featureNames } from '@tradeplane/contracts';
import { mulberry32 } from '@tradeplane/quant';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureIndex } from './feature-row';
import { createModelSession, floatTensor, type ModelSession } from '../onnx/model-session';
import { encodeOnnxModel } from '../onnx/onnx-model';
import { FEATURE_COUNT } from './signatures';
import {
  DEFAULT_SPECIALIST_PARAMS,
  specialistGraph,
  specialistNames,
  specialistSignal,
  type SpecialistName,
} from './specialists';
import { spyFeatures } from '../testing/spy-features';

const spy = spyFeatures();
const N = spy.dates.length;
const sessions = {} as Record<SpecialistName, ModelSession>;

/** One run over the whole batch [N, F] → [N]. */
function runBatch(name: SpecialistName, rows: Float32Array): Float32Array {
  const n = rows.length / FEATURE_COUNT;
  return sessions[name].run({ features: floatTensor(rows, [n, FEATURE_COUNT]) }, ['signal']).signal!;
}

beforeAll(() => {
  for (const name of specialistNames) {
    const bytes = encodeOnnxModel({ graph: specialistGraph(name, DEFAULT_SPECIALIST_PARAMS[name]) });
    sessions[name] = createModelSession(bytes, { executionProviders: ['cpu'] });
  }
});

describe.each(specialistNames)('%s specialist', (name) => {
  it(`matches the TypeScript forward pass within 1e-6 on every SPY bar (${N} rows)`, () => {
    const onnx = runBatch(name, spy.rows);
    expect(onnx.length).toBe(N);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      worst = Math.max(
        worst,
        Math.abs(onnx[i]! - specialistSignal(name, DEFAULT_SPECIALIST_PARAMS[name], spy.row(i))),
      );
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('stays within [-1, 1] on real rows and on extreme or zero inputs', () => {
    const random = mulberry32(7);
    const extreme = new Float32Array(2000 * FEATURE_COUNT).map(
      () => (random() - 0.5) * 10 ** (random() * 8 - 2),
    );
    for (const rows of [spy.rows, extreme, new Float32Array(FEATURE_COUNT)]) {
      const signals = Array.from(runBatch(name, rows));
      expect(signals.every(Number.isFinite)).toBe(true);
      expect(Math.max(...signals.map(Math.abs))).toBeLessThanOrEqual(1);
    }
  });
});

describe('bootstrap specialists on real SPY history', () => {
  const at = (date: string) => {
    const i = spy.dates.indexOf(date);
    if (i < 0) throw new Error(`no bar on ${date}`);
    return i;
  };
  const signal = (name: SpecialistName, date: string) => runBatch(name, spy.row(at(date)).slice())[0]!;

  it('momentum is long in a steady rally and short in the October 2008 crash', () => {
    expect(signal('momentum', '2018-01-26')).toBeGreaterThan(0.9);
    expect(signal('momentum', '2008-10-10')).toBeLessThan(-0.5);
  });

  it('mean reversion fades stretched moves: long when oversold, short when overbought', () => {
    const crash = spy.vectors[at('2008-10-10')]!;
    expect(crash.bollingerPctB).toBeLessThan(0);
    expect(signal('mean-reversion', '2008-10-10')).toBeGreaterThan(0.5);
    const overbought = spy.vectors.findIndex(
      (v) => v.bollingerPctB !== null && v.bollingerPctB > 1 && v.rsi14! > 75,
    );
    expect(overbought).toBeGreaterThan(0);
    expect(runBatch('mean-reversion', spy.row(overbought).slice())[0]).toBeLessThan(-0.5);
  });

  it('defensive is deeply short in the 2008 drawdown and never above its cap', () => {
    expect(signal('defensive', '2008-11-20')).toBeLessThan(-0.9);
    const all = runBatch('defensive', spy.rows);
    expect(Math.max(...all)).toBeCloseTo(DEFAULT_SPECIALIST_PARAMS.defensive.maxSignal, 6);
  });

  it('reads features by contract position (featureNames order)', () => {
    expect(featureIndex('realizedVol20')).toBe(featureNames.indexOf('realizedVol20'));
    expect(FEATURE_COUNT).toBe(9);
  });
});
