'use client';

import { useCallback, useState, type FormEvent } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { PaperPortfolioCard } from '@/features/outcomes';
import { TradingControl } from '@/features/trading';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import { DecisionsTable } from './DecisionsTable';
import { useDecisionStream } from './useDecisionStream';
import styles from './decisions.module.css';

/**
 * Decisions as the engine makes them: the latest ones (with what each realized), then a live
 * sample; the trading halt control and the paper portfolio's equity.
 */
export function DecisionsPage() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const symbol = params.get('symbol')?.trim().toUpperCase() || null;
  const [draft, setDraft] = useState(symbol ?? '');
  const [paused, setPaused] = useState(false);
  const stream = useDecisionStream(symbol, paused);

  const applyFilter = useCallback(
    (next: string | null) => {
      const query = next ? `?${new URLSearchParams({ symbol: next }).toString()}` : '';
      router.replace(`${pathname}${query}`, { scroll: false });
    },
    [pathname, router],
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    applyFilter(draft.trim().toUpperCase() || null);
  };
  const togglePause = () => {
    // The stream is a sample: on resume, re-read the latest decisions to fill the gap.
    if (paused) stream.reloadSeed();
    setPaused(!paused);
  };

  let liveLabel: string;
  let liveDot: string;
  if (paused) [liveLabel, liveDot] = ['paused', 'dot-unknown'];
  else if (stream.liveError) [liveLabel, liveDot] = ['live stream unavailable', 'dot-down'];
  else [liveLabel, liveDot] = ['live (sampled)', 'dot-up'];

  let table;
  if (stream.seedError && stream.rows.length === 0)
    table = <ErrorState error={stream.seedError} onRetry={stream.reloadSeed} />;
  else if (stream.loading) table = <Loading>Loading the latest decisions…</Loading>;
  else
    table = (
      <DecisionsTable
        rows={stream.rows}
        emptyText={
          symbol
            ? `No recent decision for ${symbol}. New ones appear here as the engine makes them.`
            : 'No recent decision. New ones appear here as the engine makes them.'
        }
      />
    );

  return (
    <div className={styles.page}>
      <TradingControl />
      <PaperPortfolioCard />
      <Card
        title={
          <>
            Decisions{symbol ? ` · ${symbol}` : ''}
            <span className={styles.titleMeta}>
              {stream.rows.length} shown · {stream.received} live
            </span>
          </>
        }
        actions={
          <>
            <form className={styles.filter} onSubmit={onSubmit} role="search">
              <label className={styles.toolbarLabel} htmlFor="decision-symbol">
                Symbol
              </label>
              <input
                id="decision-symbol"
                className={`input ${styles.symbolInput}`}
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                placeholder="all"
                data-testid="decision-symbol"
              />
              <button type="submit" className="btn btn-sm">
                Filter
              </button>
              {symbol && (
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => {
                    setDraft('');
                    applyFilter(null);
                  }}
                >
                  Clear
                </button>
              )}
            </form>
            <span
              className={styles.liveState}
              title={stream.liveError ?? 'Subscribed to decisionSampled'}
              data-testid="decision-live"
            >
              <span className={`dot ${liveDot}`} aria-hidden="true" />
              {liveLabel}
            </span>
            <button type="button" className="btn btn-sm" onClick={togglePause} aria-pressed={paused}>
              {paused ? 'Resume stream' : 'Pause stream'}
            </button>
          </>
        }
        bodyClassName={styles.flushBody}
      >
        {table}
      </Card>
    </div>
  );
}
