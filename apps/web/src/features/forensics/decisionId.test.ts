import { describe, expect, it } from 'vitest';
import { decisionIdTime, parseDecisionId } from './decisionId';

describe('parseDecisionId', () => {
  it('accepts a ULID in any case and returns it upper-cased', () => {
    expect(parseDecisionId(' 01hzx3q7y8k9m2n4p6r8t0v2w4 ')).toBe('01HZX3Q7Y8K9M2N4P6R8T0V2W4');
  });

  it('rejects what is not a ULID: letters outside Crockford base32, wrong length, a time past 48 bits', () => {
    for (const raw of [
      '',
      'not-a-ulid',
      '01HZX3Q7Y8K9M2N4P6R8T0V2WI',
      '01HZX3Q7Y8',
      '8ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    ])
      expect(parseDecisionId(raw)).toBeNull();
  });
});

describe('decisionIdTime', () => {
  it('reads the millisecond time from the first ten characters', () => {
    // The ULID specification's example: encodeTime(1469918176385) is 01ARYZ6S41.
    expect(decisionIdTime('01ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(1_469_918_176_385);
  });
});
