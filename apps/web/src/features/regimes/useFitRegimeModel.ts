'use client';

import { useCallback, useEffect, useState } from 'react';
import { request } from '@/shared/graphql/client';
import { FIT_REGIME_MODEL, REGIME_FIT_JOB } from './operations';

export type FitState =
  | { status: 'idle' }
  | { status: 'submitting' }
  | { status: 'fitting'; jobId: string }
  | { status: 'error'; error: Error };

/**
 * Enqueues `fitRegimeModel(symbol)`. The state belongs to the symbol it was started for and reads
 * idle for any other; the caller polls `regimeHistory` while it is `fitting`, and this hook polls
 * the job so a fit that fails on the workers shows its reason instead of "fitting…" forever.
 */
export function useFitRegimeModel(symbol: string | null): { state: FitState; start: () => void } {
  const [tagged, setTagged] = useState<{ symbol: string; state: FitState } | null>(null);

  const start = useCallback(() => {
    if (!symbol) return;
    setTagged({ symbol, state: { status: 'submitting' } });
    request(FIT_REGIME_MODEL, { symbol })
      .then(({ fitRegimeModel }) =>
        setTagged({ symbol, state: { status: 'fitting', jobId: fitRegimeModel } }),
      )
      .catch((err: unknown) =>
        setTagged({
          symbol,
          state: { status: 'error', error: err instanceof Error ? err : new Error(String(err)) },
        }),
      );
  }, [symbol]);

  const jobId = tagged?.state.status === 'fitting' ? tagged.state.jobId : null;
  useEffect(() => {
    if (!jobId) return;
    const timer = setInterval(() => {
      request(REGIME_FIT_JOB, { id: jobId })
        .then(({ regimeFitJob }) => {
          if (regimeFitJob?.state !== 'failed') return;
          setTagged((t) =>
            t && t.state.status === 'fitting' && t.state.jobId === jobId
              ? {
                  ...t,
                  state: {
                    status: 'error',
                    error: new Error(`fit failed: ${regimeFitJob.failedReason ?? 'unknown reason'}`),
                  },
                }
              : t,
          );
        })
        .catch(() => undefined); // the history poll reports connectivity problems
    }, 2000);
    return () => clearInterval(timer);
  }, [jobId]);

  const state: FitState = tagged && tagged.symbol === symbol ? tagged.state : { status: 'idle' };
  return { state, start };
}
