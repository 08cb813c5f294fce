/**
 * The one date/time parser of every boundary (engine REST, GraphQL scalars, CLI, job payloads).
 *
 * Accepted, nothing else:
 * - a date `YYYY-MM-DD`: midnight UTC of that day;
 * - a date-time `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z` or an offset `±HH:MM` / `±HHMM`;
 *   the fraction is cut to milliseconds. A date-time without a zone is refused: read as the
 *   host's local time it would move with the server's time zone;
 * - epoch milliseconds, as an integer number or a string of digits.
 *
 * Calendar fields are checked, never rolled forward: `2018-02-30`, `2019-02-29`, hour 24,
 * minute or second 60 are refused. The instant must lie in [TIME_RANGE.fromMs, TIME_RANGE.toMs):
 * 1971-01-01 up to (not including) 2100-01-01 UTC. The bounds catch unit mistakes: epoch
 * seconds read as milliseconds land in January 1970, microseconds in the year 50,000+.
 */
export const TIME_RANGE = {
  /** 1971-01-01T00:00:00Z. */
  fromMs: Date.UTC(1971, 0, 1),
  /** 2100-01-01T00:00:00Z, excluded. */
  toMs: Date.UTC(2100, 0, 1),
} as const;

export type TimeErrorCode = 'TIME_MALFORMED' | 'TIME_NOT_A_CALENDAR_DATE' | 'TIME_OUT_OF_RANGE';

/** Why a value is not a time; `field` is the input it came in, `reason` the message without it. */
export class TimeError extends Error {
  constructor(
    readonly code: TimeErrorCode,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'TimeError';
  }
}

export type TimeForm = 'date-or-time' | 'date';

const FORMS: Readonly<Record<TimeForm, string>> = {
  'date-or-time':
    'must be an ISO 8601 date (YYYY-MM-DD), a date-time with Z or an offset, or epoch milliseconds',
  date: 'must be a date YYYY-MM-DD',
};

/** Digits of the largest epoch in range (2100-01-01 is 13 digits); a longer string is out of range. */
const MAX_EPOCH_DIGITS = String(TIME_RANGE.toMs).length;

/**
 * Epoch milliseconds of `raw`, or a TimeError naming `field`. `form: 'date'` accepts only
 * `YYYY-MM-DD` strings. Pure and allocation-free on success (one pass over the characters).
 */
export function parseTime(field: string, raw: unknown, form: TimeForm = 'date-or-time'): number | TimeError {
  if (typeof raw === 'number') {
    if (form === 'date') return new TimeError('TIME_MALFORMED', field, FORMS[form]);
    if (!Number.isInteger(raw))
      return new TimeError('TIME_MALFORMED', field, 'must be whole epoch milliseconds');
    return inRange(field, raw);
  }
  if (typeof raw !== 'string') return new TimeError('TIME_MALFORMED', field, FORMS[form]);
  const n = raw.length;
  if (n > 0 && allDigits(raw, 0, n)) {
    if (form === 'date') return new TimeError('TIME_MALFORMED', field, FORMS[form]);
    return n > MAX_EPOCH_DIGITS ? outOfRange(field) : inRange(field, Number(raw));
  }
  // YYYY-MM-DD
  if (n < 10 || !allDigits(raw, 0, 4) || raw.charCodeAt(4) !== DASH || !allDigits(raw, 5, 7))
    return new TimeError('TIME_MALFORMED', field, FORMS[form]);
  if (raw.charCodeAt(7) !== DASH || !allDigits(raw, 8, 10))
    return new TimeError('TIME_MALFORMED', field, FORMS[form]);
  const year = digits(raw, 0, 4);
  const month = digits(raw, 5, 7);
  const day = digits(raw, 8, 10);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
    return new TimeError('TIME_NOT_A_CALENDAR_DATE', field, `${raw.slice(0, 10)} is not a calendar date`);
  if (n === 10) return year < 1970 ? outOfRange(field) : inRange(field, Date.UTC(year, month - 1, day));
  if (form === 'date') return new TimeError('TIME_MALFORMED', field, FORMS[form]);

  // THH:MM[:SS[.fff…]] then Z | ±HH:MM | ±HHMM
  if (n < 17 || raw.charCodeAt(10) !== T || !allDigits(raw, 11, 13) || raw.charCodeAt(13) !== COLON)
    return new TimeError('TIME_MALFORMED', field, FORMS[form]);
  if (!allDigits(raw, 14, 16)) return new TimeError('TIME_MALFORMED', field, FORMS[form]);
  const hour = digits(raw, 11, 13);
  const minute = digits(raw, 14, 16);
  let second = 0;
  let millis = 0;
  let i = 16;
  if (raw.charCodeAt(i) === COLON) {
    if (!allDigits(raw, i + 1, i + 3)) return new TimeError('TIME_MALFORMED', field, FORMS[form]);
    second = digits(raw, i + 1, i + 3);
    i += 3;
    if (raw.charCodeAt(i) === DOT) {
      const start = ++i;
      while (i < n && i - start < 9 && isDigit(raw.charCodeAt(i))) i++;
      if (i === start) return new TimeError('TIME_MALFORMED', field, FORMS[form]);
      // Milliseconds from the first three fraction digits, padded: `.5` is 500 ms.
      for (let k = 0; k < 3; k++)
        millis = millis * 10 + (start + k < i ? raw.charCodeAt(start + k) - ZERO : 0);
    }
  }
  if (hour > 23 || minute > 59 || second > 59)
    return new TimeError('TIME_NOT_A_CALENDAR_DATE', field, 'has an hour, minute or second out of range');

  let offsetMinutes: number;
  const zone = raw.charCodeAt(i);
  if (zone === Z && i + 1 === n) offsetMinutes = 0;
  else if ((zone === PLUS || zone === MINUS) && allDigits(raw, i + 1, i + 3)) {
    const colon = raw.charCodeAt(i + 3) === COLON ? 1 : 0;
    if (i + 5 + colon !== n || !allDigits(raw, i + 3 + colon, i + 5 + colon))
      return new TimeError('TIME_MALFORMED', field, FORMS[form]);
    const oh = digits(raw, i + 1, i + 3);
    const om = digits(raw, i + 3 + colon, i + 5 + colon);
    if (oh > 23 || om > 59) return new TimeError('TIME_MALFORMED', field, 'has an invalid UTC offset');
    offsetMinutes = (zone === PLUS ? 1 : -1) * (oh * 60 + om);
  } else if (i === n) {
    return new TimeError('TIME_MALFORMED', field, 'must give its time zone (Z or an offset such as +02:00)');
  } else return new TimeError('TIME_MALFORMED', field, FORMS[form]);

  if (year < 1970) return outOfRange(field);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return inRange(field, utc - offsetMinutes * 60_000);
}

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;
const T = 84;
const Z = 90;

const isDigit = (c: number) => c >= ZERO && c <= ZERO + 9;

function allDigits(s: string, from: number, to: number): boolean {
  if (to > s.length) return false;
  for (let i = from; i < to; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + s.charCodeAt(i) - ZERO;
  return v;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const RANGE_REASON = 'must lie from 1971-01-01 up to (not including) 2100-01-01 UTC';

function outOfRange(field: string): TimeError {
  return new TimeError('TIME_OUT_OF_RANGE', field, RANGE_REASON);
}

function inRange(field: string, ms: number): number | TimeError {
  return ms >= TIME_RANGE.fromMs && ms < TIME_RANGE.toMs ? ms : outOfRange(field);
}
