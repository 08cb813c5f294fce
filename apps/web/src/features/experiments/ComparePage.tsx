'use client';

import { useMemo, useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { formatNumber } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { MetricChart, worthCharting, type ChartSeries } from './MetricChart';
import { COMPARE_RUNS, type RunComparison, type RunRow } from './operations';
import { runColor } from './runColors';
import { RunStatusChip } from './RunStatusChip';
import styles from './experiments.module.css';

const MIN_RUNS = 2;
const MAX_RUNS = 10;
const MAX_POINTS = 500;

function parseRunIds(value: string | null): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

function RunHeading({ run, index }: { run: RunRow; index: number }) {
  return (
    <span className={styles.runHead}>
      <span className={styles.swatch} style={{ background: runColor(index) }} aria-hidden="true" />
      <Link href={`/experiments/runs/${encodeURIComponent(run.id)}`}>{run.name}</Link>
    </span>
  );
}

function ParamsDiff({ comparison }: { comparison: RunComparison }) {
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const rows = onlyDiffs ? comparison.params.filter((p) => p.differs) : comparison.params;
  const differing = comparison.params.filter((p) => p.differs).length;
  return (
    <Card
      title={
        <>
          Params{' '}
          <span className={styles.titleMeta}>
            {differing} of {comparison.params.length} differ
          </span>
        </>
      }
      actions={
        <label className={styles.checkRow}>
          <input type="checkbox" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} />
          Only differences
        </label>
      }
      bodyClassName={styles.flushBody}
      testId="params-diff"
    >
      {rows.length === 0 ? (
        <div className={styles.pad}>
          <Empty>{onlyDiffs ? 'Every param has the same value in these runs.' : 'No params logged.'}</Empty>
        </div>
      ) : (
        <div className={styles.tableScroll}>
          <table className="table" aria-label="Params diff">
            <thead>
              <tr>
                <th>Param</th>
                {comparison.runs.map((r, i) => (
                  <th key={r.id}>
                    <RunHeading run={r} index={i} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.key} className={p.differs ? styles.differs : undefined} data-differs={p.differs}>
                  <td className="mono">
                    {p.key}
                    {p.differs && <span className={styles.srOnly}> (differs)</span>}
                  </td>
                  {p.values.map((v, i) => (
                    <td
                      key={comparison.runs[i]?.id ?? i}
                      className={`mono ${v === null ? styles.missing : ''}`}
                    >
                      {v ?? '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function LatestSideBySide({ comparison }: { comparison: RunComparison }) {
  return (
    <Card title="Latest metrics" bodyClassName={styles.flushBody} testId="metrics-compare">
      {comparison.metrics.length === 0 ? (
        <div className={styles.pad}>
          <Empty>None of these runs logged a metric.</Empty>
        </div>
      ) : (
        <div className={styles.tableScroll}>
          <table className="table" aria-label="Latest metrics side by side">
            <thead>
              <tr>
                <th>Metric</th>
                {comparison.runs.map((r, i) => (
                  <th key={r.id} className="num">
                    <RunHeading run={r} index={i} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {comparison.metrics.map((m) => (
                <tr key={m.key} data-metric={m.key}>
                  <td className="mono">{m.key}</td>
                  {m.latest.map((v, i) => (
                    <td
                      key={comparison.runs[i]?.id ?? i}
                      className="num"
                      title={v === null ? undefined : String(v)}
                    >
                      {formatNumber(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function OverlaidCharts({ comparison }: { comparison: RunComparison }) {
  const charts = useMemo(
    () =>
      comparison.metrics.map((m) => {
        const series: ChartSeries[] = [];
        comparison.runs.forEach((r, i) => {
          const s = m.series.find((x) => x.runId === r.id);
          if (s && s.points.length > 0)
            series.push({ id: r.id, label: r.name, color: runColor(i), points: s.points });
        });
        return { key: m.key, series };
      }),
    [comparison],
  );
  const charted = charts.filter((c) => worthCharting(c.series));
  const once = charts.filter((c) => !worthCharting(c.series)).map((c) => c.key);
  return (
    <Card title="Metrics over steps · one colour per run" testId="compare-charts">
      {charted.length === 0 ? (
        <Empty>No metric was logged at more than one step.</Empty>
      ) : (
        <div className={styles.charts}>
          {charted.map((c) => (
            <MetricChart key={c.key} metricKey={c.key} series={c.series} />
          ))}
        </div>
      )}
      {once.length > 0 && (
        <p className={styles.note}>
          Logged at a single step (see Latest metrics): <span className="mono">{once.join(', ')}</span>
        </p>
      )}
    </Card>
  );
}

/** `/experiments/compare?runs=id1,id2,…`: two to ten runs side by side. */
export function ComparePage() {
  const params = useSearchParams();
  const runIds = useMemo(() => parseRunIds(params.get('runs')), [params]);
  const valid = runIds.length >= MIN_RUNS && runIds.length <= MAX_RUNS;
  const q = useQuery(COMPARE_RUNS, valid ? { runIds, maxPoints: MAX_POINTS } : null);
  const comparison = q.data?.compareRuns;

  let body;
  if (!valid) {
    body = (
      <Empty>
        Pick {MIN_RUNS} to {MAX_RUNS} runs in <Link href="/experiments">Experiments</Link> to compare them
        (this link names {runIds.length}).
      </Empty>
    );
  } else if (q.error && !comparison) body = <ErrorState error={q.error} onRetry={q.reload} />;
  else if (!comparison) body = <Loading>Comparing {runIds.length} runs…</Loading>;
  else {
    body = (
      <>
        <div className={styles.grid2}>
          <ParamsDiff comparison={comparison} />
          <LatestSideBySide comparison={comparison} />
        </div>
        <OverlaidCharts comparison={comparison} />
      </>
    );
  }

  return (
    <div className={styles.page}>
      <Card title="Compare runs" testId="compare-header">
        {comparison ? (
          <ul className={styles.chartLegend} aria-label="Compared runs">
            {comparison.runs.map((r, i) => (
              <li key={r.id}>
                <RunHeading run={r} index={i} /> <RunStatusChip status={r.status} />
              </li>
            ))}
          </ul>
        ) : (
          <span className="dim">{valid ? `${runIds.length} runs` : 'No runs picked.'}</span>
        )}
      </Card>
      {body}
    </div>
  );
}
