import { isIP } from 'node:net';
import { sha256Hex, type Redis } from '@tradeplane/platform';
import type { LoginThrottleConfig } from './login-throttle.config';

/** What a lockout is counted against: the email tried, or the client's address. */
export type LoginThrottleScope = 'account' | 'ip';

export interface LoginLockout {
  scope: LoginThrottleScope;
  /** The normalised email, or the client's address (an IPv6 one as its /64). */
  subject: string;
  retryAfterS: number;
}

/** The Redis commands the throttle uses (a real client, or a failing one in tests). */
export type LoginThrottleStore = Pick<Redis, 'eval' | 'del'>;

/** Both counters and the milliseconds left in their windows (PTTL: -2 when absent). */
const READ = `
return {
  tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]),
  tonumber(redis.call('GET', KEYS[2]) or '0'), redis.call('PTTL', KEYS[2])
}`;

/** Counts one failure on each key; the first failure of a window opens it (ARGV[1] ms). */
const COUNT_FAILURE = `
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return counts`;

/**
 * Per-account and per-address counters of failed sign-ins in Redis, shared by every gateway
 * replica: once a counter reaches its limit, sign-in for that email (known or not, so a
 * lockout tells nothing about which emails exist) or from that address is refused until its
 * window closes. It lives on the queue instance, whose `noeviction` policy means a flood of
 * other keys cannot evict a lockout early (the cache instance evicts by LRU). Every method
 * rejects when Redis cannot answer; the login service then refuses sign-in (fails closed).
 */
export class LoginThrottle {
  constructor(
    private readonly store: LoginThrottleStore,
    private readonly limits: LoginThrottleConfig,
    private readonly prefix = 'tp:login-throttle',
  ) {}

  /** The lockout in force for this email or address, or null when sign-in may be tried. */
  async lockout(email: string, address: string): Promise<LoginLockout | null> {
    const keys = this.keys(email, address);
    const [accountFailures, accountTtl, ipFailures, ipTtl] = (await this.store.eval(
      READ,
      2,
      keys.account,
      keys.ip,
    )) as [number, number, number, number];
    if (accountFailures >= this.limits.LOGIN_THROTTLE_ACCOUNT_FAILURES)
      return { scope: 'account', subject: keys.email, retryAfterS: this.seconds(accountTtl) };
    if (ipFailures >= this.limits.LOGIN_THROTTLE_IP_FAILURES)
      return { scope: 'ip', subject: keys.address, retryAfterS: this.seconds(ipTtl) };
    return null;
  }

  /**
   * Counts a failed sign-in; returns the lockouts it starts. A counter reaches its limit
   * exactly once per window (INCR is atomic, and a locked-out attempt is refused before it
   * is counted), so each lockout is reported once, whichever replica saw it.
   */
  async countFailure(email: string, address: string): Promise<LoginLockout[]> {
    const keys = this.keys(email, address);
    const windowMs = this.limits.LOGIN_THROTTLE_WINDOW_S * 1000;
    const [account, ip] = (await this.store.eval(COUNT_FAILURE, 2, keys.account, keys.ip, windowMs)) as [
      number,
      number,
    ];
    const started: LoginLockout[] = [];
    const retryAfterS = this.limits.LOGIN_THROTTLE_WINDOW_S;
    if (account === this.limits.LOGIN_THROTTLE_ACCOUNT_FAILURES)
      started.push({ scope: 'account', subject: keys.email, retryAfterS });
    if (ip === this.limits.LOGIN_THROTTLE_IP_FAILURES)
      started.push({ scope: 'ip', subject: keys.address, retryAfterS });
    return started;
  }

  /** A successful sign-in clears the account's count (not the address's). */
  async clearAccount(email: string): Promise<void> {
    await this.store.del(this.keys(email, '').account);
  }

  private keys(email: string, address: string) {
    const normalised = email.trim().toLowerCase();
    const client = throttleAddress(address);
    // The email is hashed so Redis holds no address book and keys stay short.
    return {
      email: normalised,
      address: client,
      account: `${this.prefix}:account:${sha256Hex(normalised)}`,
      ip: `${this.prefix}:ip:${client}`,
    };
  }

  private seconds(ttlMs: number): number {
    return ttlMs > 0 ? Math.ceil(ttlMs / 1000) : this.limits.LOGIN_THROTTLE_WINDOW_S;
  }
}

/**
 * The address a client is counted by: an IPv4 address as it is (also when mapped into IPv6),
 * an IPv6 address by its /64, the block one subscriber usually holds.
 */
export function throttleAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
