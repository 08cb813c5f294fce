import { decisionEvent } from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { ulidFactory, ulidTime } from './ulid';

const ULID = decisionEvent.shape.id;

describe('ulidFactory', () => {
  it('makes ids the decision contract accepts, carrying the clock time', () => {
    const t = Date.UTC(2024, 5, 1, 12, 30, 0, 123);
    const id = ulidFactory(() => t)();
    expect(id).toHaveLength(26);
    expect(ULID.safeParse(id).success).toBe(true);
    expect(ulidTime(id)).toBe(t);
  });

  it('keeps ids unique and strictly increasing within one millisecond', () => {
    const next = ulidFactory(() => 1_700_000_000_000);
    const ids = Array.from({ length: 100_000 }, next);
    expect(new Set(ids).size).toBe(ids.length);
    let increasing = true;
    for (let i = 1; i < ids.length; i++) increasing &&= ids[i]! > ids[i - 1]!;
    expect(increasing).toBe(true);
  });

  it('sorts as strings in time order across milliseconds, even when the clock steps back', () => {
    let now = 1_700_000_000_000;
    const times = [0, 0, 1, 5, 5, -3, 7, 1000, 1000 * 60 * 60 * 24 * 365];
    const next = ulidFactory(() => now);
    const ids = times.map((dt) => {
      now = 1_700_000_000_000 + dt;
      return next();
    });
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The id made after the clock stepped back keeps the later timestamp.
    expect(ulidTime(ids[5]!)).toBe(1_700_000_000_005);
  });

  it('draws fresh randomness for each new millisecond', () => {
    let now = 1_700_000_000_000;
    const next = ulidFactory(() => now++);
    const randoms = new Set(Array.from({ length: 2000 }, () => next().slice(10)));
    expect(randoms.size).toBe(2000);
  });
});
