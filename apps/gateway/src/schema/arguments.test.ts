import { Kind, parseValue } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/graphql-errors';
import { pageSize, timeArg, timeframeArg } from './arguments';
import { DateTime } from './scalars';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof GatewayError ? { code: err.code, field: err.field, message: err.message } : err;
  }
  return null;
};

describe('list arguments', () => {
  it('takes first from 1 to the maximum, the default when absent, and refuses the rest', () => {
    const limits = { defaultSize: 20, max: 100 };
    expect(pageSize(undefined, limits)).toBe(20);
    expect(pageSize(null, limits)).toBe(20);
    expect(pageSize(100, limits)).toBe(100);
    for (const first of [0, -1, 101, 1.5, 1e9])
      expect(refusal(() => pageSize(first, limits))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'first',
      });
  });

  it('takes timeframes of the enum only', () => {
    expect(timeframeArg('1d')).toBe('1d');
    expect(refusal(() => timeframeArg('2d'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeframe' });
  });
});

describe('DateTime arguments', () => {
  const fromVariable = (value: unknown) => DateTime.parseValue(value);
  const fromLiteral = (source: string) => DateTime.parseLiteral(parseValue(source));

  it('reads valid instants from variables and literals alike', () => {
    expect(timeArg('from', fromVariable('2018-02-28'))).toEqual(new Date(Date.UTC(2018, 1, 28)));
    expect(timeArg('from', fromLiteral('"2018-02-28T10:00:00+01:00"'))).toEqual(
      new Date(Date.UTC(2018, 1, 28, 9)),
    );
    expect(timeArg('from', fromLiteral('1519776000000'))).toEqual(new Date(1519776000000));
    expect(timeArg('from', null)).toBeUndefined();
  });

  it('refuses impossible or out-of-range instants as BAD_USER_INPUT naming the argument', () => {
    for (const value of [
      '2018-02-30',
      '2019-02-29T00:00:00Z',
      '2018-01-01T24:00:00Z',
      '1700000000000000',
      'x',
    ])
      expect(
        refusal(() => timeArg('to', fromVariable(value))),
        value,
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'to',
      });
    for (const source of ['"2018-02-30"', '"3000-01-01"', '1.5', 'true', '{a: 1}'])
      expect(
        refusal(() => timeArg('asOf', fromLiteral(source))),
        source,
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'asOf',
      });
  });

  it('never throws from the scalar itself, so no literal fails validation under another code', () => {
    expect(() => DateTime.parseLiteral({ kind: Kind.BOOLEAN, value: true })).not.toThrow();
    expect(() => DateTime.parseValue({})).not.toThrow();
  });
});
