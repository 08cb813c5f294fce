// Odd bytes at the edge: bad percent-encoding in path segments, NUL and other control
// characters in strings, forged or out-of-range pagination cursors, out-of-range page sizes.
// Each is refused where it enters, naming the segment / field / argument; none is a 500.
import { describe, expect, it } from 'vitest';
import { expectRefusedOverWs } from './time';
import {
  expectHttpError,
  firstCode,
  gql,
  http,
  rawRequest,
  signIn,
  wsGql,
  type HostileTarget,
} from '../target';

/** The console's operations, as the console sends them (trusted in production). */
const BARS = `query Bars($symbol: String!, $timeframe: String!, $first: Int, $after: String) {
  bars(symbol: $symbol, timeframe: $timeframe, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { time open high low close volume } }
  }
}`;
const TRAINING_JOBS =
  'query TrainingJobs($first: Int) { trainingJobs(first: $first) { id state failedReason runId modelName modelVersion modelSet versions { modelName version } progress { jobId stage fraction epoch message metrics runId at } } }';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const FORGED_CURSORS = [
  'not a cursor!!',
  '%%%%',
  b64('garbage that is not JSON'),
  b64('{"k":"bar"}'),
  b64('{"k":"run","p":{"ts":1}}'), // another list's kind
  b64('{"k":"bar","p":{"ts":-1e300}}'),
  b64('{"k":"bar","p":{"ts":1e300}}'),
  b64('{"k":"bar","p":{"ts":"2018-01-01"}}'),
  b64('{"k":"bar","p":{"ts":1.5}}'),
  'A'.repeat(10_000),
];

export function oddBytesCases(target: () => HostileTarget): void {
  const engine = (path: string) =>
    rawRequest(target().engineUrl, 'GET', path, { 'x-api-key': target().apiKey });
  const predict = (body: unknown) =>
    http(`${target().engineUrl}/api/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': target().apiKey },
      body: JSON.stringify(body),
    });

  describe('odd bytes', () => {
    it.each([
      ['/api/v1/features/%E0%A4%A/1d', 'symbol'],
      ['/api/v1/features/SPY/%E0%A4%A', 'timeframe'],
      ['/api/v1/features/SPY/%/series', 'timeframe'],
      ['/api/v1/features/%ZZ/1d/series', 'symbol'],
      ['/api/v1/%E0%A4%A', 'path'],
      ['/api/v1/features/SP%00Y/1d', 'symbol'],
      ['/api/v1/features/SPY/1d%00', 'timeframe'],
    ])('the engine answers %s with a 400 naming %s', async (path, field) => {
      expectHttpError(await engine(path), 400, 'INVALID_PARAMETER', field);
    });

    it.each([
      [{ symbol: 'SP\u0000Y', timeframe: '1d' }, 'symbol'],
      [{ symbols: ['SPY', 'A\u0000'], timeframe: '1d' }, 'symbols[1]'],
      [{ symbol: 'SPY', timeframe: '1d\u0000' }, 'timeframe'],
      [{ symbol: 'SPY', timeframe: '1d', requestKey: 'key\u0000with-nul' }, 'requestKey'],
      [{ symbol: 'SPY', timeframe: '1d', requestKey: 'line\nbreak' }, 'requestKey'],
      [{ symbol: 'SPY', timeframe: '1d', portfolio: { 'SP\u0001Y': 0.1 } }, 'portfolio.SP\u0001Y'],
    ])('predict refuses control characters in %j naming the field', async (body, field) => {
      expectHttpError(await predict(body), 400, 'INVALID_PARAMETER', field);
    });

    it('the REST forensics lookup answers a NUL in the id as a JSON 400', async () => {
      const reply = await rawRequest(target().gatewayUrl, 'GET', '/api/v1/forensics/%00', {
        'x-api-key': target().apiKey,
      });
      expectHttpError(reply, 400, 'BAD_REQUEST', 'decisionId');
    });

    it.each(FORGED_CURSORS.map((c) => [c.slice(0, 40), c]))(
      'a forged bars cursor %s is BAD_USER_INPUT naming after, on both transports',
      async (_, after) => {
        const cookie = await signIn(target(), target().viewer);
        const variables = { symbol: 'SPY', timeframe: '1d', first: 5, after };
        const reply = await gql(target(), BARS, variables, cookie);
        expect(firstCode(reply)).toBe('BAD_USER_INPUT');
        expect(reply.errors?.[0]?.extensions?.field).toBe('after');
        expectRefusedOverWs(await wsGql(target(), BARS, variables, cookie), 'after');
      },
    );

    it('a cursor the bars list handed out still pages', async () => {
      const cookie = await signIn(target(), target().viewer);
      const first = await gql(
        target(),
        BARS,
        { symbol: 'SPY', timeframe: '1d', first: 2, after: null },
        cookie,
      );
      const after = first.data.bars.pageInfo.endCursor;
      const next = await gql(target(), BARS, { symbol: 'SPY', timeframe: '1d', first: 2, after }, cookie);
      expect(firstCode(next)).toBeUndefined();
      expect(next.data.bars.edges).toHaveLength(2);
    });

    it.each([0, -1, 101, 100_000])('trainingJobs refuses first=%d like every other list', async (first) => {
      const cookie = await signIn(target(), target().viewer);
      const reply = await gql(target(), TRAINING_JOBS, { first }, cookie);
      expect(firstCode(reply)).toBe('BAD_USER_INPUT');
      expect(reply.errors?.[0]?.extensions?.field).toBe('first');
    });

    it.each([0, 10_001])('bars refuses first=%d', async (first) => {
      const cookie = await signIn(target(), target().viewer);
      const reply = await gql(target(), BARS, { symbol: 'SPY', timeframe: '1d', first, after: null }, cookie);
      expect(firstCode(reply)).toBe('BAD_USER_INPUT');
      expect(reply.errors?.[0]?.extensions?.field).toBe('first');
    });
  });
}
