import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseVersionedEvent } from './versioned-event';

const tick = z.object({ schemaVersion: z.literal(3), symbol: z.string(), prices: z.array(z.number()) });
const parse = (value: string | null) => parseVersionedEvent(tick, 3, value);

describe('parseVersionedEvent', () => {
  it('reads an event of the version it is given', () => {
    const event = { schemaVersion: 3 as const, symbol: 'SPY', prices: [1, 2] };
    expect(parse(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('refuses another, a mistyped or a missing version before reading the fields, saying which', () => {
    expect(parse(JSON.stringify({ schemaVersion: 4, prices: 'changed' }))).toEqual({
      ok: false,
      reason: 'schemaVersion: unknown version 4 (this consumer reads version 3)',
    });
    expect(parse(JSON.stringify({ schemaVersion: '3', symbol: 'SPY', prices: [] }))).toEqual({
      ok: false,
      reason: 'schemaVersion: unknown version "3" (this consumer reads version 3)',
    });
    expect(parse(JSON.stringify({ symbol: 'SPY', prices: [] }))).toEqual({
      ok: false,
      reason: 'schemaVersion: missing (this consumer reads version 3)',
    });
  });

  it('names the first bad field by its path, or the root when the value is not an object', () => {
    expect(parse(JSON.stringify({ schemaVersion: 3, symbol: 'SPY', prices: [1, 'x'] }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^prices\.1: /),
    });
    expect(parse('[1]')).toEqual({ ok: false, reason: expect.stringMatching(/^\(root\): /) });
    expect(parse('7')).toEqual({ ok: false, reason: expect.stringMatching(/^\(root\): /) });
  });

  it('says when the value is empty or not JSON', () => {
    expect(parse(null)).toEqual({ ok: false, reason: 'empty message' });
    expect(parse('')).toEqual({ ok: false, reason: 'empty message' });
    expect(parse('{')).toEqual({ ok: false, reason: 'not JSON' });
  });
});
