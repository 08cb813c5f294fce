'use client';

import { useCallback, useMemo, useState } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { hasRole, useSession } from '@/features/auth/session';
import { formatInt } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { useAllBars } from '@/shared/market/useBars';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { FEATURE_SERIES, INSTRUMENTS } from './operations';
import { DEFAULT_OVERLAYS, featureMeta, sortFeatureNames } from './features';
import { FeaturePanel } from './FeaturePanel';
import { ImportCard } from './ImportCard';
import { InstrumentsTable } from './InstrumentsTable';
import { PriceChart } from './PriceChart';
import styles from './data.module.css';

function defaultTimeframe(timeframes: readonly string[]): string | null {
  if (timeframes.includes('1d')) return '1d';
  return timeframes[0] ?? null;
}

export function DataPage() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const user = useSession();
  const instrumentsQ = useQuery(INSTRUMENTS, {});
  const instruments = instrumentsQ.data?.instruments;

  const symbol = params.get('symbol')?.trim() || null;
  const instrument = instruments?.find((i) => i.symbol === symbol) ?? null;
  const requestedTf = params.get('timeframe')?.trim() || null;
  const timeframe = requestedTf ?? (instrument ? defaultTimeframe(instrument.timeframes) : null);

  const select = useCallback(
    (nextSymbol: string, nextTf?: string) => {
      const inst = instruments?.find((i) => i.symbol === nextSymbol);
      const keepTf =
        nextSymbol === symbol && timeframe && inst?.timeframes.includes(timeframe) ? timeframe : null;
      const tf = nextTf ?? keepTf ?? (inst ? defaultTimeframe(inst.timeframes) : null);
      const q = new URLSearchParams({ symbol: nextSymbol });
      if (tf) q.set('timeframe', tf);
      router.replace(`${pathname}?${q.toString()}`, { scroll: false });
    },
    [instruments, pathname, router, symbol, timeframe],
  );

  const [reloadToken, setReloadToken] = useState(0);
  const bump = useCallback(() => setReloadToken((t) => t + 1), []);
  const barsState = useAllBars(symbol, timeframe, reloadToken);
  const seriesVars = useMemo(() => (symbol && timeframe ? { symbol, timeframe } : null), [symbol, timeframe]);
  const seriesQ = useQuery(FEATURE_SERIES, seriesVars);

  const [overlays, setOverlays] = useState<string[]>(DEFAULT_OVERLAYS);
  const [showVolume, setShowVolume] = useState(true);
  const available = useMemo(
    () => sortFeatureNames(seriesQ.data?.featureSeries.features.map((f) => f.name) ?? []),
    [seriesQ.data],
  );
  const enabledOverlays = useMemo(() => available.filter((n) => overlays.includes(n)), [available, overlays]);
  const hasVolume = barsState.status === 'ready' && barsState.bars.some((b) => b.volume != null);

  const reloadInstruments = instrumentsQ.reload;
  const reloadSeries = seriesQ.reload;
  const onImported = useCallback(() => {
    reloadInstruments();
    reloadSeries();
    bump();
  }, [reloadInstruments, reloadSeries, bump]);

  const canImport = hasRole(user, 'quant', 'admin');

  return (
    <div className={styles.page}>
      <div className={styles.leftCol}>
        <Card
          title={
            <>
              Instruments
              {instruments && <span className={styles.titleMeta}>{formatInt(instruments.length)}</span>}
            </>
          }
          actions={
            <button
              type="button"
              className="btn btn-sm"
              onClick={instrumentsQ.reload}
              disabled={instrumentsQ.loading}
            >
              Refresh
            </button>
          }
          bodyClassName={styles.flushBody}
        >
          {instrumentsQ.error && !instruments ? (
            <div className={styles.pad}>
              <ErrorState error={instrumentsQ.error} onRetry={instrumentsQ.reload} />
            </div>
          ) : !instruments ? (
            <div className={styles.pad}>
              <Loading>Loading instruments…</Loading>
            </div>
          ) : instruments.length === 0 ? (
            <div className={styles.pad}>
              <Empty>
                No instruments yet.{' '}
                {canImport ? 'Import data below.' : 'Ask a quant or admin to import data.'}
              </Empty>
            </div>
          ) : (
            <InstrumentsTable
              instruments={instruments}
              selectedSymbol={symbol}
              selectedTimeframe={timeframe}
              onSelect={select}
            />
          )}
        </Card>
        {canImport && <ImportCard onImported={onImported} />}
      </div>

      <div className={styles.rightCol}>
        {!symbol ? (
          <Card title="Chart">
            <Empty>Select an instrument to chart its bars and features.</Empty>
          </Card>
        ) : !timeframe ? (
          <Card title={symbol}>
            {instrumentsQ.error ? (
              <ErrorState error={instrumentsQ.error} onRetry={instrumentsQ.reload} />
            ) : instruments ? (
              <Empty>{symbol} has no bars in any timeframe (or is unknown).</Empty>
            ) : (
              <Loading>Loading instrument…</Loading>
            )}
          </Card>
        ) : (
          <>
            <Card
              title={
                <>
                  <span className={styles.chartSymbol}>{symbol}</span>
                  {barsState.status === 'ready' && (
                    <span className={styles.titleMeta}>{formatInt(barsState.bars.length)} bars</span>
                  )}
                </>
              }
              actions={
                instrument && instrument.timeframes.length > 0 ? (
                  <div className="seg" role="group" aria-label="Timeframe">
                    {instrument.timeframes.map((tf) => (
                      <button
                        key={tf}
                        type="button"
                        aria-pressed={tf === timeframe}
                        onClick={() => select(symbol, tf)}
                      >
                        {tf}
                      </button>
                    ))}
                  </div>
                ) : (
                  <span className="mono dim">{timeframe}</span>
                )
              }
              bodyClassName={styles.chartBody}
            >
              <div className={styles.overlayBar} role="group" aria-label="Overlays">
                <span className={styles.overlayTitle}>Overlays</span>
                {hasVolume && (
                  <label className={styles.check}>
                    <input
                      type="checkbox"
                      checked={showVolume}
                      onChange={(e) => setShowVolume(e.target.checked)}
                    />
                    Volume
                  </label>
                )}
                {available.map((name) => (
                  <label key={name} className={styles.check}>
                    <input
                      type="checkbox"
                      data-testid={`overlay-${name}`}
                      checked={overlays.includes(name)}
                      onChange={(e) =>
                        setOverlays((cur) =>
                          e.target.checked
                            ? [...cur.filter((n) => n !== name), name]
                            : cur.filter((n) => n !== name),
                        )
                      }
                    />
                    <span
                      className={styles.swatch}
                      style={{ background: featureMeta(name).color }}
                      aria-hidden="true"
                    />
                    {featureMeta(name).label}
                  </label>
                ))}
                {seriesQ.loading && !seriesQ.data && <span className="dim">loading feature series…</span>}
                {seriesQ.error && (
                  <span className={styles.inlineError} title={seriesQ.error.message}>
                    feature series unavailable: {seriesQ.error.message}
                  </span>
                )}
              </div>
              <PriceChart
                symbol={symbol}
                timeframe={timeframe}
                barsState={barsState}
                featureSeries={seriesQ.data?.featureSeries}
                overlays={enabledOverlays}
                showVolume={showVolume && hasVolume}
                onRetry={bump}
              />
            </Card>
            <FeaturePanel symbol={symbol} timeframe={timeframe} reloadToken={reloadToken} />
          </>
        )}
      </div>
    </div>
  );
}
