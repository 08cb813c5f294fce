import { describe, expect, it } from 'vitest';
import { parseTime, TIME_RANGE, TimeError } from './time';

const codeOf = (raw: unknown, form?: 'date') => {
  const r = parseTime('asOf', raw, form);
  return r instanceof TimeError ? r.code : r;
};

describe('parseTime', () => {
  it('reads dates as midnight UTC, date-times with their zone, epoch ms as numbers or digits', () => {
    expect(parseTime('asOf', '2008-10-10')).toBe(Date.UTC(2008, 9, 10));
    expect(parseTime('asOf', '2008-10-10T15:30Z')).toBe(Date.UTC(2008, 9, 10, 15, 30));
    expect(parseTime('asOf', '2008-10-10T15:30:05Z')).toBe(Date.UTC(2008, 9, 10, 15, 30, 5));
    expect(parseTime('asOf', '2008-10-10T15:30:05.5Z')).toBe(Date.UTC(2008, 9, 10, 15, 30, 5, 500));
    expect(parseTime('asOf', '2008-10-10T15:30:05.123456789Z')).toBe(Date.UTC(2008, 9, 10, 15, 30, 5, 123));
    expect(parseTime('asOf', '2008-10-10T15:30:00+02:00')).toBe(Date.UTC(2008, 9, 10, 13, 30));
    expect(parseTime('asOf', '2008-10-10T15:30:00-0130')).toBe(Date.UTC(2008, 9, 10, 17, 0));
    expect(parseTime('asOf', '1223596800000')).toBe(1223596800000);
    expect(parseTime('asOf', 1223596800000)).toBe(1223596800000);
    expect(parseTime('asOf', '2020-02-29')).toBe(Date.UTC(2020, 1, 29));
    expect(parseTime('asOf', '2000-02-29')).toBe(Date.UTC(2000, 1, 29));
  });

  it('refuses impossible calendar dates and times instead of rolling them forward', () => {
    expect(codeOf('2018-02-30')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2019-02-29')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2100-02-29')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-04-31')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-13-01')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-00-10')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-01-00')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-01-01T24:00:00Z')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-01-01T23:60:00Z')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-01-01T23:59:60Z')).toBe('TIME_NOT_A_CALENDAR_DATE');
    expect(codeOf('2018-02-30T00:00:00Z')).toBe('TIME_NOT_A_CALENDAR_DATE');
  });

  it('refuses what is not one of the accepted forms', () => {
    for (const raw of [
      '',
      'yesterday',
      '2018-1-01',
      '2018/01/01',
      '2018-01-01T10:00:00', // no zone: the host's local time
      '2018-01-01 10:00:00Z',
      '2018-01-01T10:00:00Zjunk',
      '2018-01-01T10:00:00+2',
      '2018-01-01T10:00:00+25:00',
      '2018-01-01T10:00:00.Z',
      '2018-01-01junk',
      '-1',
      '1e12',
      '1223596800000.5',
      '2018-01-01\u0000',
      1223596800000.5,
      Number.NaN,
      null,
      {},
    ])
      expect(codeOf(raw), JSON.stringify(raw)).toBe('TIME_MALFORMED');
  });

  it('keeps to the documented range, which catches epoch-unit mistakes', () => {
    expect(parseTime('asOf', TIME_RANGE.fromMs)).toBe(TIME_RANGE.fromMs);
    expect(parseTime('asOf', TIME_RANGE.toMs - 1)).toBe(TIME_RANGE.toMs - 1);
    expect(codeOf(TIME_RANGE.toMs)).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf('2100-01-01')).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf('9999-12-31T23:59:59Z')).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf('1970-06-01')).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf('0001-01-01')).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf(1_700_000_000)).toBe('TIME_OUT_OF_RANGE'); // epoch seconds
    expect(codeOf('1700000000')).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf(1_700_000_000_000_000)).toBe('TIME_OUT_OF_RANGE'); // epoch microseconds
    expect(codeOf('1700000000000000')).toBe('TIME_OUT_OF_RANGE'); // 16 digits
    expect(codeOf('9'.repeat(400))).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf(-1)).toBe('TIME_OUT_OF_RANGE');
    expect(codeOf(Number.MAX_SAFE_INTEGER)).toBe('TIME_OUT_OF_RANGE');
    // An offset may carry an instant across a bound.
    expect(codeOf('1971-01-01T00:30:00+01:00')).toBe('TIME_OUT_OF_RANGE');
  });

  it('takes only YYYY-MM-DD in the date form', () => {
    expect(parseTime('trainFrom', '1994-01-01', 'date')).toBe(Date.UTC(1994, 0, 1));
    expect(codeOf('1994-01-01T00:00:00Z', 'date')).toBe('TIME_MALFORMED');
    expect(codeOf('757382400000', 'date')).toBe('TIME_MALFORMED');
    expect(codeOf(757382400000, 'date')).toBe('TIME_MALFORMED');
    expect(codeOf('1994-02-29', 'date')).toBe('TIME_NOT_A_CALENDAR_DATE');
  });

  it('names the field in the error', () => {
    const err = parseTime('to', '2018-02-30');
    expect(err).toBeInstanceOf(TimeError);
    expect((err as TimeError).field).toBe('to');
    expect((err as TimeError).message).toBe('to 2018-02-30 is not a calendar date');
  });
});
