import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging';
import { retryJoin } from './join-retry';

const log = createLogger('test', 'silent');

describe('retryJoin', () => {
  it('retries a failed join after a wait until it succeeds', async () => {
    let attempts = 0;
    const started = Date.now();
    const join = retryJoin(
      async () => {
        if (++attempts < 2) throw new Error('broker not up');
      },
      log,
      'a topic',
    );
    await join.done;
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450); // it waited before the retry
  });

  afterEach(() => vi.useRealTimers());

  it('stops at once while waiting between attempts, without waiting the wait out', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const join = retryJoin(
      async () => {
        attempts++;
        throw new Error('broker down');
      },
      log,
      'a topic',
    );
    await vi.advanceTimersByTimeAsync(0); // the first attempt fails; the 500 ms wait begins
    expect(attempts).toBe(1);
    // No timer is advanced from here: stop() must end the wait itself.
    await join.stop();
    await join.done;
    expect(attempts).toBe(1);
  });
});
