/** Trading state: the halt a leakage alarm or a person sets, and the resume. */
export { TRADING_ACTIVE, TradingHaltController, type HaltEffects } from './halt-controller';
