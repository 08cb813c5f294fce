import { describe, expect, it } from 'vitest';

import { EventRing } from './event-ring';

function contents(ring: EventRing): Array<[string, unknown, number]> {
  return Array.from({ length: ring.size }, (_, i) => [ring.keyAt(i), ring.valueAt(i), ring.timeAt(i)]);
}

describe('EventRing', () => {
  it('is a FIFO across the wrap-around of its slots', () => {
    const ring = new EventRing(3);
    ring.push('a', 'A', 1);
    ring.push('b', 'B', 2);
    ring.drop(1);
    ring.push('c', 'C', 3);
    ring.push('d', { d: true }, 4);
    expect(ring.full).toBe(true);
    expect(contents(ring)).toEqual([
      ['b', 'B', 2],
      ['c', 'C', 3],
      ['d', { d: true }, 4],
    ]);
    ring.setValueAt(2, '{"d":true}');
    ring.drop(5); // more than it holds: empties it
    expect(ring.size).toBe(0);
  });

  it('grows without changing the order, also when wrapped', () => {
    const ring = new EventRing(2);
    ring.push('a', 'A', 1);
    ring.drop(1);
    ring.push('b', 'B', 2);
    ring.push('c', 'C', 3); // wrapped: head at slot 1
    ring.grow();
    ring.push('d', 'D', 4);
    expect(ring.capacity).toBe(4);
    expect(contents(ring).map(([k]) => k)).toEqual(['b', 'c', 'd']);
  });

  it('rejects a capacity below one', () => {
    expect(() => new EventRing(0)).toThrow(RangeError);
  });
});
