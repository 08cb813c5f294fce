'use client';

import { useEffect, useMemo, useState } from 'react';
import { subscribe } from '@/shared/graphql/ws';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { mergeDecisions } from './decisionList';
import { DECISION_SAMPLED, RECENT_DECISIONS, type DecisionSummary } from './operations';

/** Decisions the table seeds itself with, and the most it keeps. */
const SEED_SIZE = 50;
const MAX_ROWS = 200;

export interface DecisionStreamState {
  /** Newest first. */
  rows: DecisionSummary[];
  loading: boolean;
  seedError: Error | undefined;
  /** Why the live stream is not running, if it is not (paused is not an error). */
  liveError: string | null;
  /** Sampled decisions received since the page opened (or the filter changed). */
  received: number;
  reloadSeed: () => void;
}

/**
 * The Decisions table's rows: the latest decisions (`recentDecisions`), then the sampled live
 * stream (`decisionSampled`) on top, of one symbol when given. Pausing unsubscribes; the caller
 * re-reads the seed (`reloadSeed`) on resume to fill the gap.
 */
export function useDecisionStream(symbol: string | null, paused: boolean): DecisionStreamState {
  const seedVars = useMemo(() => ({ first: SEED_SIZE, symbol }), [symbol]);
  const seed = useQuery(RECENT_DECISIONS, seedVars);
  // Tagged with the symbol it belongs to, so a change of filter never shows the other symbol's rows.
  const [live, setLive] = useState<{
    symbol: string | null;
    rows: DecisionSummary[];
    received: number;
    error: string | null;
  }>({ symbol, rows: [], received: 0, error: null });

  const reloadSeed = seed.reload;
  useEffect(() => {
    setLive((s) =>
      s.symbol === symbol ? { ...s, error: null } : { symbol, rows: [], received: 0, error: null },
    );
    if (paused) return;
    return subscribe(
      DECISION_SAMPLED,
      { symbol },
      {
        next: ({ decisionSampled }) =>
          setLive((s) =>
            s.symbol === symbol
              ? {
                  ...s,
                  rows: mergeDecisions([s.rows, [decisionSampled]], MAX_ROWS),
                  received: s.received + 1,
                }
              : s,
          ),
        error: (err) => setLive((s) => (s.symbol === symbol ? { ...s, error: err.message } : s)),
      },
    );
  }, [symbol, paused]);

  const current = live.symbol === symbol ? live : { rows: [], received: 0, error: null };
  const rows = useMemo(
    () => mergeDecisions([seed.data?.recentDecisions ?? [], current.rows], MAX_ROWS),
    [seed.data, current.rows],
  );
  return {
    rows,
    loading: seed.loading && seed.data === undefined,
    seedError: seed.error,
    liveError: current.error,
    received: current.received,
    reloadSeed,
  };
}
