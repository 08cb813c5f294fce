import { describe, expect, it } from 'vitest';
import { isOnTimeframeGrid, marketDataEventFromBar, parseMarketDataEvent } from './market-data';

const bar = {
  symbol: 'SPY',
  timeframe: '1d' as const,
  ts: Date.UTC(2019, 0, 2),
  open: 245.98,
  high: 251.21,
  low: 245.95,
  close: 250.18,
  volume: 126_925_200,
};

describe('market-data events', () => {
  it('round-trip a bar', () => {
    const json = JSON.stringify(marketDataEventFromBar(bar, 'api', 1));
    const parsed = parseMarketDataEvent(json);
    expect(parsed.ok && parsed.bar).toEqual(bar);
  });

  it('name the problem of a bad event', () => {
    expect(parseMarketDataEvent('{')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseMarketDataEvent(null)).toEqual({ ok: false, reason: 'empty message' });
    const v2 = JSON.stringify({ ...marketDataEventFromBar(bar, 'api', 1), schemaVersion: 2 });
    expect(parseMarketDataEvent(v2)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^schemaVersion/),
    });
    const noClose = JSON.stringify({ ...marketDataEventFromBar(bar, 'api', 1), close: 'x' });
    expect(parseMarketDataEvent(noClose)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^close:/),
    });
  });

  it('put daily bars at 00:00 UTC and intraday bars on their minute grid', () => {
    expect(isOnTimeframeGrid(Date.UTC(2019, 0, 2), '1d')).toBe(true);
    expect(isOnTimeframeGrid(Date.UTC(2019, 0, 2, 14, 30), '1d')).toBe(false);
    expect(isOnTimeframeGrid(Date.UTC(2019, 0, 2, 14, 35), '5m')).toBe(true);
    expect(isOnTimeframeGrid(Date.UTC(2019, 0, 2, 14, 36), '5m')).toBe(false);
    expect(isOnTimeframeGrid(Date.UTC(2019, 0, 2, 14, 36, 1), '1m')).toBe(false);
  });
});
