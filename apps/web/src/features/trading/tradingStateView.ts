import type { TradingState } from './operations';

export interface TradingStateView {
  /** The chip's text. */
  label: string;
  tone: 'trading' | 'halted' | 'reducing';
  /** What a pm or admin can do from here: resume a halt, or halt (a halt overrides REDUCING). */
  action: 'resume' | 'halt';
  /** What the state means for the trading client, in a line. */
  meaning: string;
}

/** How the console shows each trading state. */
export function tradingStateView(state: TradingState): TradingStateView {
  switch (state) {
    case 'ACTIVE':
      return { label: 'trading', tone: 'trading', action: 'halt', meaning: 'decisions are served' };
    case 'HALTED':
      return { label: 'halted', tone: 'halted', action: 'resume', meaning: 'every decision is refused' };
    case 'REDUCING':
      return {
        label: 'reducing',
        tone: 'reducing',
        action: 'halt',
        meaning: 'only risk-reducing orders: positions may shrink, never grow or change side',
      };
    default:
      return unknownState(state);
  }
}

function unknownState(state: never): never {
  throw new Error(`unknown trading state ${JSON.stringify(state)}`);
}
