// The rollouts GraphQL: ids that are not UUIDs, page sizes past their cap, forged cursors, plans
// that go backwards, past 100 %, negative, enormous or not numbers at all, unknown candidates, a
// quant or a viewer trying to start or end one, and a reason of 100 KB. Each is refused with
// the field named (a value GraphQL itself cannot coerce: its own BAD_USER_INPUT) — never a 500,
// never a leak — and no rollout is ever started.
import { openRepositories } from '@tradeplane/db';
import { hashPassword } from '@tradeplane/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { countRows, firstCode, gql, signIn, wsGql, type HostileTarget } from '../target';

const QUANT = { email: 'quant@hostile.test', password: 'hostile-quant-password-1' };
const ROLLOUT = `query Rollout($id: ID!) { rollout(id: $id) { id status } }`;
const ROLLOUTS = `query Rollouts($first: Int, $after: String) {
  rollouts(first: $first, after: $after) { items { id } pageInfo { hasNextPage endCursor } }
}`;
const START = `mutation StartRollout($i: StartRolloutInput!) { startRollout(input: $i) { id status } }`;
const ABORT = `mutation AbortRollout($id: ID!, $r: String!) { abortRollout(id: $id, reason: $r) { id } }`;
const PAUSE = `mutation PauseRollout($id: ID!, $r: String!) { pauseRollout(id: $id, reason: $r) { id } }`;

const BAD_IDS: Array<[string, string]> = [
  ['a word', 'nope'],
  ['SQL', "' OR 1=1 --"],
  ['a UUID with a non-hex digit', '00000000-0000-0000-0000-00000000000g'],
  ['a NUL', 'a\u0000b'],
  ['10,000 characters', 'x'.repeat(10_000)],
];
const SOME_ID = '4f1f5f0e-3c1b-4d6e-9a55-0c6b0f3a9e01';
const CANDIDATE = [{ name: 'momentum', version: 1 }];
const step = (percent: number, over: Record<string, unknown> = {}) => ({
  percent,
  minDecisions: 100,
  maxDurationMinutes: 60,
  ...over,
});
const cursorOf = (envelope: unknown) => Buffer.from(JSON.stringify(envelope)).toString('base64url');

export function rolloutCases(target: () => HostileTarget): void {
  const as = async (account: { email: string; password: string }, query: string, variables?: object) =>
    gql(target(), query, variables as Record<string, unknown>, await signIn(target(), account));
  const refused = async (query: string, variables: object, field: string | undefined) => {
    const reply = await as(target().admin, query, variables);
    expect({ code: firstCode(reply), field: reply.errors?.[0]?.extensions?.field }).toEqual({
      code: 'BAD_USER_INPUT',
      field,
    });
    if (field) expect(reply.errors?.[0]?.message).toContain(field);
    expect(reply.status).toBeLessThan(500);
  };
  /** The roles that may not act: FORBIDDEN, or (production) refused before, as an ad-hoc operation. */
  const forbidden = (reply: Awaited<ReturnType<typeof as>>) =>
    expect(firstCode(reply)).toMatch(
      target().mode === 'development' ? /^FORBIDDEN$/ : /^(FORBIDDEN|OPERATION_NOT_TRUSTED)$/,
    );

  describe('rollouts over GraphQL', () => {
    beforeAll(async () => {
      const repos = openRepositories({ url: target().databaseUrl, poolMax: 1 });
      try {
        if (!(await repos.users.findByEmail(QUANT.email)))
          await repos.users.create(QUANT.email, await hashPassword(QUANT.password), 'quant');
      } finally {
        await repos.db.close();
      }
    });

    it.each(BAD_IDS)('refuses %s as the id naming it, on reads and on actions', async (_name, id) => {
      await refused(ROLLOUT, { id }, 'id');
      await refused(ABORT, { id, r: 'hostile' }, 'id');
      await refused(PAUSE, { id, r: 'hostile' }, 'id');
    });

    it('answers an id no rollout has with null, and an action on it with NOT_FOUND naming it', async () => {
      const read = await as(target().admin, ROLLOUT, { id: SOME_ID });
      expect(firstCode(read)).toBeUndefined();
      expect(read.data.rollout).toBeNull();
      const act = await as(target().admin, ABORT, { id: SOME_ID, r: 'hostile' });
      expect({ code: firstCode(act), field: act.errors?.[0]?.extensions?.field }).toEqual({
        code: 'NOT_FOUND',
        field: 'id',
      });
    });

    it.each([0, -1, 101, 1e9, 2 ** 31 - 1])('rollouts refuses first=%s', async (first) => {
      await refused(ROLLOUTS, { first }, 'first');
    });

    it.each([
      ['not base64 JSON', 'not-a-cursor'],
      ['another list’s cursor', cursorOf({ k: 'outcomes', p: { createdAtMs: 0, id: SOME_ID } })],
      ['a forged id', cursorOf({ k: 'rollout', p: { createdAtMs: 0, id: "x' OR 1=1 --" } })],
      ['a time PostgreSQL cannot hold', cursorOf({ k: 'rollout', p: { createdAtMs: 1e20, id: SOME_ID } })],
      ['a huge cursor', 'A'.repeat(100_000)],
    ])('rollouts refuses %s as after', async (_name, after) => {
      await refused(ROLLOUTS, { after }, 'after');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['decreasing steps', { steps: [step(0), step(25), step(5)] }, 'input.steps.2.percent'],
      ['a repeated share', { steps: [step(0), step(0)] }, 'input.steps.1.percent'],
      ['percent 150', { steps: [step(0), step(150)] }, 'input.steps.1.percent'],
      ['a negative percent', { steps: [step(-5)] }, 'input.steps.0.percent'],
      [
        'a negative duration',
        { steps: [step(0, { maxDurationMinutes: -60 })] },
        'input.steps.0.maxDurationMinutes',
      ],
      [
        'a zero duration',
        { steps: [step(0, { maxDurationMinutes: 0 })] },
        'input.steps.0.maxDurationMinutes',
      ],
      [
        'a duration of 1e308 minutes',
        { steps: [step(0, { maxDurationMinutes: 1e308 })] },
        'input.steps.0.maxDurationMinutes',
      ],
      ['no decisions', { steps: [step(0, { minDecisions: 0 })] }, 'input.steps.0.minDecisions'],
      ['10,000 steps', { steps: Array.from({ length: 10_000 }, (_, i) => step(i / 100)) }, 'input.steps'],
      ['no steps', { steps: [] }, 'input.steps'],
      ['an A/B test at 100 %', { kind: 'AB', steps: [step(100)] }, 'input.steps.0.percent'],
      ['alpha 0', { analysis: { alpha: 0 } }, 'input.analysis.alpha'],
      ['alpha 1', { analysis: { alpha: 1 } }, 'input.analysis.alpha'],
      ['a negative latency bound', { guards: { latency: { p95Ms: -1 } } }, 'input.guards.latency.p95Ms'],
      [
        'an unknown candidate',
        { candidate: [{ name: 'no-such-model', version: 1 }] },
        'input.candidate.0.name',
      ],
      [
        'a SQL-ish candidate',
        { candidate: [{ name: "momentum'; DROP TABLE rollouts; --", version: 1 }] },
        'input.candidate.0.name',
      ],
      [
        'a version no model has',
        { candidate: [{ name: 'momentum', version: 99_999 }] },
        'input.candidate.0.version',
      ],
      ['the production set itself', { candidate: CANDIDATE }, 'input.candidate'],
      ['a blank reason', { reason: ' \t ' }, 'input.reason'],
      ['a reason of 100 KB', { reason: 'why '.repeat(25_000) }, 'input.reason'],
      ['an unknown timeframe', { timeframe: "1d' OR 1=1" }, 'input.timeframe'],
    ])('startRollout refuses %s naming the field', async (_name, input, field) => {
      await refused(START, { i: { candidate: CANDIDATE, reason: 'hostile', ...input } }, field);
    });

    it.each<[string, Record<string, unknown>]>([
      ['a NaN share', { steps: [step(0), { ...step(5), percent: 'NaN' }] }],
      ['an Infinity duration', { steps: [{ ...step(0), maxDurationMinutes: 'Infinity' }] }],
      ['a fractional decision count', { steps: [step(0, { minDecisions: 1.5 })] }],
      ['a huge decision count', { steps: [step(0, { minDecisions: 1e12 })] }],
      ['a string version', { candidate: [{ name: 'momentum', version: '2; DROP TABLE rollouts' }] }],
      ['an unknown kind', { kind: 'CANARY_ONLY' }],
    ])('startRollout refuses %s as GraphQL input', async (_name, input) => {
      const reply = await as(target().admin, START, {
        i: { candidate: CANDIDATE, reason: 'hostile', ...input },
      });
      expect(reply.status).toBeLessThan(500);
      expect(firstCode(reply)).toBe('BAD_USER_INPUT');
      expect(reply.data?.startRollout ?? null).toBeNull();
    });

    it('refuses an action with a reason of 100 KB naming it', async () => {
      await refused(ABORT, { id: SOME_ID, r: 'why '.repeat(25_000) }, 'reason');
      await refused(ABORT, { id: SOME_ID, r: '' }, 'reason');
    });

    it('a quant and a viewer may read rollouts but neither start nor end one', async () => {
      for (const account of [QUANT, target().viewer]) {
        forbidden(await as(account, START, { i: { candidate: CANDIDATE, reason: 'not my call' } }));
        forbidden(await as(account, ABORT, { id: SOME_ID, r: 'not my call' }));
      }
      const read = await as(QUANT, ROLLOUTS, { first: 5 });
      if (target().mode === 'development') {
        expect(firstCode(read)).toBeUndefined();
        expect(read.data.rollouts.items).toEqual([]);
      }
    });

    it('an anonymous client reads nothing and starts nothing', async () => {
      const read = await gql(target(), 'query { activeRollout { id } }');
      expect(firstCode(read)).toMatch(/^(UNAUTHENTICATED|OPERATION_NOT_TRUSTED)$/);
      const start = await gql(target(), START, { i: { candidate: CANDIDATE, reason: 'anonymous' } });
      expect(firstCode(start)).toMatch(/^(UNAUTHENTICATED|OPERATION_NOT_TRUSTED)$/);
    });

    it('the subscription refuses a bad id over WebSocket, naming it', async () => {
      const cookie = await signIn(target(), target().admin);
      const reply = await wsGql(
        target(),
        'subscription RolloutChanged($id: ID) { rolloutChanged(id: $id) { rolloutId } }',
        { id: "x'; --" },
        cookie,
      );
      expect({ code: firstCode(reply), field: reply.errors?.[0]?.extensions?.field }).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'id',
      });
    });

    it('started no rollout', async () => {
      expect(await countRows(target(), 'SELECT count(*) FROM rollouts')).toBe(0);
      expect(await countRows(target(), "SELECT count(*) FROM audit_log WHERE action LIKE 'rollout.%'")).toBe(
        0,
      );
    });
  });
}
