// Lax protocol edges of the engine and the job mutations: bodies not declared JSON, duplicate
// or prototype keys, 405 without Allow, oversized or malformed bodies, jobs asked with a
// timeframe no worker can run. Each is refused explicitly, naming what was wrong.
import { describe, expect, it } from 'vitest';
import { countRows, expectHttpError, firstCode, gql, http, signIn, type HostileTarget } from '../target';

const BODY = '{"symbol":"SPY","timeframe":"1d","asOf":"2018-03-01T21:00:00Z"}';

export function protocolEdgeCases(target: () => HostileTarget): void {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    http(`${target().engineUrl}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': target().apiKey, ...headers },
      body,
    });
  const json = { 'content-type': 'application/json' };

  describe('protocol edges', () => {
    it.each([
      ['/api/v1/predict', 'text/plain'],
      ['/api/v1/predict', 'application/x-www-form-urlencoded'],
      ['/api/v1/risk/check', 'text/plain;charset=UTF-8'],
    ])('%s refuses a JSON body sent as %s with 415 naming content-type', async (path, type) => {
      expectHttpError(
        await post(path, BODY, { 'content-type': type }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'content-type',
      );
    });

    it('a body without a content type is refused the same way', async () => {
      const reply = await post('/api/v1/predict', BODY);
      expectHttpError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type');
    });

    it.each([
      ['{"symbol":"SPY","timeframe":"1d","timeframe":"1h"}', 'timeframe'],
      ['{"symbol":"SPY","timeframe":"1d","portfolio":{"SPY":0.1,"SPY":0.9}}', 'portfolio.SPY'],
      ['{"symbol":"SPY","timeframe":"1d","portfolio":{"__proto__":{"SPY":0.5}}}', 'portfolio.__proto__'],
      ['{"symbol":"SPY","timeframe":"1d","constructor":{}}', 'constructor'],
      ['{"symbol":"SPY","timeframe":"1d","__proto__":{"admin":true}}', '__proto__'],
    ])('predict refuses %s naming %s', async (body, field) => {
      expectHttpError(await post('/api/v1/predict', body, json), 400, 'INVALID_PARAMETER', field);
    });

    it('the risk check refuses a duplicate order key naming its path', async () => {
      const body = '{"orders":[{"symbol":"SPY","deltaWeight":0.1,"deltaWeight":0.5}]}';
      expectHttpError(
        await post('/api/v1/risk/check', body, json),
        400,
        'INVALID_PARAMETER',
        'orders[0].deltaWeight',
      );
    });

    it.each([
      ['GET', '/api/v1/predict', 'POST'],
      ['PUT', '/api/v1/risk/check', 'POST'],
      ['POST', '/api/v1/features/SPY/1d', 'GET'],
      ['DELETE', '/api/v1/features/SPY/1d/series', 'GET'],
      ['POST', '/healthz', 'GET'],
    ])('%s %s is a 405 that says Allow: %s', async (method, path, allow) => {
      const reply = await http(`${target().engineUrl}${path}`, {
        method,
        headers: { 'x-api-key': target().apiKey },
      });
      expectHttpError(reply, 405, 'METHOD_NOT_ALLOWED');
      expect(reply.headers.get('allow')).toBe(allow);
    });

    it('oversized and malformed bodies stay JSON errors naming body', async () => {
      const big = JSON.stringify({ symbol: 'SPY', timeframe: '1d', requestKey: 'x'.repeat(70 * 1024) });
      expectHttpError(await post('/api/v1/predict', big, json), 400, 'INVALID_PARAMETER', 'body');
      expectHttpError(await post('/api/v1/predict', '{"symbol":', json), 400, 'INVALID_PARAMETER', 'body');
    });

    it.each([
      [
        'mutation Fit($symbol: String!, $timeframe: String) { fitRegimeModel(symbol: $symbol, timeframe: $timeframe) }',
        'regime.fit',
      ],
      [
        'mutation Backfill($symbol: String!, $timeframe: String!) { backfillFeatures(symbols: [$symbol], timeframe: $timeframe) }',
        'features.backfill',
      ],
    ])(
      'a job asked with an invalid timeframe is refused at the mutation (%#), and none is enqueued',
      async (query, action) => {
        const cookie = await signIn(target(), target().admin);
        const audited = () =>
          countRows(target(), 'SELECT count(*) FROM audit_log WHERE action = $1', [action]);
        const before = await audited();
        const reply = await gql(target(), query, { symbol: 'SPY', timeframe: '2d' }, cookie);
        // An admin's ad-hoc operation (production runs with GRAPHQL_ADHOC_OPERATIONS=admin).
        expect(firstCode(reply)).toBe('BAD_USER_INPUT');
        expect(reply.errors?.[0]?.extensions?.field).toBe('timeframe');
        expect(await audited()).toBe(before);
      },
    );
  });
}
