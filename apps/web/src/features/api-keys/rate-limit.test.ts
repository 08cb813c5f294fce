import { describe, expect, it } from 'vitest';
import { describeRateLimit, parseRateLimit } from './rate-limit';

describe('parseRateLimit', () => {
  it('reads empty as unlimited and a whole number as requests per second', () => {
    expect(parseRateLimit('  ')).toEqual({ value: null });
    expect(parseRateLimit(' 250 ')).toEqual({ value: 250 });
    expect(parseRateLimit('1000000')).toEqual({ value: 1_000_000 });
  });

  it('refuses fractions, signs, zero and limits above the gateway’s', () => {
    for (const text of ['1.5', '-3', '0', '1e3', 'ten', '1000001'])
      expect(parseRateLimit(text), text).toHaveProperty('error');
  });
});

describe('describeRateLimit', () => {
  it('says unlimited for null', () => {
    expect(describeRateLimit(null)).toBe('unlimited');
    expect(describeRateLimit(5000)).toBe('5,000/s');
  });
});
