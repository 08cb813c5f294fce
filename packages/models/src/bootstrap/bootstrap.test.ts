import { modelSignature } from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { bootstrapModelSet } from './bootstrap';
import { equalWeightMetaParams } from '../graphs/meta-controller';
import { DEFAULT_SPECIALIST_PARAMS, specialistNames } from '../graphs/specialists';

describe('bootstrapModelSet', () => {
  const models = bootstrapModelSet();

  it('holds the three specialists and the equal-weight meta-controller, version 1, labelled bootstrap', () => {
    expect(models.map((m) => [m.name, m.role, m.version, m.label])).toEqual([
      ['momentum', 'specialist', 1, 'bootstrap'],
      ['mean-reversion', 'specialist', 1, 'bootstrap'],
      ['defensive', 'specialist', 1, 'bootstrap'],
      ['meta-controller', 'meta-controller', 1, 'bootstrap'],
    ]);
  });

  it('carries the parameters each graph was built from', () => {
    specialistNames.forEach((name, i) => expect(models[i]!.params).toEqual(DEFAULT_SPECIALIST_PARAMS[name]));
    expect(models[3]!.params).toEqual(equalWeightMetaParams(specialistNames));
  });

  it('gives signatures in the registry format', () => {
    for (const m of models) expect(modelSignature.parse(m.signature)).toEqual(m.signature);
    expect(models[0]!.signature).toEqual({
      inputs: [{ name: 'features', type: 'float32', shape: [-1, 9] }],
      outputs: [{ name: 'signal', type: 'float32', shape: [-1, 1] }],
    });
    expect(models[3]!.signature).toEqual({
      inputs: [
        { name: 'regime', type: 'float32', shape: [-1, 3] },
        { name: 'features', type: 'float32', shape: [-1, 9] },
      ],
      outputs: [{ name: 'weights', type: 'float32', shape: [-1, 3] }],
    });
  });

  it('is deterministic and labels the bytes themselves', () => {
    const again = bootstrapModelSet();
    models.forEach((m, i) => expect(Buffer.from(again[i]!.bytes).equals(Buffer.from(m.bytes))).toBe(true));
    for (const m of models) {
      const text = Buffer.from(m.bytes).toString('latin1');
      expect(text).toContain('bootstrap');
      expect(text).toContain('not trained');
    }
  });
});
