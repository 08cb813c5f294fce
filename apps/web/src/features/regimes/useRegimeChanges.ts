'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { subscribe } from '@/shared/graphql/ws';
import { REGIME_CHANGED, type RegimeChange } from './operations';

export interface RegimeChangesState {
  /** The latest change received for the symbol, until dismissed. */
  latest: RegimeChange | null;
  /** Why the live stream is not running, if it is not. */
  error: string | null;
  dismiss: () => void;
}

/** Subscribes to `regimeChanged(symbol)` while a symbol is shown; calls `onChange` for each event. */
export function useRegimeChanges(
  symbol: string | null,
  onChange: (change: RegimeChange) => void,
): RegimeChangesState {
  const [state, setState] = useState<{
    symbol: string | null;
    latest: RegimeChange | null;
    error: string | null;
  }>({
    symbol: null,
    latest: null,
    error: null,
  });
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!symbol) return;
    setState({ symbol, latest: null, error: null });
    return subscribe(
      REGIME_CHANGED,
      { symbol },
      {
        next: ({ regimeChanged }) => {
          setState({ symbol, latest: regimeChanged, error: null });
          onChangeRef.current(regimeChanged);
        },
        error: (err) => setState((s) => ({ ...s, symbol, error: err.message })),
      },
    );
  }, [symbol]);

  const dismiss = useCallback(() => setState((s) => ({ ...s, latest: null })), []);
  const current = state.symbol === symbol ? state : { latest: null, error: null };
  return { latest: current.latest, error: current.error, dismiss };
}
