import { describe, expect, it } from 'vitest';
import { computeFeatureSeries } from './compute';
import { featureNames } from './feature-names';

describe('featureNames', () => {
  it('computeFeatureSeries returns one column per feature name, nothing else', () => {
    const close = Float64Array.from({ length: 5 }, (_, i) => 10 + i);
    const s = computeFeatureSeries({
      ts: Float64Array.from({ length: 5 }, (_, i) => i),
      open: close,
      high: close,
      low: close,
      close,
      volume: null,
    });
    expect(Object.keys(s).sort()).toEqual([...featureNames].sort());
    for (const name of featureNames) expect(s[name]).toHaveLength(5);
  });
});
