// Login throttling, account enumeration and API-key rate limits. Sign-in attempts that are
// meant to fail come from a random loopback address of their own (127.a.b.c): the per-address
// count lives in the shared queue Redis for 15 minutes, so attempts from 127.0.0.1 would add up
// across runs and lock every other case out. Operation texts are the console's own (trusted
// documents in production accept exactly those).
import { randomInt, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  countRows,
  expectHttpError,
  expectNoLeak,
  firstCode,
  gql,
  http,
  signIn,
  type HostileTarget,
  type Json,
} from '../target';

/** The console's LOGIN (apps/web/src/features/auth/operations.ts), byte for byte. */
const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { id email role }
}`;
/** The console's API-key operations (apps/web/src/features/api-keys/operations.ts). */
const KEY_FIELDS = 'id name prefix createdAt revokedAt rateLimitPerS';
const API_KEYS = `query ApiKeys { apiKeys { ${KEY_FIELDS} } }`;
const CREATE_API_KEY = `mutation CreateApiKey($name: String!, $rateLimitPerS: Int) {
  createApiKey(name: $name, rateLimitPerS: $rateLimitPerS) { id name prefix secret rateLimitPerS }
}`;
const SET_API_KEY_RATE_LIMIT = `mutation SetApiKeyRateLimit($id: ID!, $rateLimitPerS: Int) {
  setApiKeyRateLimit(id: $id, rateLimitPerS: $rateLimitPerS) { ${KEY_FIELDS} }
}`;

/** The defaults (LOGIN_THROTTLE_*), which the corpus's platform runs with. */
const ACCOUNT_FAILURES = 5;
const IP_FAILURES = 50;
const WINDOW_S = 900;

const loopbackAddress = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const unknownEmail = () => `nobody-${randomUUID()}@hostile.test`;

interface LoginReply {
  status: number;
  retryAfter: string | undefined;
  text: string;
  errors: Json[] | undefined;
  ms: number;
}

/** The login mutation over HTTP, sent from `localAddress`. */
function loginFrom(target: HostileTarget, localAddress: string, email: string, password: string) {
  const { hostname, port } = new URL(target.gatewayUrl);
  const body = JSON.stringify({ query: LOGIN, variables: { email, password } });
  const started = performance.now();
  return new Promise<LoginReply>((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        localAddress,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
            text,
            errors: (JSON.parse(text) as { errors?: Json[] }).errors,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The login mutation over graphql-ws, from `localAddress`: its errors (none when it succeeded). */
async function wsLoginFrom(target: HostileTarget, localAddress: string, email: string, password: string) {
  const client = createClient({
    url: target.gatewayUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { localAddress });
      }
    },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    const result = await new Promise<{ errors?: Json[] }>((resolve) => {
      const stop = client.subscribe(
        { query: LOGIN, variables: { email, password } },
        {
          next: (value) => {
            stop();
            resolve(value as { errors?: Json[] });
          },
          error: (err) => resolve({ errors: Array.isArray(err) ? err : [{ message: String(err) }] }),
          complete: () => resolve({}),
        },
      );
    });
    expectNoLeak(JSON.stringify(result));
    return result.errors;
  } finally {
    await client.dispose();
  }
}

/** A login error over graphql-ws, formatted as over HTTP: message, code and `retryAfterS`. */
function expectWsError(errors: Json[] | undefined, expected: string, message: RegExp): void {
  expect(errors?.[0]?.message).toMatch(message);
  const extensions = errors?.[0]?.extensions;
  expect(extensions?.code).toBe(expected);
  expect(extensions).not.toHaveProperty('http');
  if (expected === 'RATE_LIMITED') expect(extensions.retryAfterS).toBeGreaterThan(0);
}

const code = (reply: { errors?: Json[] | undefined }) => reply.errors?.[0]?.extensions?.code;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A rate-limited reply: 429, RATE_LIMITED, Retry-After in whole seconds equal to retryAfterS. */
function expectLockedOut(reply: LoginReply): number {
  expectNoLeak(reply.text);
  expect({ status: reply.status, code: code(reply) }).toEqual({ status: 429, code: 'RATE_LIMITED' });
  const retryAfterS = reply.errors![0].extensions.retryAfterS as number;
  expect(retryAfterS).toBeGreaterThan(0);
  expect(retryAfterS).toBeLessThanOrEqual(WINDOW_S);
  expect(reply.retryAfter).toBe(String(retryAfterS));
  expect(reply.errors![0].message).toMatch(/too many failed sign-ins .*; try again in \d+ (min|s)$/);
  return retryAfterS;
}

export function throttlingCases(target: () => HostileTarget): void {
  describe('login throttling', () => {
    it(`locks an email out after ${ACCOUNT_FAILURES} failures, on HTTP (429, Retry-After) and over WebSocket, audited once`, async () => {
      const email = unknownEmail();
      const from = loopbackAddress();
      for (let i = 0; i < ACCOUNT_FAILURES; i++) {
        const reply = await loginFrom(target(), from, email, `wrong-${i}`);
        expect({ i, status: reply.status, code: code(reply) }).toEqual({
          i,
          status: 200,
          code: 'UNAUTHENTICATED',
        });
      }
      expectLockedOut(await loginFrom(target(), from, email, 'another-guess'));
      // The lockout is the email's: another address, and the other transport, are refused too.
      expectLockedOut(await loginFrom(target(), loopbackAddress(), email, 'yet-another'));
      const overWs = await wsLoginFrom(target(), loopbackAddress(), email.toUpperCase(), 'guess-over-ws');
      expectWsError(
        overWs,
        'RATE_LIMITED',
        /^too many failed sign-ins for this email; try again in \d+ (min|s)$/,
      );
      expect(
        await countRows(
          target(),
          "SELECT count(*) FROM audit_log WHERE action = 'auth.lockout' AND actor = $1",
          [`email:${email}`],
        ),
      ).toBe(1);
      // Refused attempts are not written one by one.
      expect(
        await countRows(
          target(),
          "SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed' AND target = $1",
          [email],
        ),
      ).toBe(ACCOUNT_FAILURES);
    });

    it('counts failures over WebSocket as over HTTP', async () => {
      const email = unknownEmail();
      const from = loopbackAddress();
      for (let i = 0; i < ACCOUNT_FAILURES; i++)
        expectWsError(
          await wsLoginFrom(target(), from, email, `wrong-${i}`),
          'UNAUTHENTICATED',
          /^wrong email or password$/,
        );
      expectLockedOut(await loginFrom(target(), from, email, 'then-over-http'));
    });

    it('a successful sign-in clears the email’s count', async () => {
      const { email, password } = target().viewer;
      const from = loopbackAddress();
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < ACCOUNT_FAILURES - 1; i++)
          expect(code(await loginFrom(target(), from, email, `wrong-${round}-${i}`))).toBe('UNAUTHENTICATED');
        const ok = await loginFrom(target(), from, email, password);
        expect({ status: ok.status, errors: ok.errors }).toEqual({ status: 200, errors: undefined });
      }
    });

    it(`locks an address out after ${IP_FAILURES} failures across emails, the right password included, audited once`, async () => {
      const from = loopbackAddress();
      for (let i = 0; i < IP_FAILURES; i++)
        expect(code(await loginFrom(target(), from, unknownEmail(), 'spray'))).toBe('UNAUTHENTICATED');
      const refused = await loginFrom(target(), from, target().viewer.email, target().viewer.password);
      expectLockedOut(refused);
      expect(refused.errors![0].message).toMatch(/from this address/);
      expect(
        await countRows(
          target(),
          "SELECT count(*) FROM audit_log WHERE action = 'auth.lockout' AND actor = $1",
          [`ip:${from}`],
        ),
      ).toBe(1);
      // Everyone else still signs in.
      expect(
        code(await loginFrom(target(), loopbackAddress(), target().viewer.email, target().viewer.password)),
      ).toBe(undefined);
    }, 120_000);

    it('an unknown email and a wrong password answer alike, in about the same time', async () => {
      const from = loopbackAddress();
      const { email, password } = target().viewer;
      const unknown: LoginReply[] = [];
      const wrong: LoginReply[] = [];
      // Below the email's limit: a correct sign-in after every few wrong ones clears its count.
      for (let batch = 0; batch < 3; batch++) {
        for (let i = 0; i < 4 && wrong.length < 10; i++) {
          unknown.push(await loginFrom(target(), from, unknownEmail(), 'wrong-password-1'));
          wrong.push(await loginFrom(target(), from, email, 'wrong-password-1'));
        }
        expect(code(await loginFrom(target(), from, email, password))).toBeUndefined();
      }
      expect(wrong).toHaveLength(10);
      for (const reply of [...unknown, ...wrong]) expectNoLeak(reply.text);
      const shape = (r: LoginReply) => ({ status: r.status, errors: r.errors });
      for (const r of unknown) expect(shape(r)).toEqual(shape(wrong[0]!));
      expect(wrong[0]!.errors?.[0]).toMatchObject({
        message: 'wrong email or password',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      const [u, w] = [median(unknown.map((r) => r.ms)), median(wrong.map((r) => r.ms))];
      // Without the dummy hash an unknown email answered ~30× faster; one scrypt each is ~1×.
      expect(
        Math.max(u, w) / Math.min(u, w),
        `medians: unknown ${u} ms, wrong password ${w} ms`,
      ).toBeLessThan(3);
    }, 120_000);
  });

  describe('API-key rate limits', () => {
    const predictWith = (key: string) =>
      http(`${target().engineUrl}/api/v1/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ symbol: 'SPY' }),
      });

    /** A key the engine has learnt of (it reloads its key set on a miss, at most once a second). */
    async function admitted(send: () => Promise<{ status: number }>) {
      for (let i = 0; i < 10; i++) {
        const reply = await send();
        if (reply.status !== 401) return reply;
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
      throw new Error('the new API key was not accepted within 10 s');
    }

    it('an admin creates a limited key; over its limit the engine and the forensics lookup answer 429 RATE_LIMITED with Retry-After', async () => {
      const admin = await signIn(target(), target().admin);
      const name = `limited-${randomUUID().slice(0, 8)}`;
      const created = await gql(target(), CREATE_API_KEY, { name, rateLimitPerS: 1 }, admin);
      expect(firstCode(created)).toBeUndefined();
      expect(created.data.createApiKey.rateLimitPerS).toBe(1);
      const key: string = created.data.createApiKey.secret;

      const first = await admitted(() => predictWith(key));
      expect(first.status).not.toBe(429);
      const burst = await Promise.all(Array.from({ length: 5 }, () => predictWith(key)));
      const limited = burst.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      for (const reply of limited) {
        expectHttpError(reply, 429, 'RATE_LIMITED');
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }

      const lookup = () =>
        http(`${target().gatewayUrl}/api/v1/forensics/not-a-decision-id`, { headers: { 'x-api-key': key } });
      await admitted(lookup);
      const lookups = await Promise.all(Array.from({ length: 5 }, lookup));
      const lookupLimited = lookups.filter((r) => r.status === 429);
      expect(lookupLimited.length).toBeGreaterThan(0);
      for (const reply of lookupLimited) {
        expectHttpError(reply, 429, 'RATE_LIMITED');
        expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
      }

      // Cleared by the admin: listed as unlimited.
      const cleared = await gql(
        target(),
        SET_API_KEY_RATE_LIMIT,
        { id: created.data.createApiKey.id, rateLimitPerS: null },
        admin,
      );
      expect(firstCode(cleared)).toBeUndefined();
      expect(cleared.data.setApiKeyRateLimit.rateLimitPerS).toBeNull();
      const listed = await gql(target(), API_KEYS, {}, admin);
      expect(listed.data.apiKeys.find((k: Json) => k.name === name)).toMatchObject({ rateLimitPerS: null });
      expect(JSON.stringify(listed.data)).not.toMatch(/keyHash|key_hash/);
    });

    it('a key without a limit (the trading engine’s) is never refused for its rate', async () => {
      const replies = await Promise.all(Array.from({ length: 200 }, () => predictWith(target().apiKey)));
      expect(replies.filter((r) => r.status === 429 || r.status === 401)).toEqual([]);
    });

    it('refuses a rate limit that is not a whole positive number, naming the field, and stores nothing', async () => {
      const admin = await signIn(target(), target().admin);
      for (const rateLimitPerS of [0, -5, 2_000_000]) {
        const name = `bad-limit-${randomUUID().slice(0, 8)}`;
        const reply = await gql(target(), CREATE_API_KEY, { name, rateLimitPerS }, admin);
        expect(firstCode(reply)).toBe('BAD_USER_INPUT');
        expect(reply.errors?.[0]?.extensions?.field).toBe('rateLimitPerS');
        expect(await countRows(target(), 'SELECT count(*) FROM api_keys WHERE name = $1', [name])).toBe(0);
      }
      const notAnId = await gql(
        target(),
        SET_API_KEY_RATE_LIMIT,
        { id: 'not-a-uuid', rateLimitPerS: 5 },
        admin,
      );
      expect(firstCode(notAnId)).toBe('BAD_USER_INPUT');
      expect(notAnId.errors?.[0]?.extensions?.field).toBe('id');
      const unknown = await gql(
        target(),
        SET_API_KEY_RATE_LIMIT,
        { id: randomUUID(), rateLimitPerS: 5 },
        admin,
      );
      expect(firstCode(unknown)).toBe('NOT_FOUND');
    });

    it('a viewer can neither list keys nor change a limit', async () => {
      const viewer = await signIn(target(), target().viewer);
      expect(firstCode(await gql(target(), API_KEYS, {}, viewer))).toBe('FORBIDDEN');
      const before = await countRows(target(), 'SELECT count(*) FROM api_keys WHERE rate_limit_per_s = 7');
      const reply = await gql(
        target(),
        SET_API_KEY_RATE_LIMIT,
        { id: randomUUID(), rateLimitPerS: 7 },
        viewer,
      );
      expect(firstCode(reply)).toBe('FORBIDDEN');
      expect(await countRows(target(), 'SELECT count(*) FROM api_keys WHERE rate_limit_per_s = 7')).toBe(
        before,
      );
    });
  });
}
