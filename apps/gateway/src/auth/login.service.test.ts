import type { Logger } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';
import { LoginService } from './login.service';
import { LoginThrottle, throttleAddress, type LoginThrottleStore } from './login-throttle';

const limits = {
  LOGIN_THROTTLE_ACCOUNT_FAILURES: 5,
  LOGIN_THROTTLE_IP_FAILURES: 50,
  LOGIN_THROTTLE_WINDOW_S: 900,
};
const quiet = { child: () => quiet, error: () => undefined, warn: () => undefined } as unknown as Logger;

describe('LoginService when Redis cannot answer', () => {
  const down: LoginThrottleStore = {
    eval: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:56379')),
    del: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:56379')),
  } as unknown as LoginThrottleStore;

  it('refuses sign-in (fails closed) without checking the password or writing audit rows', async () => {
    let checked = 0;
    const audited: unknown[] = [];
    const service = new LoginService(
      {
        login: async () => {
          checked++;
          return null;
        },
      },
      new LoginThrottle(down, limits),
      { append: async (entry) => void audited.push(entry) },
      quiet,
    );
    expect(await service.attempt('someone@example.test', 'guess', '10.0.0.1')).toEqual({
      kind: 'THROTTLE_UNAVAILABLE',
    });
    expect(checked).toBe(0);
    expect(audited).toEqual([]);
  });
});

describe('throttleAddress', () => {
  it('counts IPv4 as it is, mapped IPv4 as IPv4, and IPv6 by its /64', () => {
    expect(throttleAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(throttleAddress('2001:db8:aa:bb::9')).toBe('2001:db8:aa:bb::/64');
    expect(throttleAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleAddress('2001:0db8:00aa::1')).toBe('2001:db8:aa:0::/64');
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddress('unknown')).toBe('unknown');
  });
});
