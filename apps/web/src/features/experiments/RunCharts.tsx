'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { MetricChart, worthCharting, type ChartSeries } from './MetricChart';
import { RUNS, type RunDetail, type RunRow, type SeriesPoint, type SeriesRequest } from './operations';
import { runColor } from './runColors';
import { seriesKey, useMetricSeries } from './useMetricSeries';
import styles from './experiments.module.css';

const MAX_POINTS = 1000;
const MAX_OVERLAY = 9;
const SIBLINGS = 100;

/** Stored (downsampled) points, then the live ones received after the last stored step. */
function withLive(
  stored: readonly SeriesPoint[],
  live: readonly SeriesPoint[] | undefined,
): readonly SeriesPoint[] {
  if (!live || live.length === 0) return stored;
  const last = stored.at(-1)?.step ?? -Infinity;
  const newer = live.filter((p) => p.step > last);
  return newer.length === 0 ? stored : [...stored, ...newer];
}

function OverlayPicker(props: {
  siblings: readonly RunRow[];
  picked: readonly string[];
  onToggle: (id: string) => void;
}) {
  const { siblings, picked, onToggle } = props;
  return (
    <details className={styles.overlay}>
      <summary className="btn btn-sm">Overlay runs{picked.length > 0 ? ` (${picked.length})` : ''}</summary>
      <div className={styles.overlayMenu} role="group" aria-label="Runs to overlay">
        {siblings.length === 0 ? (
          <span className="dim">No other run in this experiment.</span>
        ) : (
          siblings.map((r) => {
            const checked = picked.includes(r.id);
            const index = picked.indexOf(r.id);
            return (
              <label key={r.id} className={styles.checkRow}>
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && picked.length >= MAX_OVERLAY}
                  onChange={() => onToggle(r.id)}
                />
                {checked && (
                  <span
                    className={styles.swatch}
                    style={{ background: runColor(index + 1) }}
                    aria-hidden="true"
                  />
                )}
                <span className={styles.legendLabel}>{r.name}</span>
                <span className="dim mono">{r.status}</span>
              </label>
            );
          })
        )}
      </div>
    </details>
  );
}

/**
 * One chart per metric key of the run, with sibling runs of the same experiment overlaid on
 * request; live points of a running run are appended as they arrive.
 */
export function RunCharts(props: {
  run: RunDetail;
  live: ReadonlyMap<string, readonly SeriesPoint[]>;
  reloadToken: number;
}) {
  const { run, live, reloadToken } = props;
  const [overlay, setOverlay] = useState<string[]>([]);
  const siblingsQ = useQuery(RUNS, {
    filter: { experimentId: run.experimentId },
    sort: { field: 'startedAt', direction: 'desc' },
    first: SIBLINGS,
    after: null,
  });
  const siblings = useMemo(
    () => (siblingsQ.data?.runs.edges ?? []).map((e) => e.node).filter((r) => r.id !== run.id),
    [siblingsQ.data, run.id],
  );
  const overlaid = useMemo(
    () => overlay.map((id) => siblings.find((s) => s.id === id)).filter((r): r is RunRow => r !== undefined),
    [overlay, siblings],
  );

  // Keys logged while the page is open (live) count too; siblings are asked only for keys they have.
  const keys = useMemo(
    () => [...new Set([...run.metricKeys, ...live.keys()])].sort((a, b) => a.localeCompare(b)),
    [run.metricKeys, live],
  );
  const requests = useMemo(() => {
    const out: SeriesRequest[] = run.metricKeys.map((key) => ({ runId: run.id, key }));
    for (const r of overlaid) {
      for (const m of r.latestMetrics) if (keys.includes(m.key)) out.push({ runId: r.id, key: m.key });
    }
    return out;
  }, [run.id, run.metricKeys, overlaid, keys]);
  const seriesQ = useMetricSeries(requests, MAX_POINTS);
  // A new token (the run just ended) asks for the stored series again.
  const reloadSeries = seriesQ.reload;
  const firstToken = useRef(reloadToken);
  useEffect(() => {
    if (reloadToken !== firstToken.current) reloadSeries();
  }, [reloadToken, reloadSeries]);

  const charts = useMemo(() => {
    const stored = seriesQ.series;
    if (!stored) return null;
    return keys.map((key) => {
      const lines: ChartSeries[] = [
        {
          id: run.id,
          label: run.name,
          color: runColor(0),
          points: withLive(stored.get(seriesKey(run.id, key))?.points ?? [], live.get(key)),
        },
      ];
      overlaid.forEach((r, i) => {
        const s = stored.get(seriesKey(r.id, key));
        if (s) lines.push({ id: r.id, label: r.name, color: runColor(i + 1), points: s.points });
      });
      const downsampled = run.metricKeys.includes(key) && stored.get(seriesKey(run.id, key))?.downsampled;
      return { key, lines, downsampled: downsampled ?? false };
    });
  }, [seriesQ.series, keys, run.id, run.name, run.metricKeys, overlaid, live]);

  const toggle = (id: string) =>
    setOverlay((o) =>
      o.includes(id) ? o.filter((x) => x !== id) : o.length >= MAX_OVERLAY ? o : [...o, id],
    );

  const charted = charts?.filter((c) => worthCharting(c.lines)) ?? null;
  const once = charts?.filter((c) => !worthCharting(c.lines)).map((c) => c.key) ?? [];

  let body;
  if (keys.length === 0) body = <Empty>This run has not logged any metric yet.</Empty>;
  else if (seriesQ.error && !charted) body = <ErrorState error={seriesQ.error} onRetry={seriesQ.reload} />;
  else if (!charted) body = <Loading>Loading metric series…</Loading>;
  else {
    body = (
      <>
        {charted.length > 0 && (
          <div className={styles.charts}>
            {charted.map((c) => (
              <MetricChart key={c.key} metricKey={c.key} series={c.lines} />
            ))}
          </div>
        )}
        {once.length > 0 && (
          <p className={styles.note}>
            Logged at a single step (see Latest metrics): <span className="mono">{once.join(', ')}</span>
          </p>
        )}
      </>
    );
  }

  return (
    <Card
      title={
        <>
          Metrics{' '}
          <span className={styles.titleMeta}>
            {keys.length} keys{charts?.some((c) => c.downsampled) ? ' · long series downsampled (LTTB)' : ''}
          </span>
        </>
      }
      actions={<OverlayPicker siblings={siblings} picked={overlay} onToggle={toggle} />}
      testId="run-charts"
    >
      {body}
    </Card>
  );
}
