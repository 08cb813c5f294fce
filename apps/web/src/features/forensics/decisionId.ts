/**
 * Decision ids are ULIDs: 10 characters of millisecond time, then 16 of randomness, in
 * Crockford base32 (no I, L, O, U). The gateway checks the same (DECISION_ID_PATTERN in
 * @tradeplane/contracts, plus a first character ≤ 7: more would overflow the 48-bit time).
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DECISION_ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export const DECISION_ID_HELP =
  'A decision id is a ULID: 26 characters of Crockford base32 (digits and letters except I, L, O, U).';

/** The id as typed, in canonical form (ULIDs are case-insensitive); null when it is not one. */
export function parseDecisionId(raw: string): string | null {
  const id = raw.trim().toUpperCase();
  return DECISION_ID.test(id) ? id : null;
}

/** The millisecond time a (valid) decision id carries. */
export function decisionIdTime(id: string): number {
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + CROCKFORD.indexOf(id[i]!);
  return ms;
}
