// One pipeline on both transports: the same hostile operation over HTTP and over graphql-ws
// is answered with the same code, and a subscription ends with its session.
import { createHash } from 'node:crypto';
import { createDb } from '@tradeplane/db';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { consoleOperation, firstCode, gql, signIn, wsGql, type HostileTarget, type Json } from '../target';

/** Within this long after a logout, the session's subscriptions have ended (pub/sub, every replica). */
const LOGOUT_BOUND_MS = 2_000;
/** SESSION_RECHECK_S's default, plus a second for the close to arrive. */
const EXPIRY_BOUND_MS = 6_000;

/** The codes of the first error over each transport, after checking that neither leaks. */
async function codesOnBoth(
  target: HostileTarget,
  query: string,
  variables?: Record<string, unknown>,
  cookie?: string,
): Promise<{ http: string | undefined; ws: string | undefined }> {
  const [overHttp, overWs] = [
    await gql(target, query, variables, cookie),
    await wsGql(target, query, variables, cookie),
  ];
  return { http: firstCode(overHttp), ws: firstCode(overWs) };
}

/** A subscription that stays open: what it received, and how it ended. */
function openSubscription(target: HostileTarget, query: string, cookie: string) {
  const received: Json[] = [];
  let endedAt: number | undefined;
  let ending: Json;
  const client = createClient({
    url: target.gatewayUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie } });
      }
    },
    retryAttempts: 0,
  });
  const acknowledged = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  const done = new Promise<void>((resolve) => {
    client.subscribe(
      { query },
      {
        next: (value) => received.push(value),
        error: (err) => {
          endedAt = Date.now();
          ending = err;
          resolve();
        },
        complete: () => {
          endedAt = Date.now();
          resolve();
        },
      },
    );
  });
  return {
    received,
    acknowledged,
    ended: (withinMs: number) =>
      Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, withinMs))]).then(() => ({
        endedAt,
        closeCode: (ending as { code?: number } | undefined)?.code,
      })),
    dispose: () => client.dispose(),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function graphqlTransportCases(target: () => HostileTarget): void {
  describe('GraphQL over HTTP and WebSocket: one pipeline', () => {
    it('1,000 aliases of one field: the same refusal on both (the token limit)', async () => {
      const cookie = await signIn(target(), target().admin);
      const query = `{ ${Array.from({ length: 1000 }, (_, i) => `m${i}: me { email }`).join(' ')} }`;
      expect(await codesOnBoth(target(), query, undefined, cookie)).toEqual({
        http: 'GRAPHQL_PARSE_FAILED',
        ws: 'GRAPHQL_PARSE_FAILED',
      });
    });

    it('aliases past the alias limit: the same validation error on both', async () => {
      const cookie = await signIn(target(), target().admin);
      const query = `{ ${Array.from({ length: 60 }, (_, i) => `m${i}: me { email }`).join(' ')} }`;
      expect(await codesOnBoth(target(), query, undefined, cookie)).toEqual({
        http: 'GRAPHQL_VALIDATION_FAILED',
        ws: 'GRAPHQL_VALIDATION_FAILED',
      });
    });

    it('a document that does not parse: GRAPHQL_PARSE_FAILED on both', async () => {
      const cookie = await signIn(target(), target().admin);
      expect(await codesOnBoth(target(), '{ me { email ', undefined, cookie)).toEqual({
        http: 'GRAPHQL_PARSE_FAILED',
        ws: 'GRAPHQL_PARSE_FAILED',
      });
    });

    it('a variable of the wrong type: BAD_USER_INPUT on both', async () => {
      const cookie = await signIn(target(), target().admin);
      const query = 'query Runs($n: Int!) { ingestionRuns(first: $n) { id } }';
      expect(await codesOnBoth(target(), query, { n: 'ten' }, cookie)).toEqual({
        http: 'BAD_USER_INPUT',
        ws: 'BAD_USER_INPUT',
      });
    });

    it('an unknown field: no schema suggestion in production, on either transport', async () => {
      const cookie = await signIn(target(), target().admin);
      const query = '{ helth { ok } }';
      const [overHttp, overWs] = [
        await gql(target(), query, {}, cookie),
        await wsGql(target(), query, {}, cookie),
      ];
      expect([firstCode(overHttp), firstCode(overWs)]).toEqual([
        'GRAPHQL_VALIDATION_FAILED',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      for (const reply of [overHttp, overWs]) {
        expect(reply.text).not.toContain('stacktrace');
        if (target().mode === 'production') expect(reply.text).not.toMatch(/Did you mean/);
      }
    });

    it('introspection: refused on both in production, served on both in development', async () => {
      const cookie = await signIn(target(), target().admin);
      const query = '{ __schema { queryType { name } } }';
      const codes = await codesOnBoth(target(), query, undefined, cookie);
      const expected = target().mode === 'production' ? 'GRAPHQL_VALIDATION_FAILED' : undefined;
      expect(codes).toEqual({ http: expected, ws: expected });
    });

    it('an anonymous ad-hoc operation: not trusted in production on both, run in development', async () => {
      const codes = await codesOnBoth(target(), '{ health { ok } }');
      const expected = target().mode === 'production' ? 'OPERATION_NOT_TRUSTED' : undefined;
      expect(codes).toEqual({ http: expected, ws: expected });
    });

    it('a resolver’s own error carries its code on both (the console’s operation, anonymous)', async () => {
      const query = consoleOperation('features/data/operations.ts INGESTION_RUNS');
      expect(await codesOnBoth(target(), query)).toEqual({ http: 'UNAUTHENTICATED', ws: 'UNAUTHENTICATED' });
    });
  });

  describe('a subscription ends with its session', () => {
    const subscription = () => consoleOperation('features/trading/operations.ts TRADING_STATE_CHANGED');

    it(`logout over HTTP closes the session's subscription within ${LOGOUT_BOUND_MS} ms, and nothing arrives after`, async () => {
      const viewer = await signIn(target(), target().viewer);
      const live = openSubscription(target(), subscription(), viewer);
      try {
        await live.acknowledged;
        await new Promise((resolve) => setTimeout(resolve, 200));
        const loggedOut = Date.now();
        const reply = await gql(target(), consoleOperation('features/auth/operations.ts LOGOUT'), {}, viewer);
        expect(firstCode(reply)).toBeUndefined();
        const { endedAt, closeCode } = await live.ended(LOGOUT_BOUND_MS);
        expect(endedAt, 'the subscription did not end').toBeDefined();
        expect(endedAt! - loggedOut).toBeLessThanOrEqual(LOGOUT_BOUND_MS);
        expect(closeCode).toBe(4401);
        // A state change after the logout reaches the admin's subscribers, not this one.
        const admin = await signIn(target(), target().admin);
        const reason = `session-end case ${Date.now()}`;
        await gql(
          target(),
          consoleOperation('features/trading/operations.ts HALT_TRADING'),
          { reason },
          admin,
        );
        await gql(
          target(),
          consoleOperation('features/trading/operations.ts RESUME_TRADING'),
          { reason },
          admin,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(live.received).toEqual([]);
      } finally {
        await live.dispose();
      }
    });

    it(`an expired session's subscription ends within ${EXPIRY_BOUND_MS} ms`, async () => {
      const viewer = await signIn(target(), target().viewer);
      const live = openSubscription(target(), subscription(), viewer);
      const db = createDb({ url: target().databaseUrl, poolMax: 1 });
      try {
        await live.acknowledged;
        const token = decodeURIComponent(viewer.slice(viewer.indexOf('=') + 1));
        const expired = Date.now();
        const { rowCount } = await db.pool.query(
          "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1",
          [sha256(token)],
        );
        expect(rowCount).toBe(1);
        const { endedAt, closeCode } = await live.ended(EXPIRY_BOUND_MS);
        expect(endedAt, 'the subscription did not end').toBeDefined();
        expect(endedAt! - expired).toBeLessThanOrEqual(EXPIRY_BOUND_MS);
        expect(closeCode).toBe(4401);
      } finally {
        await db.close();
        await live.dispose();
      }
    });
  });
}
