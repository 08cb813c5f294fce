'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { OutcomeCard } from '@/features/outcomes';
import { formatDate, formatDateTime, formatNumber } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { formatClock } from './decisionList';
import { ModelsCard } from './ModelsCard';
import { DECISION } from './operations';
import { RegimeBar } from './RegimeBar';
import { RiskRulesCard } from './RiskRulesCard';
import { TargetCard } from './TargetCard';
import { TimingsCard } from './TimingsCard';
import { VerdictChip } from './VerdictChip';
import styles from './decisions.module.css';

/** One decision: what the models saw and proposed, what the risk check allowed, and how long it took. */
export function DecisionDetailPage({ id }: { id: string }) {
  const vars = useMemo(() => ({ id }), [id]);
  const q = useQuery(DECISION, vars);
  const back = (
    <Link href="/decisions" className={styles.back}>
      ← Decisions
    </Link>
  );

  if (q.error && q.data === undefined) {
    return (
      <div className={styles.page}>
        {back}
        <ErrorState error={q.error} onRetry={q.reload} />
      </div>
    );
  }
  if (q.data === undefined) return <Loading>Loading decision…</Loading>;
  const d = q.data.decision;
  if (!d) {
    return (
      <div className={styles.page}>
        {back}
        <Empty>
          No decision <span className="mono">{id}</span>: neither among the recent ones nor stored with its
          forensics.
        </Empty>
      </div>
    );
  }

  return (
    <div className={styles.page} data-testid="decision-detail" data-decision-id={d.id}>
      {back}
      <Card
        title={
          <>
            Decision <span className="mono">{d.id}</span> <VerdictChip verdict={d.risk.verdict} />
          </>
        }
        actions={
          <Link
            href={`/forensics?${new URLSearchParams({ id: d.id }).toString()}`}
            className="btn btn-sm"
            data-testid="decision-forensics-link"
          >
            Forensics
          </Link>
        }
      >
        <dl className={styles.facts}>
          <div>
            <dt>Made at</dt>
            <dd className="mono">
              {formatDate(d.at)} {formatClock(d.at)}
            </dd>
          </div>
          <div>
            <dt>Symbols</dt>
            <dd className="mono">{d.symbols.join(', ')}</dd>
          </div>
          <div>
            <dt>Timeframe · as of</dt>
            <dd className="mono">
              {d.timeframe} · {formatDateTime(d.asOf)}
            </dd>
          </div>
          <div>
            <dt>Confidence</dt>
            <dd className="mono">{formatNumber(d.confidence)}</dd>
          </div>
          <div>
            <dt>Request key</dt>
            <dd className={`mono ${styles.ellipsis}`} title={d.requestKey}>
              {d.requestKey}
            </dd>
          </div>
        </dl>
        <h3 className={styles.subTitle}>Regime probabilities</h3>
        <RegimeBar regime={d.regime} />
      </Card>
      <div className={styles.targets}>
        {d.targets.map((t) => (
          <TargetCard key={t.symbol} target={t} />
        ))}
      </div>
      <OutcomeCard outcome={d.outcome} />
      <RiskRulesCard risk={d.risk} />
      <div className={styles.pair}>
        <ModelsCard models={d.models} shadow={d.shadow} />
        <TimingsCard timings={d.timings} />
      </div>
    </div>
  );
}
