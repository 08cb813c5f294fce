import { describe, expect, it } from 'vitest';
import { chooseArm, ROUTING_BUCKETS, routingBucket } from './routing';

describe('routing', () => {
  it('routes the same key to the same arm every time (replays route the same way)', () => {
    for (const key of ['order-1', 'order-2', 'SPY|1d|1559520000000', 'ümlaut-κλειδί', '']) {
      const arm = chooseArm(key, 25, true);
      for (let i = 0; i < 5; i++) expect(chooseArm(key, 25, true)).toBe(arm);
      expect(routingBucket(key)).toBe(routingBucket(key));
    }
  });

  it('sends about the canary percentage of 100 000 sequential keys to the canary', () => {
    for (const percent of [5, 25, 0.5]) {
      let canary = 0;
      for (let i = 0; i < 100_000; i++) if (chooseArm(`req-${i}`, percent, true) === 'canary') canary++;
      // Binomial standard deviation at 100k keys is ≤ 0.16 percentage points.
      expect(Math.abs(canary / 1000 - percent)).toBeLessThan(0.5);
    }
  });

  it('spreads buckets evenly over the key space', () => {
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) deciles[Math.floor(routingBucket(`k${i}`) / (ROUTING_BUCKETS / 10))]!++;
    for (const n of deciles) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('keeps a key on the canary when the share grows (buckets below the cut stay below it)', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `order-${i}`);
    const at5 = keys.filter((k) => chooseArm(k, 5, true) === 'canary');
    expect(at5.every((k) => chooseArm(k, 25, true) === 'canary')).toBe(true);
  });

  it('routes everything to production without a canary or at 0 %, everything to canary at 100 %', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `x${i}`);
    expect(keys.every((k) => chooseArm(k, 50, false) === 'production')).toBe(true);
    expect(keys.every((k) => chooseArm(k, 0, true) === 'production')).toBe(true);
    expect(keys.every((k) => chooseArm(k, 100, true) === 'canary')).toBe(true);
  });
});
