// The login throttle and its lockout audit against the real queue Redis, under a private key prefix.
import { randomUUID } from 'node:crypto';
import { createQueueConnection, type Logger } from '@tradeplane/platform';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@tradeplane/db';
import { LoginService, type LoginOutcome } from './login.service';
import { LoginThrottle } from './login-throttle';

const redis = createQueueConnection(process.env.REDIS_QUEUE_URL ?? 'redis://127.0.0.1:56379');
const prefix = `tp:test:login-throttle:${randomUUID()}`;
const quiet = { child: () => quiet, error: () => undefined, warn: () => undefined } as unknown as Logger;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

function service(limits: { account: number; ip: number; windowS?: number }, password = 'right') {
  const audited: AuditEntry[] = [];
  const login = new LoginService(
    {
      login: async (_email, given) =>
        given === password
          ? { user: { id: 'u1', email: 'a@b.test', role: 'viewer' }, token: 't', expiresAt: new Date() }
          : null,
    },
    new LoginThrottle(
      redis,
      {
        LOGIN_THROTTLE_ACCOUNT_FAILURES: limits.account,
        LOGIN_THROTTLE_IP_FAILURES: limits.ip,
        LOGIN_THROTTLE_WINDOW_S: limits.windowS ?? 900,
      },
      `${prefix}:${randomUUID()}`,
    ),
    { append: async (entry) => void audited.push(entry) },
    quiet,
  );
  return { login, audited };
}

const kinds = (outcomes: LoginOutcome[]) => outcomes.map((o) => o.kind);

describe('LoginThrottle on Redis', () => {
  it('locks an account out after its failures, whatever the password then, and audits the lockout once', async () => {
    const { login, audited } = service({ account: 3, ip: 100 });
    const outcomes: LoginOutcome[] = [];
    for (let i = 0; i < 3; i++)
      outcomes.push(await login.attempt('Victim@Example.test', 'wrong', '10.0.0.1'));
    for (let i = 0; i < 3; i++)
      outcomes.push(await login.attempt('victim@example.test', 'wrong', '10.0.0.2'));
    outcomes.push(await login.attempt('victim@example.test', 'right', '10.0.0.3'));
    expect(kinds(outcomes)).toEqual([...Array(3).fill('WRONG_CREDENTIALS'), ...Array(4).fill('LOCKED_OUT')]);
    const last = outcomes.at(-1) as Extract<LoginOutcome, { kind: 'LOCKED_OUT' }>;
    expect(last.lockout.scope).toBe('account');
    expect(last.lockout.retryAfterS).toBeGreaterThan(890);
    expect(last.lockout.retryAfterS).toBeLessThanOrEqual(900);
    expect(audited).toEqual([
      {
        actor: 'email:victim@example.test',
        action: 'auth.lockout',
        target: 'victim@example.test',
        details: { scope: 'account', lockedForS: 900 },
      },
    ]);
    // Another email is not affected.
    expect((await login.attempt('other@example.test', 'right', '10.0.0.1')).kind).toBe('SIGNED_IN');
  });

  it('clears the account count on a successful sign-in', async () => {
    const { login, audited } = service({ account: 3, ip: 100 });
    const outcomes: LoginOutcome[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++)
        outcomes.push(await login.attempt('user@example.test', 'wrong', '10.0.0.1'));
      outcomes.push(await login.attempt('user@example.test', 'right', '10.0.0.1'));
    }
    expect(kinds(outcomes)).toEqual(
      Array.from({ length: 3 }, () => ['WRONG_CREDENTIALS', 'WRONG_CREDENTIALS', 'SIGNED_IN']).flat(),
    );
    expect(audited).toEqual([]);
  });

  it('locks an address out across emails, and audits it once with the address as actor', async () => {
    const { login, audited } = service({ account: 100, ip: 4 });
    const outcomes: LoginOutcome[] = [];
    for (let i = 0; i < 6; i++)
      outcomes.push(await login.attempt(`u${i}@example.test`, 'wrong', '::ffff:10.9.9.9'));
    expect(kinds(outcomes)).toEqual([...Array(4).fill('WRONG_CREDENTIALS'), 'LOCKED_OUT', 'LOCKED_OUT']);
    expect((await login.attempt('u0@example.test', 'right', '10.9.9.9')).kind).toBe('LOCKED_OUT');
    expect((await login.attempt('u0@example.test', 'right', '10.9.9.10')).kind).toBe('SIGNED_IN');
    expect(audited.map((a) => [a.actor, a.action, (a.details as { scope: string }).scope])).toEqual([
      ['ip:10.9.9.9', 'auth.lockout', 'ip'],
    ]);
  });

  it('opens the window at the first failure and lets the email try again once it closes', async () => {
    const { login } = service({ account: 2, ip: 100, windowS: 1 });
    await login.attempt('brief@example.test', 'wrong', '10.0.0.1');
    await login.attempt('brief@example.test', 'wrong', '10.0.0.1');
    expect((await login.attempt('brief@example.test', 'right', '10.0.0.1')).kind).toBe('LOCKED_OUT');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await login.attempt('brief@example.test', 'right', '10.0.0.1')).kind).toBe('SIGNED_IN');
  });
});
