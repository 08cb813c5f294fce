import type { z } from 'zod';

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

/**
 * The one cursor format: base64url of `{"k": kind, "p": position}`. The kind keeps a cursor of
 * one list from being read as another's; the schema checks the position before it reaches SQL.
 */
export function cursorCodec<P>(kind: string, position: z.ZodType<P>): CursorCodec<P> {
  return {
    encode: (p) => Buffer.from(JSON.stringify({ k: kind, p })).toString('base64url'),
    decode(cursor, field = 'after') {
      let raw: unknown;
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
