import { describe, expect, it } from 'vitest';
import { forwardFilter } from './filter';
import { labelStates, regimeProbabilities } from './labels';
import { regimeObservations } from './observations';
import { smoothRegimeProbabilities } from './smoothing';
import { createRegimeStream } from './stream';
import { spyRegimeFixture } from './testing/spy-fit';

describe('createRegimeStream on SPY', () => {
  const { closes, fit } = spyRegimeFixture();
  const labels = labelStates(fit.params);
  const filtered = regimeProbabilities(forwardFilter(regimeObservations(closes).obs, fit.params), labels);
  const smoothed = smoothRegimeProbabilities(filtered, 10);

  it('one close at a time equals the batch filter and smoothing exactly, at every bar', () => {
    const stream = createRegimeStream(fit.params, labels, { volWindow: 20, halfLife: 10 });
    const steps = Array.from(closes, (c) => stream.push(c));
    expect(steps.slice(0, 20).every((s) => s === null)).toBe(true);
    const rows = steps.slice(20);
    expect(rows.map((s) => s!.filtered)).toEqual(filtered);
    expect(rows.map((s) => s!.smoothed)).toEqual(smoothed);
    expect(stream.bars).toBe(closes.length);
  });

  it('is causal: streaming a truncated history gives the same rows up to its end', () => {
    const stream = createRegimeStream(fit.params, labels);
    const cut = 3000;
    const rows = Array.from(closes.subarray(0, cut), (c) => stream.push(c)).slice(20);
    expect(rows.map((s) => s!.smoothed)).toEqual(smoothed.slice(0, cut - 20));
  });

  it('rejects labels that do not match the states and bad closes', () => {
    expect(() => createRegimeStream(fit.params, ['bull', 'bear'])).toThrow(/2 labels for 3 states/);
    const stream = createRegimeStream(fit.params, labels);
    expect(() => stream.push(-1)).toThrow(RangeError);
  });
});
