import { describe, expect, it } from 'vitest';
import type { TradingState } from './operations';
import { tradingStateView } from './tradingStateView';

describe('tradingStateView', () => {
  it('offers a resume only while HALTED, and a halt from ACTIVE and from REDUCING', () => {
    const states: TradingState[] = ['ACTIVE', 'HALTED', 'REDUCING'];
    expect(states.map((s) => [s, tradingStateView(s).label, tradingStateView(s).action])).toEqual([
      ['ACTIVE', 'trading', 'halt'],
      ['HALTED', 'halted', 'resume'],
      ['REDUCING', 'reducing', 'halt'],
    ]);
  });

  it('says what REDUCING means for orders', () => {
    expect(tradingStateView('REDUCING').meaning).toContain('risk-reducing');
  });

  it('refuses a state the console does not know instead of showing it as trading', () => {
    expect(() => tradingStateView('PAUSED' as TradingState)).toThrow('unknown trading state "PAUSED"');
  });
});
