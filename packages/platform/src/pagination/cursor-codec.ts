import { z } from 'zod';

export type CursorErrorCode = 'CURSOR_MALFORMED';

/** A cursor this API did not hand out (or handed out for another list); `field` is the argument it came in. */
export class CursorError extends Error {
  readonly code: CursorErrorCode = 'CURSOR_MALFORMED';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CursorError';
  }
}

/** Encodes a list's keyset position as an opaque cursor and checks it on the way back in. */
export interface CursorCodec<P> {
  encode(position: P): string;
  /** The position, or a CursorError naming `field` (default `after`). */
  decode(cursor: string, field?: string): P;
}

/** Longer than any cursor this API hands out; a longer one is refused before it is decoded. */
const MAX_CURSOR_LENGTH = 2048;

/**
 * Parts of a position, checked so that a forged cursor is refused here rather than reaching SQL:
 * an instant PostgreSQL and Date both hold (years 0000–9999, whole ms), and text without NUL or
 * other control characters (PostgreSQL refuses NUL in text).
 */
export const cursorParts = {
  epochMs: z
    .number()
    .int()
    .min(new Date(0).setUTCFullYear(0, 0, 1))
    .max(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
  text: z
    .string()
    .max(1024)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
} as const;

/**
 * The one cursor format: base64url of `{"k": kind, "p": position}`. The kind keeps a cursor of
 * one list from being read as another's; the schema checks the position before it reaches SQL.
 */
export function cursorCodec<P>(kind: string, position: z.ZodType<P>): CursorCodec<P> {
  return {
    encode: (p) => Buffer.from(JSON.stringify({ k: kind, p })).toString('base64url'),
    decode(cursor, field = 'after') {
      let raw: unknown;
      if (cursor.length > MAX_CURSOR_LENGTH)
        throw new CursorError(field, `${field} is not a cursor returned by this query`);
      try {
        raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        raw = undefined; // not JSON: refused below like any other foreign cursor
      }
      const envelope = raw as { k?: unknown; p?: unknown } | null | undefined;
      if (typeof envelope === 'object' && envelope !== null && envelope.k === kind) {
        const parsed = position.safeParse(envelope.p);
        if (parsed.success) return parsed.data;
      }
      throw new CursorError(field, `${field} is not a cursor returned by this query`);
    },
  };
}
