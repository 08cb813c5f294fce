import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CursorError, cursorCodec, cursorParts } from './cursor-codec';

const runs = cursorCodec(
  'run',
  z.object({ v: z.union([z.number(), z.string(), z.null()]), id: z.string().uuid() }),
);
const bars = cursorCodec('bar', z.object({ ts: z.number().finite() }));
const ID = '0b5c6f0e-7a3d-4c1e-9f2a-3d4e5f6a7b8c';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
};

describe('cursorCodec', () => {
  it('round-trips every position it encodes, as URL-safe text', () => {
    for (const p of [
      { v: 1.5, id: ID },
      { v: 'name with spaces/ünïcode', id: ID },
      { v: null, id: ID },
    ]) {
      const cursor = runs.encode(p);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(runs.decode(cursor)).toEqual(p);
    }
    expect(bars.decode(bars.encode({ ts: Date.UTC(2008, 9, 10) }))).toEqual({ ts: Date.UTC(2008, 9, 10) });
  });

  it('refuses what it did not hand out, naming the argument', () => {
    const foreign = [
      'not-a-cursor',
      '',
      Buffer.from('bar:1223596800000').toString('base64url'), // the old bar format
      Buffer.from('{"k":"run","p":{"v":1,"id":"not-a-uuid"}}').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      bars.encode({ ts: 1 }), // another list's cursor
    ];
    for (const cursor of foreign) {
      const err = errorOf(() => runs.decode(cursor));
      expect(err, cursor).toBeInstanceOf(CursorError);
      expect(err).toMatchObject({
        code: 'CURSOR_MALFORMED',
        field: 'after',
        message: 'after is not a cursor returned by this query',
      });
    }
    expect(errorOf(() => runs.decode('x', 'before'))).toMatchObject({ field: 'before' });
  });
});

describe('cursorParts', () => {
  const events = cursorCodec('event', z.object({ at: cursorParts.epochMs, name: cursorParts.text }));
  const forged = (p: unknown) => Buffer.from(JSON.stringify({ k: 'event', p })).toString('base64url');

  it('round-trips positions in range', () => {
    const p = { at: Date.UTC(1969, 11, 31), name: 'a run' };
    expect(events.decode(events.encode(p))).toEqual(p);
  });

  it('refuses forged positions before they reach SQL, and overlong cursors', () => {
    for (const p of [
      { at: 1e300, name: 'a' },
      { at: -1e16, name: 'a' },
      { at: 1.5, name: 'a' },
      { at: 0, name: 'nul\u0000' },
      { at: 0, name: 'x'.repeat(2000) },
    ])
      expect(
        errorOf(() => events.decode(forged(p))),
        JSON.stringify(p).slice(0, 40),
      ).toBeInstanceOf(CursorError);
    expect(errorOf(() => events.decode('A'.repeat(5000)))).toBeInstanceOf(CursorError);
  });
});
