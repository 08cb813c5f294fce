import { describe, expect, it } from 'vitest';
import {
  checkForensicsQuery,
  EMPTY_QUERY,
  forensicsHref,
  parseUtcDateTime,
  readForensicsQuery,
} from './forensicsQuery';

const ID = '01HZX3Q7Y8K9M2N4P6R8T0V2W4';

describe('forensics explorer query', () => {
  it('reads the URL and writes it back without the empty fields', () => {
    const q = readForensicsQuery(
      new URLSearchParams(`id=${ID.toLowerCase()}&symbol=spy&from=2026-01-02T10:00`),
    );
    expect(q).toEqual({ id: ID.toLowerCase(), symbol: 'SPY', from: '2026-01-02T10:00', to: '' });
    expect(forensicsHref(q)).toBe(`/forensics?id=${ID.toLowerCase()}&symbol=SPY&from=2026-01-02T10%3A00`);
    expect(forensicsHref(EMPTY_QUERY)).toBe('/forensics');
  });

  it('reads date-times as UTC and rejects dates that do not exist', () => {
    expect(parseUtcDateTime('2026-01-02T10:30')).toBe('2026-01-02T10:30:00.000Z');
    expect(parseUtcDateTime('2026-01-02')).toBe('2026-01-02T00:00:00.000Z');
    expect(parseUtcDateTime('2026-02-30T10:00')).toBeNull();
    expect(parseUtcDateTime('yesterday')).toBeNull();
  });

  it('names the field of each mistake, as the gateway does', () => {
    const ok = checkForensicsQuery({
      id: ` ${ID.toLowerCase()} `,
      symbol: 'spy',
      from: '2026-01-01',
      to: '',
    });
    expect(ok).toEqual({
      errors: {},
      id: ID,
      search: { symbol: 'SPY', from: '2026-01-01T00:00:00.000Z', to: null },
    });
    const bad = checkForensicsQuery({
      id: 'not-an-id',
      symbol: 'S P Y',
      from: '2026-01-02',
      to: '2026-01-01',
    });
    expect(Object.keys(bad.errors).sort()).toEqual(['id', 'symbol', 'to']);
    expect(bad.errors.to).toBe('To must be later than From.');
    expect(bad.id).toBeNull();
    expect(bad.search).toBeNull();
  });
});
