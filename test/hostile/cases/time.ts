// Time that moves: impossible calendar dates, unit mistakes, zone-less and far-future instants
// on every boundary that takes a time (engine REST, predict bodies, GraphQL DateTime, job
// payload dates). Each is a 400 / BAD_USER_INPUT naming the field, never a later day or a 500.
import { describe, expect, it } from 'vitest';
import {
  countRows,
  expectHttpError,
  firstCode,
  gql,
  http,
  signIn,
  wsGql,
  type HostileTarget,
} from '../target';

/** Refused as they stand: impossible days and times, unit mistakes, out of the accepted range. */
const BAD_TIMES = [
  '2018-02-30',
  '2019-02-29',
  '2018-04-31',
  '2018-06-01T24:00:00Z',
  '2018-06-01T23:60:00Z',
  '2018-06-01T10:00:00', // no zone
  '9999-12-31',
  '1700000000000000', // 16 digits: epoch microseconds
  '1700000000', // epoch seconds read as milliseconds (January 1970)
  '17000000000000000000000',
];

/** The console's forensics list operation, as the console sends it. */
const FORENSICS_DECISIONS = `query ForensicsDecisions($symbol: String, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  forensicsDecisions(symbol: $symbol, from: $from, to: $to, first: $first, after: $after) {
    items { decisionId decidedAt explainedAt requestKey symbols arm verdict status }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** BAD_USER_INPUT naming `field`, and no data. */
export function expectBadUserInput(
  target: HostileTarget,
  reply: { errors?: Array<{ extensions?: { code?: string; field?: string } }> } & Parameters<
    typeof firstCode
  >[0],
  field: string,
): void {
  const code = firstCode(reply);
  expect({ code, field: reply.errors?.[0]?.extensions?.field }).toEqual({ code: 'BAD_USER_INPUT', field });
  expect(reply.data?.forensicsDecisions ?? null).toBeNull();
}

/** Over graphql-ws the same refusal as over HTTP: BAD_USER_INPUT naming `field`, message first. */
export function expectRefusedOverWs(
  reply: {
    errors?: Array<{ message?: string; extensions?: { code?: string; field?: string } }>;
  } & Parameters<typeof firstCode>[0],
  field: string,
): void {
  expect({ code: firstCode(reply), field: reply.errors?.[0]?.extensions?.field }).toEqual({
    code: 'BAD_USER_INPUT',
    field,
  });
  expect(reply.errors?.[0]?.message ?? '').toMatch(new RegExp(`^${field}\\b`));
}

export function timeCases(target: () => HostileTarget): void {
  const engineGet = (path: string) =>
    http(`${target().engineUrl}${path}`, { headers: { 'x-api-key': target().apiKey } });
  const predict = (body: unknown) =>
    http(`${target().engineUrl}/api/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': target().apiKey },
      body: JSON.stringify(body),
    });

  describe('time that moves', () => {
    it.each(BAD_TIMES)('the engine refuses asOf=%s naming asOf', async (asOf) => {
      expectHttpError(
        await engineGet(`/api/v1/features/SPY/1d?asOf=${asOf}`),
        400,
        'INVALID_PARAMETER',
        'asOf',
      );
    });

    it('the engine refuses bad series bounds naming the bound', async () => {
      const from = await engineGet('/api/v1/features/SPY/1d/series?from=2018-02-30&to=2018-03-31');
      expectHttpError(from, 400, 'INVALID_PARAMETER', 'from');
      const to = await engineGet('/api/v1/features/SPY/1d/series?from=2018-01-01&to=1700000000000000');
      expectHttpError(to, 400, 'INVALID_PARAMETER', 'to');
    });

    it('a valid date is read as that day, not moved', async () => {
      const reply = await engineGet('/api/v1/features/SPY/1d?asOf=2018-02-28');
      expect(reply.status).toBe(200);
      expect(Date.parse(reply.json.barTime)).toBeLessThanOrEqual(Date.UTC(2018, 1, 28));
    });

    it.each([...BAD_TIMES, 1_700_000_000_000_000, 1_700_000_000, 1.5, -1])(
      'predict refuses asOf %j naming asOf',
      async (asOf) => {
        expectHttpError(
          await predict({ symbol: 'SPY', timeframe: '1d', asOf }),
          400,
          'INVALID_PARAMETER',
          'asOf',
        );
      },
    );

    it.each(['2018-02-30', '2019-02-29T00:00:00Z', '3000-01-01', '1700000000000000'])(
      'a DateTime variable %s is BAD_USER_INPUT naming the argument, on both transports',
      async (from) => {
        const cookie = await signIn(target(), target().viewer);
        const variables = { from, first: 5 };
        expectBadUserInput(target(), await gql(target(), FORENSICS_DECISIONS, variables, cookie), 'from');
        expectRefusedOverWs(await wsGql(target(), FORENSICS_DECISIONS, variables, cookie), 'from');
      },
    );

    it('a DateTime literal is BAD_USER_INPUT naming the argument, on both transports', async () => {
      // An admin's ad-hoc operation (production runs with GRAPHQL_ADHOC_OPERATIONS=admin).
      const cookie = await signIn(target(), target().admin);
      const query = '{ forensicsDecisions(to: "2018-02-30") { items { decisionId } } }';
      expectBadUserInput(target(), await gql(target(), query, undefined, cookie), 'to');
      expectRefusedOverWs(await wsGql(target(), query, undefined, cookie), 'to');
    });

    it('a training split on an impossible day is refused at the mutation, and nothing is started', async () => {
      const cookie = await signIn(target(), target().admin);
      const reply = await gql(
        target(),
        'mutation StartTraining($config: TrainingConfigInput) { startTraining(config: $config) { id } }',
        {
          config: {
            splits: {
              trainFrom: '1994-01-01',
              trainTo: '2005-12-31',
              validationFrom: '2006-01-01',
              validationTo: '2011-12-31',
              testFrom: '2012-01-01',
              testTo: '2018-02-30',
            },
          },
        },
        cookie,
      );
      expect(firstCode(reply)).toBe('BAD_USER_INPUT');
      expect(reply.errors?.[0]?.extensions?.field).toBe('config.splits.testTo');
      const stored =
        "SELECT count(*) FROM audit_log WHERE action = 'training.start' AND details::text LIKE '%2018-02-30%'";
      expect(await countRows(target(), stored)).toBe(0);
    });
  });
}
