import { describe, expect, it } from 'vitest';
import { SlotSampler } from './slot-sampler';

describe('SlotSampler', () => {
  it('lets one event through per slot, so a burst is capped at the rate', () => {
    const sampler = new SlotSampler(10);
    let taken = 0;
    // 2,000 events per second for three seconds.
    for (let t = 0; t < 3000; t += 0.5) if (sampler.take(t) !== null) taken++;
    expect(taken).toBe(30);
  });

  it('spreads the events it lets through evenly over the second', () => {
    const sampler = new SlotSampler(4);
    const at: number[] = [];
    for (let t = 0; t < 1000; t++) if (sampler.take(t) !== null) at.push(t);
    expect(at).toEqual([0, 250, 500, 750]);
  });

  it('never goes back to an earlier slot when the clock steps back', () => {
    const sampler = new SlotSampler(10);
    expect(sampler.take(1_000)).toBe(10);
    expect(sampler.take(900)).toBeNull();
    expect(sampler.take(1_100)).toBe(11);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new SlotSampler(0)).toThrow(RangeError);
  });
});
