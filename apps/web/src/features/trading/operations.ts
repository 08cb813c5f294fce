import { operation } from '@/shared/graphql/client';

/** Contract: apps/gateway/src/schema/trading/trading.graphql. */

export interface TradingState {
  halted: boolean;
  /** Why trading is halted; null while trading. */
  cause: string | null;
  /** `user:<id>`, `engine:leakage-monitor`, … (while trading: who resumed last). */
  actor: string | null;
  /** The actor as a person reads it: a user's email, otherwise the actor. */
  actorName: string | null;
  /** When the halt began (while trading: the last resume). */
  since: string | null;
}

export interface TradingStateChange {
  state: TradingState;
  /** False when nothing changed (already halted, or already trading). */
  changed: boolean;
}

const STATE = 'halted cause actor actorName since';

export const TRADING_STATE = operation<{ tradingState: TradingState }>(
  `query TradingState { tradingState { ${STATE} } }`,
);

export const TRADING_STATE_CHANGED = operation<{ tradingStateChanged: TradingState }>(
  `subscription TradingStateChanged { tradingStateChanged { ${STATE} } }`,
);

export const HALT_TRADING = operation<{ haltTrading: TradingStateChange }, { reason: string }>(
  `mutation HaltTrading($reason: String!) { haltTrading(reason: $reason) { changed state { ${STATE} } } }`,
);

export const RESUME_TRADING = operation<{ resumeTrading: TradingStateChange }, { reason: string }>(
  `mutation ResumeTrading($reason: String!) { resumeTrading(reason: $reason) { changed state { ${STATE} } } }`,
);
