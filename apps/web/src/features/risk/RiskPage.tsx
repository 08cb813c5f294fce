'use client';

import { useCallback, useMemo, type ReactNode } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { formatDate, formatInt } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import { CorrelationHeatmap } from './CorrelationHeatmap';
import { HrpCard } from './HrpCard';
import { LimitsCard } from './LimitsCard';
import { LINKAGES, RISK_REPORT, type Linkage, type RiskReport } from './operations';
import { VarTable } from './VarTable';
import styles from './risk.module.css';

function parseLinkage(v: string | null): Linkage {
  return (LINKAGES as readonly string[]).includes(v ?? '') ? (v as Linkage) : 'single';
}

function LinkageSelect({ value, onChange }: { value: Linkage; onChange: (l: Linkage) => void }) {
  return (
    <div className="seg" role="group" aria-label="Linkage" data-testid="linkage-select">
      {LINKAGES.map((l) => (
        <button key={l} type="button" aria-pressed={l === value} onClick={() => onChange(l)}>
          {l}
        </button>
      ))}
    </div>
  );
}

function WindowFacts({ report }: { report: RiskReport }) {
  return (
    <div className={styles.window} data-testid="risk-window">
      <span>
        <span className={styles.factLabel}>Window</span>
        <span className="mono">
          {formatDate(report.from)} → {formatDate(report.to)}
        </span>
      </span>
      <span>
        <span className={styles.factLabel}>Observations</span>
        <span className="mono">{formatInt(report.observations)}</span>
      </span>
      <span>
        <span className={styles.factLabel}>Symbols</span>
        <span className="mono">{formatInt(report.symbols.length)}</span>
      </span>
    </div>
  );
}

function Report({ report }: { report: RiskReport }) {
  const largest = useMemo(
    () =>
      report.hrp.weights.reduce<{ symbol: string; weight: number } | null>(
        (best, w) => (best === null || w.weight > best.weight ? w : best),
        null,
      ),
    [report.hrp.weights],
  );
  return (
    <>
      <div className={styles.grid}>
        <HrpCard report={report} />
        <Card title="Correlation · daily returns, pairwise complete">
          <CorrelationHeatmap
            symbols={report.correlation.symbols}
            values={report.correlation.values}
            order={report.hrp.order}
          />
        </Card>
      </div>
      <div className={styles.grid}>
        <VarTable figures={report.var} />
        <LimitsCard breaches={report.breaches} maxConcentration={report.maxConcentration} largest={largest} />
      </div>
    </>
  );
}

export function RiskPage() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const linkage = parseLinkage(params.get('linkage'));
  const select = useCallback(
    (l: Linkage) =>
      router.replace(`${pathname}?${new URLSearchParams({ linkage: l }).toString()}`, { scroll: false }),
    [pathname, router],
  );
  const vars = useMemo(() => ({ linkage }), [linkage]);
  const q = useQuery(RISK_REPORT, vars);
  const report = q.data?.riskReport;

  let body: ReactNode;
  if (report) body = <Report report={report} />;
  else if (q.error) body = <ErrorState error={q.error} onRetry={q.reload} />;
  else body = <Loading>Computing the risk report…</Loading>;

  return (
    <div className={styles.page}>
      <Card
        title="Risk · HRP portfolio of the daily universe"
        actions={
          <>
            <span className={styles.factLabel}>Linkage</span>
            <LinkageSelect value={linkage} onChange={select} />
          </>
        }
      >
        {report ? (
          <WindowFacts report={report} />
        ) : (
          <span className="dim">{q.error ? 'No report.' : 'Loading…'}</span>
        )}
      </Card>
      {body}
    </div>
  );
}
