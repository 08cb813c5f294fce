'use client';

import { useEffect, useState } from 'react';
import { subscribe } from '@/shared/graphql/ws';
import { ROLLOUT_CHANGED, type RolloutChangedEvent } from './operations';

export interface RolloutLive {
  /** Why changes are not arriving, if they are not (the page then polls). */
  streamError: string | null;
  /** Changes received since the page opened. */
  received: number;
  /** Bumped once per burst of changes (the controller can snapshot and act in one tick): read again on it. */
  changes: number;
  last: RolloutChangedEvent | null;
}

/** While the stream is down, the page reads the rollout(s) again this often. */
export const FALLBACK_POLL_MS = 5_000;

/**
 * Subscribes to `rolloutChanged` (of one rollout, or of all when `id` is null); `changes` moves
 * once per burst of events.
 */
export function useRolloutChanges(id: string | null): RolloutLive {
  const [streamError, setStreamError] = useState<string | null>(null);
  const [received, setReceived] = useState(0);
  const [changes, setChanges] = useState(0);
  const [last, setLast] = useState<RolloutChangedEvent | null>(null);

  useEffect(() => {
    let timer: number | undefined;
    const changedSoon = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setChanges((n) => n + 1), 250);
    };
    const unsubscribe = subscribe(
      ROLLOUT_CHANGED,
      { id },
      {
        next: ({ rolloutChanged }) => {
          setStreamError(null);
          setReceived((n) => n + 1);
          setLast(rolloutChanged);
          changedSoon();
        },
        error: (err) => setStreamError(err.message),
      },
    );
    return () => {
      window.clearTimeout(timer);
      unsubscribe();
    };
  }, [id]);

  return { streamError, received, changes, last };
}
