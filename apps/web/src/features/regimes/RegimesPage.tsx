'use client';

import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { hasRole, useSession } from '@/features/auth/session';
import { formatDate, formatInt, formatPercent } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { useAllBars } from '@/shared/market/useBars';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import { DisruptionCard } from './DisruptionCard';
import { ModelCard } from './ModelCard';
import { NoModelCard } from './NoModelCard';
import { DAILY_INSTRUMENTS, REGIME_HISTORY, type RegimeChange } from './operations';
import { RegimeChart } from './RegimeChart';
import { RegimeTag } from './RegimeTag';
import { TransitionsTable } from './TransitionsTable';
import { useFitRegimeModel } from './useFitRegimeModel';
import { useRegimeChanges } from './useRegimeChanges';
import styles from './regimes.module.css';

const DEFAULT_SYMBOL = 'SPY';
const FIT_POLL_MS = 2000;

function SymbolSelect(props: { symbols: readonly string[]; value: string; onChange: (s: string) => void }) {
  const options = props.symbols.includes(props.value) ? props.symbols : [props.value, ...props.symbols];
  return (
    <select
      id="regime-symbol"
      className={`input ${styles.select}`}
      data-testid="regime-symbol"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {options.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </select>
  );
}

function ChangeBanner({ change, onDismiss }: { change: RegimeChange; onDismiss: () => void }) {
  return (
    <div className={styles.banner} role="status" data-testid="regime-change-banner">
      <span>
        Regime changed: <RegimeTag label={change.from} /> → <RegimeTag label={change.to} /> at{' '}
        <span className="mono">{formatDate(change.time)}</span>
      </span>
      <span className="dim mono">
        bull {formatPercent(change.bull, 1)} · sideways {formatPercent(change.sideways, 1)} · bear{' '}
        {formatPercent(change.bear, 1)}
      </span>
      <button type="button" className="btn btn-sm" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

export function RegimesPage() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const user = useSession();

  const instrumentsQ = useQuery(DAILY_INSTRUMENTS, {});
  const symbols = useMemo(
    () =>
      (instrumentsQ.data?.instruments ?? [])
        .filter((i) => i.timeframes.includes('1d'))
        .map((i) => i.symbol)
        .sort((a, b) => a.localeCompare(b)),
    [instrumentsQ.data],
  );
  const requested = params.get('symbol')?.trim() || null;
  const symbol =
    requested ?? (symbols.length === 0 || symbols.includes(DEFAULT_SYMBOL) ? DEFAULT_SYMBOL : symbols[0]!);
  const select = useCallback(
    (s: string) =>
      router.replace(`${pathname}?${new URLSearchParams({ symbol: s }).toString()}`, { scroll: false }),
    [pathname, router],
  );

  const fit = useFitRegimeModel(symbol);
  const historyVars = useMemo(() => ({ symbol }), [symbol]);
  const historyQ = useQuery(REGIME_HISTORY, historyVars, {
    pollMs: fit.state.status === 'fitting' ? FIT_POLL_MS : undefined,
  });
  const history = historyQ.data?.regimeHistory;
  // Once the fitted model shows up, polling stops by itself: `fitting` only matters while history is null.
  const fitState = history ? { status: 'idle' as const } : fit.state;

  const [barsToken, setBarsToken] = useState(0);
  const bumpBars = useCallback(() => setBarsToken((t) => t + 1), []);
  const barsState = useAllBars(history ? symbol : null, '1d', barsToken);

  const reloadHistory = historyQ.reload;
  const onChange = useCallback(() => {
    reloadHistory();
    bumpBars();
  }, [reloadHistory, bumpBars]);
  const live = useRegimeChanges(symbol, onChange);

  const header = (
    <div className={styles.toolbar}>
      <label className={styles.toolbarLabel} htmlFor="regime-symbol">
        Symbol
      </label>
      {instrumentsQ.error && !instrumentsQ.data ? (
        <span className={styles.inlineError} title={instrumentsQ.error.message}>
          instruments unavailable: {instrumentsQ.error.message}
        </span>
      ) : (
        <SymbolSelect symbols={symbols} value={symbol} onChange={select} />
      )}
      <span className={styles.liveState} title={live.error ?? 'Subscribed to regimeChanged'}>
        <span className={`dot ${live.error ? 'dot-down' : 'dot-up'}`} aria-hidden="true" />
        {live.error ? 'live updates unavailable' : 'live'}
      </span>
    </div>
  );

  let body: ReactNode;
  if (historyQ.error && history === undefined) {
    body = (
      <Card title={`Regimes · ${symbol}`}>
        <ErrorState error={historyQ.error} onRetry={historyQ.reload} />
      </Card>
    );
  } else if (history === undefined) {
    body = (
      <Card title={`Regimes · ${symbol}`}>
        <Loading>Loading regime history…</Loading>
      </Card>
    );
  } else if (history === null) {
    body = (
      <NoModelCard
        symbol={symbol}
        canFit={hasRole(user, 'quant', 'admin')}
        fit={fitState}
        onFit={fit.start}
      />
    );
  } else {
    body = (
      <>
        <Card
          title={
            <>
              <span className={styles.chartSymbol}>{symbol}</span>
              <span className={styles.titleMeta}>
                {formatInt(history.points.length)} days · now{' '}
                <RegimeTag label={history.points.at(-1)?.regime} />
              </span>
            </>
          }
          bodyClassName={styles.flushBody}
        >
          <RegimeChart symbol={symbol} barsState={barsState} points={history.points} onRetryBars={bumpBars} />
        </Card>
        <div className={styles.grid}>
          <ModelCard model={history.model} />
          <DisruptionCard disruption={history.disruption} />
          <TransitionsTable key={`${symbol}|${history.model.version}`} transitions={history.transitions} />
        </div>
      </>
    );
  }

  return (
    <div className={styles.page}>
      {header}
      {live.latest && <ChangeBanner change={live.latest} onDismiss={live.dismiss} />}
      {body}
    </div>
  );
}
