import { DECISION_ID_PATTERN } from '@tradeplane/contracts';

/** What a decision id is, for the error that names a field holding something else. */
export const DECISION_ID_FORMAT = 'a decision id (a ULID: 26 Crockford base32 characters)';

/**
 * A decision id as a client may type it — trimmed, any case (ULIDs are case-insensitive) — in
 * its canonical upper case, or null when it is not one. The first character of a ULID is at
 * most 7: a larger one overflows its 48-bit time, so no decision can have that id.
 */
export function parseDecisionId(raw: string): string | null {
  const id = raw.trim().toUpperCase();
  return DECISION_ID_PATTERN.test(id) && id[0]! <= '7' ? id : null;
}
