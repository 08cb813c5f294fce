/**
 * Routing between model versions, deterministic by the request key: the same key always lands
 * in the same bucket, so replaying a request (a backtest, an incident review) routes it to the
 * same arm. No state, no randomness, no clock.
 */

/** Buckets per key space: a canary share has a resolution of 0.01 %. */
export const ROUTING_BUCKETS = 10_000;

export type Arm = 'production' | 'canary';

/**
 * The key's bucket in [0, 10 000): 32-bit FNV-1a over the UTF-16 code units, then MurmurHash3's
 * fmix32 finaliser, which spreads keys that differ only in their last characters ("req-1",
 * "req-2" …) over the whole range (FNV-1a alone leaves the low bits correlated).
 */
export function routingBucket(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % ROUTING_BUCKETS;
}

/**
 * `canary` when a canary set exists and the key's bucket falls under the canary share
 * (`canaryPercent` of the buckets), `production` otherwise.
 */
export function chooseArm(key: string, canaryPercent: number, hasCanary: boolean): Arm {
  if (!hasCanary || canaryPercent <= 0) return 'production';
  return routingBucket(key) < Math.round(canaryPercent * (ROUTING_BUCKETS / 100)) ? 'canary' : 'production';
}
