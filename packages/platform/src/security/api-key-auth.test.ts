import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from './api-key-auth';
import { sha256Hex } from './secrets';

describe('ApiKeyAuthenticator', () => {
  it('accepts a key created after the last refresh by reloading, at most once per interval', async () => {
    let now = 10_000;
    let loads = 0;
    const stored = [sha256Hex('old-key')];
    const auth = new ApiKeyAuthenticator(
      async () => {
        loads++;
        return [...stored];
      },
      () => now,
    );
    await auth.refresh();
    stored.push(sha256Hex('new-key'));

    expect(auth.isValid('new-key')).toBe(false);
    expect(await auth.isValidFresh('new-key')).toBe(true); // right after the scheduled reload too
    expect(loads).toBe(2);

    // A flood of bad keys inside the interval costs no extra load.
    for (let i = 0; i < 100; i++) expect(await auth.isValidFresh(`bad-${i}`)).toBe(false);
    expect(loads).toBe(2);
    now += 1500;
    expect(await auth.isValidFresh('bad-again')).toBe(false);
    expect(loads).toBe(3);
  });

  it('keeps the previous keys when a reload fails', async () => {
    let fail = false;
    const auth = new ApiKeyAuthenticator(
      async () => {
        if (fail) throw new Error('database down');
        return [sha256Hex('k')];
      },
      () => 0,
    );
    await auth.refresh();
    fail = true;
    await auth.refresh();
    expect(auth.isValid('k')).toBe(true);
    expect(auth.lastRefreshError).toBe('database down');
  });

  it('reads the key from x-api-key or a bearer token', () => {
    expect(ApiKeyAuthenticator.keyFrom({ 'x-api-key': 'a' })).toBe('a');
    expect(ApiKeyAuthenticator.keyFrom({ authorization: 'Bearer b' })).toBe('b');
    expect(ApiKeyAuthenticator.keyFrom({ authorization: 'Basic c' })).toBeNull();
  });
});
