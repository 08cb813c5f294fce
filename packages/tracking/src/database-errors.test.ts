import { describe, expect, it } from 'vitest';

import { TrackingError } from '@tradeplane/db';

import { isBadData, isDatabaseUnavailable } from './database-errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED')],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    [
      'server shutting down (57P01)',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['connection exception class 08', withCode('connection failure', '08006')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['pg: terminated mid-query', new Error('Connection terminated unexpectedly')],
    ['pg pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['dual-stack refusal', new AggregateError([withCode('connect ECONNREFUSED ::1:55432', 'ECONNREFUSED')])],
    ['wrapped cause', new Error('query failed', { cause: withCode('x', 'ECONNREFUSED') })],
  ])('is true for %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isBadData(err)).toBe(false);
  });

  it.each([
    ['a foreign key violation', withCode('violates foreign key constraint', '23503')],
    ['a check violation', withCode('violates check constraint', '23514')],
    ['invalid text for a uuid', withCode('invalid input syntax for type uuid', '22P02')],
    ['a TrackingError', new TrackingError('TRACKING_RUN_NOT_FOUND', 'runId x: no such run', 'runId')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['a closed pool', new Error('Cannot use a pool after calling end on the pool')],
    ['not an error', 'ECONNREFUSED'],
  ])('is false for %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it('calls constraint, data and validation errors bad data', () => {
    expect(isBadData(withCode('fk', '23503'))).toBe(true);
    expect(isBadData(withCode('bad uuid', '22P02'))).toBe(true);
    expect(isBadData(new TrackingError('TRACKING_INVALID_INPUT', 'invalid', 'points.0.value'))).toBe(true);
    expect(isBadData(withCode('deadlock', '40P01'))).toBe(false);
  });
});
