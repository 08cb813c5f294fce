/**
 * Decision ids: ULIDs (https://github.com/ulid/spec). 26 Crockford base32 characters, a 48-bit
 * millisecond timestamp then 80 random bits, so ids sort by time as plain strings.
 *
 * Monotonic within a process: an id made in the same millisecond as the previous one (or after
 * the clock stepped back) reuses the previous timestamp and increments the random part, so
 * ids from one engine are strictly increasing even at thousands per millisecond. Randomness
 * comes from a pooled crypto buffer: one `randomFillSync` per 256 new milliseconds, not per id.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const MAX_TIME = 2 ** 48 - 1;

export class UlidOverflowError extends Error {
  readonly code = 'ULID_OVERFLOW' as const;
}

/** A ULID factory over an injected clock (ms since epoch). */
export function ulidFactory(clock: () => number): () => string {
  const pool = new Uint8Array(RANDOM_LEN * 256);
  let poolAt = pool.length;
  let lastTime = -1;
  let timePart = '';
  /** The random part as base32 digits (0–31), incremented for ids in the same millisecond. */
  const digits = new Uint8Array(RANDOM_LEN);

  const freshRandom = () => {
    if (poolAt + RANDOM_LEN > pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    for (let i = 0; i < RANDOM_LEN; i++) digits[i] = pool[poolAt + i]! & 31;
    poolAt += RANDOM_LEN;
  };

  const increment = () => {
    for (let i = RANDOM_LEN - 1; i >= 0; i--) {
      if (digits[i]! < 31) {
        digits[i]!++;
        return;
      }
      digits[i] = 0;
    }
    // 2^80 ids in one millisecond: never in practice, but never a duplicate either.
    throw new UlidOverflowError('ULID random part overflowed within one millisecond');
  };

  return () => {
    const now = Math.floor(clock());
    if (!(now >= 0 && now <= MAX_TIME)) throw new RangeError(`ULID time ${now} is outside 0..2^48-1`);
    if (now > lastTime) {
      lastTime = now;
      timePart = encodeTime(now);
      freshRandom();
    } else increment();
    let out = timePart;
    for (let i = 0; i < RANDOM_LEN; i++) out += ALPHABET[digits[i]!];
    return out;
  };
}

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < TIME_LEN; i++) {
    out = ALPHABET[ms % 32]! + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** The millisecond timestamp of an id (the contract's decoder, shared with the readers). */
export { decisionIdTime as ulidTime } from '@tradeplane/contracts';
