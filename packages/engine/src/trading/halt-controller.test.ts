import type { TradingState } from '@tradeplane/contracts';
import { describe, expect, it, vi } from 'vitest';
import { TradingHaltController, type HaltEffects } from './halt-controller';

const T = Date.UTC(2024, 0, 2, 9, 30);
const tick = () => new Promise((r) => setImmediate(r));

function controller(persist: HaltEffects['persist'] = async (s) => ({ state: s, created: true })) {
  const published: TradingState[] = [];
  const errors: unknown[] = [];
  const c = new TradingHaltController(
    { persist, publish: (s) => published.push(s), onError: (e) => errors.push(e) },
    () => T,
    5,
    3,
  );
  return { c, published, errors };
}

describe('TradingHaltController', () => {
  it('halts in memory at once, then stores and publishes off the calling path', async () => {
    const persist = vi.fn(async (s: TradingState) => ({
      state: { ...s, since: '2024-01-02T09:30:00.001Z' },
      created: true,
    }));
    const { c, published } = controller(persist);
    expect(c.halted).toBe(false);
    expect(c.haltNow('leakage: drawdown of SPY', 'engine:leakage-monitor')).toBe(true);
    expect(c.halted).toBe(true);
    expect(c.current).toMatchObject({ cause: 'leakage: drawdown of SPY', actor: 'engine:leakage-monitor' });
    expect(persist).not.toHaveBeenCalled(); // not on the caller's path
    await tick();
    await tick();
    expect(persist).toHaveBeenCalledTimes(1);
    expect(published).toEqual([expect.objectContaining({ halted: true, since: '2024-01-02T09:30:00.001Z' })]);
    expect(c.haltNow('another alarm', 'engine:leakage-monitor')).toBe(false);
  });

  it('follows states from the database and from other processes (resume → trading)', () => {
    const { c } = controller();
    c.apply({ halted: true, cause: 'manual: market closed early', actor: 'user:1', since: 'x' }, true);
    expect(c.loaded).toBe(true);
    expect(c.halted).toBe(true);
    c.apply({ halted: false, cause: null, actor: 'user:1', since: 'y' });
    expect(c.halted).toBe(false);
  });

  it('ignores a stale "trading" state while its own halt is still being stored', async () => {
    let release!: () => void;
    const persist = (s: TradingState) =>
      new Promise<{ state: TradingState; created: boolean }>(
        (resolve) => (release = () => resolve({ state: s, created: true })),
      );
    const { c } = controller(persist);
    c.haltNow('leakage', 'engine:leakage-monitor');
    await tick();
    c.apply({ halted: false, cause: null, actor: null, since: null }, true);
    expect(c.halted).toBe(true);
    release();
    await tick();
    c.apply({ halted: false, cause: null, actor: 'user:pm', since: 'later' });
    expect(c.halted).toBe(false);
  });

  it('adopts the open halt when someone halted first, and publishes nothing itself', async () => {
    const theirs = { halted: true, cause: 'manual', actor: 'user:pm', since: 'earlier' };
    const { c, published } = controller(async () => ({ state: theirs, created: false }));
    c.haltNow('leakage', 'engine:leakage-monitor');
    await tick();
    await tick();
    expect(c.current).toEqual(theirs);
    expect(published).toEqual([]);
  });

  it('stays halted and tells the others when the store fails, retrying a bounded number of times', async () => {
    const persist = vi.fn(async () => {
      throw new Error('database unreachable');
    });
    const { c, published, errors } = controller(persist);
    c.haltNow('leakage', 'engine:leakage-monitor');
    await vi.waitFor(() => expect(persist).toHaveBeenCalledTimes(3));
    await tick();
    expect(c.halted).toBe(true);
    expect(published).toHaveLength(1);
    expect(errors).toHaveLength(3);
    c.stop();
  });
});
