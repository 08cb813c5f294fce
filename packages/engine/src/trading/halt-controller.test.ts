import type { TradingStatus } from '@tradeplane/contracts';
import { describe, expect, it, vi } from 'vitest';
import { TradingHaltController, type HaltEffects } from './halt-controller';

const T = Date.UTC(2024, 0, 2, 9, 30);
const tick = () => new Promise((r) => setImmediate(r));

function controller(persist: HaltEffects['persist'] = async (s) => ({ state: s, created: true })) {
  const published: TradingStatus[] = [];
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
    const persist = vi.fn(async (s: TradingStatus) => ({
      state: { ...s, since: '2024-01-02T09:30:00.001Z' },
      created: true,
    }));
    const { c, published } = controller(persist);
    expect(c.state).toBe('ACTIVE');
    expect(c.haltNow('leakage: drawdown of SPY', 'engine:leakage-monitor')).toBe(true);
    expect(c.state).toBe('HALTED');
    expect(c.current).toMatchObject({ cause: 'leakage: drawdown of SPY', actor: 'engine:leakage-monitor' });
    expect(persist).not.toHaveBeenCalled(); // not on the caller's path
    await tick();
    await tick();
    expect(persist).toHaveBeenCalledTimes(1);
    expect(published).toEqual([
      expect.objectContaining({ state: 'HALTED', since: '2024-01-02T09:30:00.001Z' }),
    ]);
    expect(c.haltNow('another alarm', 'engine:leakage-monitor')).toBe(false);
  });

  it('follows states from the database and from other processes (resume → trading)', () => {
    const { c } = controller();
    c.apply({ state: 'HALTED', cause: 'manual: market closed early', actor: 'user:1', since: 'x' }, true);
    expect(c.loaded).toBe(true);
    expect(c.state).toBe('HALTED');
    c.apply({ state: 'ACTIVE', cause: null, actor: 'user:1', since: 'y' });
    expect(c.state).toBe('ACTIVE');
  });

  it('ignores a stale "trading" state while its own halt is still being stored', async () => {
    let release!: () => void;
    const persist = (s: TradingStatus) =>
      new Promise<{ state: TradingStatus; created: boolean }>(
        (resolve) => (release = () => resolve({ state: s, created: true })),
      );
    const { c } = controller(persist);
    c.haltNow('leakage', 'engine:leakage-monitor');
    await tick();
    c.apply({ state: 'ACTIVE', cause: null, actor: null, since: null }, true);
    expect(c.state).toBe('HALTED');
    release();
    await tick();
    c.apply({ state: 'ACTIVE', cause: null, actor: 'user:pm', since: 'later' });
    expect(c.state).toBe('ACTIVE');
  });

  it('adopts the open halt when someone halted first, and publishes nothing itself', async () => {
    const theirs: TradingStatus = { state: 'HALTED', cause: 'manual', actor: 'user:pm', since: 'earlier' };
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
    expect(c.state).toBe('HALTED');
    expect(published).toHaveLength(1);
    expect(errors).toHaveLength(3);
    c.stop();
  });

  it('carries REDUCING from another process; a halt overrides it, and it never undoes a halt being stored', async () => {
    let release!: () => void;
    const persist = (s: TradingStatus) =>
      new Promise<{ state: TradingStatus; created: boolean }>(
        (resolve) => (release = () => resolve({ state: s, created: true })),
      );
    const { c } = controller(persist);
    const reducing: TradingStatus = {
      state: 'REDUCING',
      cause: 'risk: VaR near limit',
      actor: 'user:pm',
      since: 'x',
    };
    c.apply(reducing);
    expect(c.state).toBe('REDUCING');
    expect(c.current).toEqual(reducing);
    expect(c.haltNow('leakage', 'engine:leakage-monitor')).toBe(true);
    expect(c.state).toBe('HALTED');
    await tick();
    c.apply(reducing);
    expect(c.state).toBe('HALTED');
    release();
    await tick();
    c.apply(reducing);
    expect(c.state).toBe('REDUCING');
  });
});
