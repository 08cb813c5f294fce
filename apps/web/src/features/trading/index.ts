/** What the shell and other console features use of the trading halt. */
export { HaltBanner } from './HaltBanner';
export { TradingControl } from './TradingControl';
export { TradingStateProvider } from './TradingStateProvider';
