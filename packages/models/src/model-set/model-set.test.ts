import { afterAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_LABEL, bootstrapModelSet, bootstrapModelSetInput } from '../bootstrap/bootstrap';
import { cudaLibraryMissing, ModelError } from '../onnx/model-session';
import { ModelSet, type ModelArtifact } from './model-set';
import { encodeOnnxModel, type OnnxGraph } from '../onnx/onnx-model';
import { FEATURE_COUNT, REGIME_COUNT } from '../graphs/signatures';
import { DEFAULT_SPECIALIST_PARAMS, specialistNames, specialistSignal } from '../graphs/specialists';
import { spyFeatures } from '../testing/spy-features';

const cpu = { executionProviders: ['cpu'] as const };
const spy = spyFeatures();
const bootstrap = bootstrapModelSetInput();
const set = ModelSet.create(bootstrap, { executionProviders: ['cuda', 'cpu'] });
afterAll(() => set.dispose());

/** A meta-controller with the contract's signature whose output is `op(regime, shift)`, not a softmax. */
function rogueMeta(op: 'Sub' | 'Pow', shift: number[]): ModelArtifact {
  const graph: OnnxGraph = {
    name: 'rogue',
    inputs: [
      { name: 'regime', shape: ['N', REGIME_COUNT] },
      { name: 'features', shape: ['N', FEATURE_COUNT] },
    ],
    outputs: [{ name: 'weights', shape: ['N', 3] }],
    nodes: [{ opType: op, inputs: ['regime', 'shift'], outputs: ['weights'] }],
    initializers: [{ name: 'shift', dims: [3], data: shift }],
  };
  return { name: 'meta-controller', version: 99, label: 'test', bytes: encodeOnnxModel({ graph }) };
}

describe('ModelSet with the bootstrap models', () => {
  it('loads on cpu here and reports it, with the versions and labels of every model', () => {
    expect(set.provider).toBe('cpu');
    // Asked for cuda,cpu: CUDA is found missing once, the other models go straight to cpu.
    if (cudaLibraryMissing()) expect(set.fallbacks.map((f) => f.provider)).toEqual(['cuda']);
    expect(set.specialistNames).toEqual([...specialistNames]);
    expect(set.models.map((m) => [m.role, m.name, m.version, m.label])).toEqual([
      ['specialist', 'momentum', 1, BOOTSTRAP_LABEL],
      ['specialist', 'mean-reversion', 1, BOOTSTRAP_LABEL],
      ['specialist', 'defensive', 1, BOOTSTRAP_LABEL],
      ['meta-controller', 'meta-controller', 1, BOOTSTRAP_LABEL],
    ]);
  });

  it('decides on real SPY rows: reference signals, exactly equal weights, blend = their mean', () => {
    const regime = Float32Array.from([0.7, 0.1, 0.2]);
    for (let i = 40; i < spy.dates.length; i += 7) {
      const d = set.decide(spy.row(i), regime);
      specialistNames.forEach((name, k) => {
        expect(
          Math.abs(d.signals[k]! - specialistSignal(name, DEFAULT_SPECIALIST_PARAMS[name], spy.row(i))),
        ).toBeLessThan(1e-6);
      });
      expect(Array.from(d.weights)).toEqual([1, 1, 1].map(() => Math.fround(1 / 3)));
      expect(d.weightsCheck.fixed).toBe(false);
      expect(d.signalsClamped).toBe(0);
      expect(d.blend).toBeCloseTo((d.signals[0]! + d.signals[1]! + d.signals[2]!) / 3, 6);
    }
  });

  it('rejects rows of the wrong length with BAD_INPUT', () => {
    expect(() => set.decide(new Float32Array(8), [1, 0, 0])).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', message: 'features: expected 9 values, got 8' }),
    );
    expect(() => set.decide(new Float32Array(9), [1, 0])).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });
});

describe('ModelSet guards', () => {
  it('normalises negative weights that do not sum to 1 and says so', () => {
    const rogue = ModelSet.create({ ...bootstrap, metaController: rogueMeta('Sub', [0.5, 0, 0]) }, cpu);
    const d = rogue.decide(spy.row(5000), [0.2, 0.4, 0.4]);
    expect(d.weightsCheck).toEqual({ fixed: true, issues: ['NEGATIVE', 'SUM_NOT_ONE'] });
    expect(Array.from(d.weights)).toEqual([0, 0.5, 0.5]);
    expect(d.blend).toBeCloseTo((d.signals[1]! + d.signals[2]!) / 2, 12);
    rogue.dispose();
  });

  it('replaces NaN weights with equal weights', () => {
    // Pow(negative, 0.5) = NaN
    const rogue = ModelSet.create({ ...bootstrap, metaController: rogueMeta('Pow', [0.5, 0.5, 0.5]) }, cpu);
    const d = rogue.decide(spy.row(5000), [-0.2, 0.6, 0.6]);
    expect(d.weightsCheck.issues).toEqual(['NON_FINITE']);
    expect(Array.from(d.weights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    rogue.dispose();
  });

  it('refuses a model whose signature breaks the contract, naming it', () => {
    const meta = bootstrapModelSet()[3]!;
    const wrong = {
      ...bootstrap,
      specialists: [...bootstrap.specialists.slice(0, 2), { ...meta, name: 'odd' }],
    };
    expect(() => ModelSet.create(wrong, cpu)).toThrow(
      expect.objectContaining({
        code: 'SIGNATURE_MISMATCH',
        message: expect.stringContaining(
          "specialist 'odd' v1: has 2 inputs, expected 1; missing output 'signal'",
        ),
      }),
    );
  });

  it('refuses a meta-controller with a different number of columns than specialists', () => {
    const two = { ...bootstrap, specialists: bootstrap.specialists.slice(0, 2) };
    expect(() => ModelSet.create(two, cpu)).toThrow(/output 'weights' has shape \[N, 3\], expected \[N, 2\]/);
  });

  it('refuses repeated or missing specialists', () => {
    const s = bootstrap.specialists[0]!;
    expect(() => ModelSet.create({ ...bootstrap, specialists: [s, s] }, cpu)).toThrow(ModelError);
    expect(() => ModelSet.create({ ...bootstrap, specialists: [] }, cpu)).toThrow(/at least one specialist/);
  });

  it('can be disposed twice, and refuses to decide afterwards', () => {
    const other = ModelSet.create(bootstrap, cpu);
    other.dispose();
    other.dispose();
    expect(() => other.decide(new Float32Array(9), [1, 0, 0])).toThrow(/disposed/);
  });
});
