'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { subscribe } from '@/shared/graphql/ws';
import { TRADING_STATE, TRADING_STATE_CHANGED, type TradingStatus } from './operations';

/** While the subscription is down, the state is re-read this often so the banner stays true. */
const FALLBACK_POLL_MS = 15_000;

export interface TradingStateValue {
  /** Undefined until the first answer. */
  status: TradingStatus | undefined;
  error: Error | undefined;
  /** Why live updates are not running, if they are not. */
  liveError: string | null;
  /** Takes a status the gateway just returned (after a halt or resume) without waiting for the stream. */
  apply: (status: TradingStatus) => void;
}

const TradingStateContext = createContext<TradingStateValue | null>(null);

/**
 * One `tradingState` query and one `tradingStateChanged` subscription for the whole console:
 * the shell's banner and the Decisions page's control read the same state.
 */
export function TradingStateProvider({ children }: { children: ReactNode }) {
  const [liveError, setLiveError] = useState<string | null>(null);
  const query = useQuery(TRADING_STATE, {}, { pollMs: liveError ? FALLBACK_POLL_MS : undefined });
  // Whatever came last wins: a query answer, a pushed change, or a state a mutation returned.
  const [status, setStatus] = useState<TradingStatus | undefined>(undefined);
  const queried = query.data?.tradingState;
  useEffect(() => {
    if (queried) setStatus(queried);
  }, [queried]);

  // A failed subscription is tried again after a while; meanwhile the query polls.
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let retry: number | undefined;
    const unsubscribe = subscribe(
      TRADING_STATE_CHANGED,
      {},
      {
        next: ({ tradingStateChanged }) => {
          setLiveError(null);
          setStatus(tradingStateChanged);
        },
        error: (err) => {
          setLiveError(err.message);
          retry = window.setTimeout(() => setAttempt((a) => a + 1), FALLBACK_POLL_MS);
        },
      },
    );
    return () => {
      window.clearTimeout(retry);
      unsubscribe();
    };
  }, [attempt]);

  const apply = useCallback((s: TradingStatus) => setStatus(s), []);
  const value = useMemo<TradingStateValue>(
    () => ({ status, error: query.error, liveError, apply }),
    [status, query.error, liveError, apply],
  );
  return <TradingStateContext.Provider value={value}>{children}</TradingStateContext.Provider>;
}

export function useTradingState(): TradingStateValue {
  const value = useContext(TradingStateContext);
  if (!value) throw new Error('useTradingState needs a TradingStateProvider (the app shell has one)');
  return value;
}
