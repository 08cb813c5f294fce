import { operation } from '@/shared/graphql/client';

/** Contract: apps/gateway/src/schema/trading/trading.graphql. */

/** ACTIVE trades; HALTED refuses every decision; REDUCING allows only risk-reducing orders. */
export type TradingState = 'ACTIVE' | 'HALTED' | 'REDUCING';

export interface TradingStatus {
  state: TradingState;
  /** Why trading is halted (or reducing); null while ACTIVE. */
  cause: string | null;
  /** `user:<id>`, `engine:leakage-monitor`, … (while ACTIVE: who resumed last). */
  actor: string | null;
  /** The actor as a person reads it: a user's email, otherwise the actor. */
  actorName: string | null;
  /** When the halt began (while ACTIVE: the last resume). */
  since: string | null;
}

export interface TradingStateChange {
  state: TradingStatus;
  /** False when nothing changed (already halted, or already trading). */
  changed: boolean;
}

const STATE = 'state cause actor actorName since';

export const TRADING_STATE = operation<{ tradingState: TradingStatus }>(
  `query TradingState { tradingState { ${STATE} } }`,
);

export const TRADING_STATE_CHANGED = operation<{ tradingStateChanged: TradingStatus }>(
  `subscription TradingStateChanged { tradingStateChanged { ${STATE} } }`,
);

export const HALT_TRADING = operation<{ haltTrading: TradingStateChange }, { reason: string }>(
  `mutation HaltTrading($reason: String!) { haltTrading(reason: $reason) { changed state { ${STATE} } } }`,
);

export const RESUME_TRADING = operation<{ resumeTrading: TradingStateChange }, { reason: string }>(
  `mutation ResumeTrading($reason: String!) { resumeTrading(reason: $reason) { changed state { ${STATE} } } }`,
);
