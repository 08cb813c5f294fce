import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator, type ActiveApiKey } from './api-key-auth';
import { sha256Hex } from './secrets';

const unlimited = (key: string): ActiveApiKey => ({ keyHash: sha256Hex(key), rateLimitPerS: null });

describe('ApiKeyAuthenticator', () => {
  it('accepts a key created after the last refresh by reloading, at most once per interval', async () => {
    let now = 10_000;
    let loads = 0;
    const stored = [unlimited('old-key')];
    const auth = new ApiKeyAuthenticator(
      async () => {
        loads++;
        return [...stored];
      },
      () => now,
    );
    await auth.refresh();
    stored.push(unlimited('new-key'));

    expect(auth.admit('new-key')).toBe('UNKNOWN_KEY');
    expect(await auth.admitFresh('new-key')).toBe('ADMITTED'); // right after the scheduled reload too
    expect(loads).toBe(2);

    // A flood of bad keys inside the interval costs no extra load.
    for (let i = 0; i < 100; i++) expect(await auth.admitFresh(`bad-${i}`)).toBe('UNKNOWN_KEY');
    expect(loads).toBe(2);
    now += 1500;
    expect(await auth.admitFresh('bad-again')).toBe('UNKNOWN_KEY');
    expect(loads).toBe(3);
  });

  it('keeps the previous keys when a reload fails', async () => {
    let fail = false;
    const auth = new ApiKeyAuthenticator(
      async () => {
        if (fail) throw new Error('database down');
        return [unlimited('k')];
      },
      () => 0,
    );
    await auth.refresh();
    fail = true;
    await auth.refresh();
    expect(auth.admit('k')).toBe('ADMITTED');
    expect(auth.lastRefreshError).toBe('database down');
  });

  it('never limits a key without a rate limit', async () => {
    const auth = new ApiKeyAuthenticator(
      async () => [unlimited('trading')],
      () => 0,
    );
    await auth.refresh();
    for (let i = 0; i < 100_000; i++)
      if (auth.admit('trading') !== 'ADMITTED') throw new Error(`refused at ${i}`);
    expect(auth.retryAfterS('trading')).toBe(0);
  });

  it('limits a key with a rate limit to its burst, then to its rate, and says when to retry', async () => {
    let now = 0;
    const auth = new ApiKeyAuthenticator(
      async () => [{ keyHash: sha256Hex('limited'), rateLimitPerS: 2 }, unlimited('other')],
      () => now,
    );
    await auth.refresh();
    expect([auth.admit('limited'), auth.admit('limited'), auth.admit('limited')]).toEqual([
      'ADMITTED',
      'ADMITTED',
      'RATE_LIMITED',
    ]);
    expect(auth.retryAfterS('limited')).toBe(1);
    expect(auth.admit('other')).toBe('ADMITTED'); // buckets are per key
    now += 500; // one token back at 2/s
    expect([auth.admit('limited'), auth.admit('limited')]).toEqual(['ADMITTED', 'RATE_LIMITED']);
    // isValid checks the key without spending a token.
    now += 500;
    expect(auth.isValid('limited')).toBe(true);
    expect(auth.admit('limited')).toBe('ADMITTED');
  });

  it('keeps a bucket across reloads while its limit is unchanged, and applies a changed limit', async () => {
    let limit = 1;
    const auth = new ApiKeyAuthenticator(
      async () => [{ keyHash: sha256Hex('k'), rateLimitPerS: limit }],
      () => 0,
    );
    await auth.refresh();
    expect(auth.admit('k')).toBe('ADMITTED');
    await auth.refresh();
    expect(auth.admit('k')).toBe('RATE_LIMITED'); // no fresh burst from a reload
    limit = 3;
    await auth.refresh();
    expect([auth.admit('k'), auth.admit('k'), auth.admit('k'), auth.admit('k')]).toEqual([
      'ADMITTED',
      'ADMITTED',
      'ADMITTED',
      'RATE_LIMITED',
    ]);
  });

  it('reads the key from x-api-key or a bearer token', () => {
    expect(ApiKeyAuthenticator.keyFrom({ 'x-api-key': 'a' })).toBe('a');
    expect(ApiKeyAuthenticator.keyFrom({ authorization: 'Bearer b' })).toBe('b');
    expect(ApiKeyAuthenticator.keyFrom({ authorization: 'Basic c' })).toBeNull();
  });
});
