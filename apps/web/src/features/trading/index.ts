/** What the shell and other console features use of the trading halt. */
export { HaltBanner } from './HaltBanner';
export { TradingControl } from './TradingControl';
export { TradingStateProvider, useTradingState } from './TradingStateProvider';
export type { TradingState, TradingStatus } from './operations';
