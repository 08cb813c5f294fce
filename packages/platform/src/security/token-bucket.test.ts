import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a full burst at once, then refuses', () => {
    const bucket = new TokenBucket(10, 10, () => 0);
    for (let i = 0; i < 10; i++) expect(bucket.take(), `take ${i}`).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('refills at its rate, never above its capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 4, () => now);
    for (let i = 0; i < 4; i++) bucket.take();
    now += 250; // one token at 4/s
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000; // a long idle spell refills to the capacity only
    let taken = 0;
    while (bucket.take()) taken++;
    expect(taken).toBe(4);
  });

  it('says how long until the next token, in whole seconds, at least 1 when empty', () => {
    let now = 0;
    const slow = new TokenBucket(0.25, 1, () => now); // one token per 4 s
    expect(slow.retryAfterS()).toBe(0);
    slow.take();
    expect(slow.retryAfterS()).toBe(4);
    now += 1000;
    expect(slow.retryAfterS()).toBe(3);
    const fast = new TokenBucket(100, 100, () => now);
    while (fast.take());
    expect(fast.retryAfterS()).toBe(1);
  });

  it('does not refill when the clock goes backwards', () => {
    let now = 1000;
    const bucket = new TokenBucket(1, 1, () => now);
    bucket.take();
    now = 0;
    expect(bucket.take()).toBe(false);
  });
});
