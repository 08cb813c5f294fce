// Live bars and market replays on the engine: every refusal names its field, a batch with one
// bad bar applies none, nothing reaches the engine's series or the database, and no reply
// leaks. The target holds SPY daily bars up to 2019-12-09 (its last bar).
import { createDb } from '@tradeplane/db';
import { describe, expect, it } from 'vitest';
import { expectHttpError, expectNoLeak, http, type HostileTarget, type HttpReply } from '../target';

const LAST_BAR = '2019-12-09T00:00:00.000Z';

const bar = (over: Record<string, unknown> = {}) => ({
  symbol: 'SPY',
  timeframe: '1d',
  ts: '2019-12-10',
  open: 314,
  high: 315,
  low: 313,
  close: 314.5,
  volume: 1_000_000,
  ...over,
});

export function marketDataCases(target: () => HostileTarget): void {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> =>
    http(`${target().engineUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': target().apiKey, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const postBars = (body: unknown, headers?: Record<string, string>) => post('/api/v1/bars', body, headers);

  /** The engine's newest SPY bar and the stored SPY bars: neither may change. */
  async function untouched(): Promise<{ barTime: string; stored: number }> {
    const features = await http(`${target().engineUrl}/api/v1/features/SPY/1d`, {
      headers: { 'x-api-key': target().apiKey },
    });
    const db = createDb({ url: target().databaseUrl, poolMax: 1 });
    try {
      const { rows } = await db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM bars b JOIN instruments i ON i.id = b.instrument_id WHERE i.symbol = 'SPY'`,
      );
      return { barTime: features.json.barTime, stored: Number(rows[0]!.n) };
    } finally {
      await db.close();
    }
  }

  describe('market data: POST /api/v1/bars', () => {
    let before: { barTime: string; stored: number };
    it('starts from the stored series', async () => {
      before = await untouched();
      expect(before.barTime).toBe(LAST_BAR);
    });

    it.each<[string, unknown, number, string, string]>([
      ['bad JSON', '{"symbol": "SPY",', 400, 'INVALID_PARAMETER', 'body'],
      ['an array body', [bar()], 400, 'INVALID_PARAMETER', 'body'],
      ['a string price', bar({ open: '314' }), 400, 'INVALID_PARAMETER', 'open'],
      [
        'a huge number (Infinity once parsed)',
        '{"symbol":"SPY","timeframe":"1d","ts":"2019-12-10","open":1e400,"high":1e400,"low":1,"close":2}',
        400,
        'INVALID_PARAMETER',
        'open',
      ],
      ['a zero price', bar({ low: 0 }), 400, 'INVALID_PARAMETER', 'low'],
      ['a negative volume', bar({ volume: -1 }), 400, 'INVALID_PARAMETER', 'volume'],
      ['an unknown field', bar({ note: 'x' }), 400, 'INVALID_PARAMETER', 'note'],
      [
        'a prototype key',
        '{"symbol":"SPY","__proto__":{"admin":true}}',
        400,
        'INVALID_PARAMETER',
        '__proto__',
      ],
      ['a bad symbol', bar({ symbol: '../etc' }), 400, 'INVALID_PARAMETER', 'symbol'],
      ['a bad timeframe', bar({ timeframe: '1w' }), 400, 'INVALID_PARAMETER', 'timeframe'],
      ['not a time', bar({ ts: 'tomorrow' }), 400, 'INVALID_PARAMETER', 'ts'],
      ['a time off the daily grid', bar({ ts: '2019-12-10T14:30:00Z' }), 400, 'INVALID_PARAMETER', 'ts'],
      ['high below the close', bar({ high: 314.2 }), 400, 'INVALID_PARAMETER', 'high'],
      ['low above the open', bar({ low: 314.2 }), 400, 'INVALID_PARAMETER', 'low'],
      ['an unknown symbol', bar({ symbol: 'NOPE' }), 404, 'UNKNOWN_SYMBOL', 'symbol'],
      ['a bar older than the last bar', bar({ ts: '2019-11-01' }), 400, 'STALE_BAR', 'ts'],
      ['a stored bar with other values', bar({ ts: '2019-12-09' }), 400, 'STALE_BAR', 'ts'],
      ['a source that is no replay', bar({ source: 'replay:none' }), 400, 'INVALID_PARAMETER', 'source'],
      ['a source of another kind', bar({ source: 'exchange' }), 400, 'INVALID_PARAMETER', 'source'],
      ['an empty batch', { bars: [] }, 400, 'INVALID_PARAMETER', 'bars'],
      [
        'a batch with one bad bar',
        { bars: [bar(), bar({ ts: '2019-12-11', high: 1 })] },
        400,
        'INVALID_PARAMETER',
        'bars[1].high',
      ],
      [
        'a batch out of order',
        { bars: [bar({ ts: '2019-12-11' }), bar()] },
        400,
        'INVALID_PARAMETER',
        'bars[1].ts',
      ],
      [
        'a batch with an unknown symbol last',
        { bars: [bar(), bar({ symbol: 'NOPE' })] },
        404,
        'UNKNOWN_SYMBOL',
        'bars[1].symbol',
      ],
      [
        'a batch over the limit',
        { bars: Array.from({ length: 1_001 }, (_, i) => bar({ ts: Date.UTC(2019, 11, 10 + i) })) },
        400,
        'INVALID_PARAMETER',
        'bars',
      ],
    ])('refuses %s, naming the field', async (_what, body, status, code, field) => {
      expectHttpError(await postBars(body), status, code, field);
    });

    it('refuses a body far over the batch limit before reading it as JSON', async () => {
      const reply = await postBars(`{"bars":[${'1,'.repeat(2_000_000)}1]}`);
      expectHttpError(reply, 400, 'INVALID_PARAMETER', 'body');
    });

    it('refuses a body not declared JSON, and other methods', async () => {
      expectHttpError(
        await postBars(bar(), { 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'content-type',
      );
      const get = await http(`${target().engineUrl}/api/v1/bars`, {
        headers: { 'x-api-key': target().apiKey },
      });
      expectHttpError(get, 405, 'METHOD_NOT_ALLOWED');
      expect(get.headers.get('allow')).toBe('POST');
    });

    it.each([
      ['no key', {}],
      ['an invalid key', { 'x-api-key': 'key_not-a-real-one' }],
      ['a bearer that is no key', { authorization: 'Bearer nope' }],
    ])('refuses %s with 401 before looking at the bar', async (_what, headers) => {
      const reply = await http(`${target().engineUrl}/api/v1/bars`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(bar()),
      });
      expectHttpError(reply, 401, 'UNAUTHENTICATED');
    });

    it('left the engine series and the stored bars as they were', async () => {
      expect(await untouched()).toEqual(before);
    });
  });

  describe('market data: replays', () => {
    const replays = (path = '', init: RequestInit = {}) =>
      http(`${target().engineUrl}/api/v1/replays${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', 'x-api-key': target().apiKey },
      });

    it.each<[string, unknown, number, string, string]>([
      [
        'no symbols',
        { symbols: [], timeframe: '1d', from: '2019-01-02' },
        400,
        'INVALID_PARAMETER',
        'symbols',
      ],
      [
        'a symbol twice',
        { symbols: ['SPY', 'spy'], timeframe: '1d', from: '2019-01-02' },
        400,
        'INVALID_PARAMETER',
        'symbols[1]',
      ],
      ['a bad from', { symbols: ['SPY'], timeframe: '1d', from: 'soon' }, 400, 'INVALID_PARAMETER', 'from'],
      [
        'a portfolio id outside its rule',
        { symbols: ['SPY'], timeframe: '1d', from: '2019-01-02', portfolioId: "paper'; DROP TABLE bars;--" },
        400,
        'INVALID_PARAMETER',
        'portfolioId',
      ],
      [
        'a portfolio id that is not a string',
        { symbols: ['SPY'], timeframe: '1d', from: '2019-01-02', portfolioId: { $ne: null } },
        400,
        'INVALID_PARAMETER',
        'portfolioId',
      ],
      [
        'an unknown symbol',
        { symbols: ['NOPE'], timeframe: '1d', from: '2019-01-02' },
        404,
        'UNKNOWN_SYMBOL',
        'symbols[0]',
      ],
    ])('refuses %s, naming the field, and hides nothing', async (_what, body, status, code, field) => {
      expectHttpError(await replays('', { method: 'POST', body: JSON.stringify(body) }), status, code, field);
      expect((await untouched()).barTime).toBe(LAST_BAR);
    });

    it('answers 404 for a replay that is not live, and 405 for other methods', async () => {
      expectHttpError(await replays('/not-a-replay'), 404, 'NOT_FOUND', 'id');
      expectHttpError(await replays('/not-a-replay', { method: 'DELETE' }), 404, 'NOT_FOUND', 'id');
      const put = await replays('/x', { method: 'PUT' });
      expectHttpError(put, 405, 'METHOD_NOT_ALLOWED');
      expect(put.headers.get('allow')).toBe('GET, DELETE');
      expectNoLeak((await replays('/%E0%A4%A')).text);
    });
  });
}
