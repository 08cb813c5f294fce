import { describe, expect, it } from 'vitest';
import { ParameterError } from '../http/params';
import { parseBarsRequest } from './bars.schema';

const NOW = Date.UTC(2026, 0, 1);
const bar = (over: Record<string, unknown> = {}) => ({
  symbol: 'aapl',
  timeframe: '1d',
  ts: '2018-01-03',
  open: 10,
  high: 11,
  low: 9,
  close: 10.5,
  volume: 1000,
  ...over,
});

/** The field a refusal names (and that it is a ParameterError at all). */
function refusedField(body: unknown, maxBars = 10): string {
  try {
    parseBarsRequest(body, maxBars, NOW);
  } catch (err) {
    expect(err).toBeInstanceOf(ParameterError);
    return (err as ParameterError).field;
  }
  throw new Error('accepted');
}

describe('parseBarsRequest', () => {
  it('reads one bar or a batch, symbols upper-cased, times by the one parser, source api by default', () => {
    const single = parseBarsRequest(bar({ volume: undefined }), 10, NOW);
    expect(single.bars).toEqual([
      {
        symbol: 'AAPL',
        timeframe: '1d',
        ts: Date.UTC(2018, 0, 3),
        open: 10,
        high: 11,
        low: 9,
        close: 10.5,
        volume: null,
      },
    ]);
    expect(single).toMatchObject({ source: 'api', replayId: null });
    expect(single.fieldOf(0, 'ts')).toBe('ts');
    const batch = parseBarsRequest(
      { bars: [bar(), bar({ ts: Date.UTC(2018, 0, 4) })], source: 'replay:abc-1' },
      10,
      NOW,
    );
    expect(batch.bars.map((b) => b.ts)).toEqual([Date.UTC(2018, 0, 3), Date.UTC(2018, 0, 4)]);
    expect(batch).toMatchObject({ source: 'replay:abc-1', replayId: 'abc-1' });
    expect(batch.fieldOf(1, 'high')).toBe('bars[1].high');
  });

  it('names the bad field of a single bar and of a batch entry', () => {
    expect(refusedField(bar({ ts: '2018-01-03T12:00:00Z' }))).toBe('ts'); // off the daily grid
    expect(refusedField(bar({ ts: 'yesterday' }))).toBe('ts');
    expect(refusedField(bar({ high: 10.2 }))).toBe('high'); // below close
    expect(refusedField(bar({ low: 10.2 }))).toBe('low'); // above open
    expect(refusedField(bar({ open: 0 }))).toBe('open');
    expect(refusedField(bar({ close: -1 }))).toBe('close');
    expect(refusedField(bar({ volume: -5 }))).toBe('volume');
    expect(refusedField(bar({ symbol: 'A/B' }))).toBe('symbol');
    expect(refusedField(bar({ timeframe: '2d' }))).toBe('timeframe');
    expect(refusedField(bar({ open: '10' }))).toBe('open');
    expect(refusedField(bar({ extra: 1 }))).toBe('extra');
    expect(refusedField(bar({ source: 'kafka' }))).toBe('source');
    expect(refusedField({ bars: [bar(), bar({ ts: '2018-01-04', high: 1 })] })).toBe('bars[1].high');
    expect(refusedField({ bars: [bar({ ts: '2018-01-04T00:01:00Z' })] })).toBe('bars[0].ts');
    expect(refusedField({ bars: [] })).toBe('bars');
    expect(refusedField({ bars: [bar(), bar(), bar()] }, 2)).toBe('bars');
    expect(refusedField([bar()])).toBe('body');
    expect(refusedField(null)).toBe('body');
  });

  it('takes an hourly bar on the hour and refuses one a minute past', () => {
    expect(parseBarsRequest(bar({ timeframe: '1h', ts: '2018-01-03T15:00:00Z' }), 10, NOW).bars).toHaveLength(
      1,
    );
    expect(refusedField(bar({ timeframe: '1h', ts: '2018-01-03T15:01:00Z' }))).toBe('ts');
  });
});
