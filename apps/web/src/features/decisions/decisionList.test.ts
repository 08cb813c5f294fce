import { describe, expect, it } from 'vitest';
import { formatClock, formatMs, mergeDecisions } from './decisionList';

describe('mergeDecisions', () => {
  it('orders by ULID newest first, keeps each id once and caps the list', () => {
    const seed = [{ id: '01J0000000000000000000000C' }, { id: '01J0000000000000000000000A' }];
    const live = [
      { id: '01J0000000000000000000000D', live: true },
      { id: '01J0000000000000000000000A', live: true },
    ];
    expect(mergeDecisions<{ id: string; live?: boolean }>([seed, live], 10)).toEqual([
      { id: '01J0000000000000000000000D', live: true },
      { id: '01J0000000000000000000000C' },
      { id: '01J0000000000000000000000A', live: true },
    ]);
    expect(mergeDecisions([seed, live], 2).map((d) => d.id)).toEqual([
      '01J0000000000000000000000D',
      '01J0000000000000000000000C',
    ]);
  });

  it('sorts by time across a millisecond boundary (ULID time prefix)', () => {
    const earlier = { id: '01HZZZZZZZZZZZZZZZZZZZZZZZ' };
    const later = { id: '01J00000000000000000000000' };
    expect(mergeDecisions([[earlier, later]], 5)).toEqual([later, earlier]);
  });
});

describe('decision formatting', () => {
  it('shows the time of day in UTC to the millisecond', () => {
    expect(formatClock('2025-06-01T14:03:27.512Z')).toBe('14:03:27.512Z');
  });

  it('keeps sub-millisecond engine timings readable', () => {
    expect(formatMs(0.2314)).toBe('0.231 ms');
    expect(formatMs(12.44)).toBe('12.4 ms');
    expect(formatMs(250.2)).toBe('250 ms');
  });
});
