// The outcome ledger's GraphQL: forged cursors, page sizes and point counts past their caps,
// unknown groupings and books, impossible times and SQL-ish or control-character strings.
// Each is BAD_USER_INPUT naming the argument (an unknown enum value: a validation error), or
// an empty answer — never a 500, never a leak, and the ledger answers as before.
import { describe, expect, it } from 'vitest';
import { countRows, firstCode, gql, signIn, wsGql, type HostileTarget } from '../target';

const OUTCOMES = `query Outcomes($filter: OutcomeFilter, $first: Int, $after: String) {
  outcomes(filter: $filter, first: $first, after: $after) {
    items { decisionId symbol arm status net }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SUMMARY = `query OutcomeSummary($filter: OutcomeSummaryFilter, $groupBy: OutcomeGrouping) {
  outcomeSummary(filter: $filter, groupBy: $groupBy) { truncated groups { group decisions recorded waiting } }
}`;
const EQUITY = `query PortfolioEquity($portfolioId: String!, $maxPoints: Int) {
  portfolioEquity(portfolioId: $portfolioId, maxPoints: $maxPoints) { portfolioId decisions finalEquity points { equity } }
}`;
const DECISION_OUTCOME = `query DecisionOutcome($id: ID!) { decisionOutcome(decisionId: $id) { status net } }`;

const SQLISH = ["' OR 1=1 --", "x'; DROP TABLE decision_outcomes; --", '%', '_', 'a\u0000b', '$1', '\\x00'];
/** A well-formed decision id (a ULID) that no decision has. */
const ID = '01JF0000000000000000000000';
const cursorOf = (envelope: unknown) => Buffer.from(JSON.stringify(envelope)).toString('base64url');

export function outcomeCases(target: () => HostileTarget): void {
  const asAdmin = async (query: string, variables?: Record<string, unknown>) =>
    gql(target(), query, variables, await signIn(target(), target().admin));
  const refused = async (query: string, variables: Record<string, unknown>, field: string) => {
    const reply = await asAdmin(query, variables);
    expect({ code: firstCode(reply), field: reply.errors?.[0]?.extensions?.field }).toEqual({
      code: 'BAD_USER_INPUT',
      field,
    });
    expect(reply.status).toBeLessThan(500);
  };

  describe('outcome ledger over GraphQL', () => {
    it.each([
      ['not base64 JSON', 'not-a-cursor'],
      ['another list’s cursor', cursorOf({ k: 'forensics', p: { decidedAtMs: 0, id: ID } })],
      [
        'a forged arm',
        cursorOf({
          k: 'outcomes',
          p: { decidedAtMs: 0, id: ID, symbol: 'SPY', arm: "x' OR 1=1" },
        }),
      ],
      [
        'a NUL in the symbol',
        cursorOf({
          k: 'outcomes',
          p: { decidedAtMs: 0, id: ID, symbol: 'a\u0000', arm: 'shadow' },
        }),
      ],
      [
        'a time PostgreSQL cannot hold',
        cursorOf({
          k: 'outcomes',
          p: { decidedAtMs: 1e20, id: ID, symbol: 'SPY', arm: 'shadow' },
        }),
      ],
      ['a huge cursor', 'A'.repeat(100_000)],
    ])('outcomes refuses %s as after', async (_name, after) => {
      await refused(OUTCOMES, { after }, 'after');
    });

    it.each([0, -1, 501, 1e9, 2 ** 31 - 1])('outcomes refuses first=%s', async (first) => {
      await refused(OUTCOMES, { first }, 'first');
    });

    it.each([0, 5001, 1e9])('portfolioEquity refuses maxPoints=%s', async (maxPoints) => {
      await refused(EQUITY, { portfolioId: 'paper', maxPoints }, 'maxPoints');
    });

    it('outcomePortfolios refuses first past its cap', async () => {
      await refused('query { outcomePortfolios(first: 100000) { portfolioId } }', {}, 'first');
    });

    it.each(['WEEK', 'arm', "ARM' OR 1=1", ''])(
      'outcomeSummary refuses groupBy=%s as a validation error',
      async (groupBy) => {
        const reply = await asAdmin(SUMMARY, { groupBy });
        expect(reply.status).toBeLessThan(500);
        expect(firstCode(reply)).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/);
        expect(reply.data?.outcomeSummary ?? null).toBeNull();
      },
    );

    it.each(['2019-02-30', '2018-06-01T10:00:00', '1700000000', '9999-12-31', "2019-01-01' OR 1=1"])(
      'refuses filter.from=%s naming it, on every ledger query',
      async (from) => {
        await refused(OUTCOMES, { filter: { from } }, 'filter.from');
        await refused(SUMMARY, { filter: { from } }, 'filter.from');
      },
    );

    it.each(SQLISH)('refuses the book id %j naming it', async (portfolioId) => {
      await refused(EQUITY, { portfolioId }, 'portfolioId');
      await refused(OUTCOMES, { filter: { portfolioId } }, 'filter.portfolioId');
      await refused(SUMMARY, { filter: { portfolioId } }, 'filter.portfolioId');
    });

    it.each(SQLISH.filter((s) => !/^[A-Za-z0-9._-]+$/.test(s)))(
      'refuses the symbol %j naming it',
      async (symbol) => {
        await refused(OUTCOMES, { filter: { symbol } }, 'filter.symbol');
      },
    );

    it('looks a SQL-ish model label up as text: nothing matches', async () => {
      for (const modelLabel of ["' OR 1=1 --", '%', 'momentum@v1+x; DROP TABLE users']) {
        const reply = await asAdmin(OUTCOMES, { filter: { modelLabel } });
        expect(firstCode(reply)).toBeUndefined();
        expect(reply.data.outcomes.items).toEqual([]);
      }
      await refused(OUTCOMES, { filter: { modelLabel: 'a\u0000b' } }, 'filter.modelLabel');
    });

    it('answers an unknown book and an unknown decision with empty results', async () => {
      const equity = await asAdmin(EQUITY, { portfolioId: 'nobody-has-this-book' });
      expect(firstCode(equity)).toBeUndefined();
      expect(equity.data.portfolioEquity).toEqual({
        portfolioId: 'nobody-has-this-book',
        decisions: 0,
        finalEquity: 1,
        points: [],
      });
      const summary = await asAdmin(SUMMARY, {
        filter: { portfolioId: 'nobody-has-this-book' },
        groupBy: 'DAY',
      });
      expect(summary.data.outcomeSummary).toEqual({ truncated: false, groups: [] });
      const outcome = await asAdmin(DECISION_OUTCOME, { id: ID });
      expect(firstCode(outcome)).toBeUndefined();
      expect(outcome.data.decisionOutcome).toBeNull();
    });

    it.each(['nope', "' OR 1=1 --", 'Z'.repeat(26), '8'.repeat(26)])(
      'decisionOutcome refuses the id %j naming it',
      async (id) => {
        await refused(DECISION_OUTCOME, { id }, 'decisionId');
      },
    );

    it('the subscription refuses a bad book id over WebSocket, naming it', async () => {
      const cookie = await signIn(target(), target().admin);
      const reply = await wsGql(
        target(),
        'subscription OutcomeRecorded($p: String) { outcomeRecorded(portfolioId: $p) { decisionId } }',
        { p: "x'; --" },
        cookie,
      );
      expect({ code: firstCode(reply), field: reply.errors?.[0]?.extensions?.field }).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'portfolioId',
      });
    });

    it('an anonymous client reads nothing of the ledger', async () => {
      const reply = await gql(target(), 'query { outcomePortfolios { portfolioId } }');
      expect(firstCode(reply)).toMatch(/^(UNAUTHENTICATED|OPERATION_NOT_TRUSTED)$/);
      expect(reply.data?.outcomePortfolios ?? null).toBeNull();
    });

    it('leaves the ledger and its users as they were', async () => {
      const reply = await asAdmin(OUTCOMES, { first: 1 });
      expect(firstCode(reply)).toBeUndefined();
      expect(reply.data.outcomes.items.length).toBeLessThanOrEqual(1);
      expect(
        await countRows(target(), 'SELECT count(*) FROM users WHERE email = $1', [target().admin.email]),
      ).toBe(1);
    });
  });
}
