'use client';

import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { formatClock, VerdictChip } from '@/features/decisions';
import { formatDate, formatInt, formatScientific } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { decisionIdTime } from './decisionId';
import { FeatureWaterfallCard } from './FeatureWaterfallCard';
import { EXPLAINED_DECISION, type ExplainedDecision, type ForensicsStatus } from './operations';
import { RegimeInfluenceCard } from './RegimeInfluenceCard';
import { RiskStepCard } from './RiskStepCard';
import { SpecialistsCard } from './SpecialistsCard';
import styles from './forensics.module.css';

/** The consumer explains a decision within about a second: ask again that often while pending. */
const PENDING_POLL_MS = 1000;
/**
 * An id made this recently may not have reached the gateway's mirror yet (the decision goes
 * through Kafka): keep looking for it that long before settling on "no decision".
 */
const JUST_MADE_MS = 60_000;

function StatusChip({ status }: { status: ForensicsStatus }) {
  const badge = { explained: 'badge-succeeded', failed: 'badge-failed', pending: 'badge-queued' }[status];
  return (
    <span className={`badge ${badge}`} data-testid="forensics-status" data-status={status}>
      {status}
    </span>
  );
}

function ExplanationHeader({ decision: d }: { decision: ExplainedDecision }) {
  const f = d.forensics;
  const x = f.explanation;
  return (
    <Card
      title={
        <>
          Decision <span className="mono">{d.id}</span> <VerdictChip verdict={d.risk.verdict} />{' '}
          <StatusChip status={f.status} />
        </>
      }
      actions={
        <>
          <Link href={`/decisions/${d.id}`} className="btn btn-sm" data-testid="forensics-decision-link">
            Decision detail
          </Link>
          <a href={`/api/v1/forensics/${d.id}`} className="btn btn-sm" target="_blank" rel="noreferrer">
            JSON
          </a>
        </>
      }
      testId="forensics-header"
    >
      <dl className={styles.facts}>
        <div>
          <dt>Decided at</dt>
          <dd className="mono">
            {formatDate(f.decidedAt)} {formatClock(f.decidedAt)}
          </dd>
        </div>
        <div>
          <dt>Explained</dt>
          <dd className="mono">
            {f.explainedAt && f.delayMs !== null ? `${formatInt(f.delayMs)} ms after` : '—'}
          </dd>
        </div>
        <div>
          <dt>Symbols · arm</dt>
          <dd className="mono">
            {d.symbols.join(', ')} · {d.models.arm}
          </dd>
        </div>
        {x && (
          <>
            <div>
              <dt>Method</dt>
              <dd className="mono" title="Each feature set to its baseline value, one at a time">
                {x.method} · {formatInt(x.rowsEvaluated)} rows
              </dd>
            </div>
            <div>
              <dt>Reproduction error</dt>
              <dd
                className="mono"
                title="Largest |rerun blend − decided blend|: float32 noise is ~1e-7, more means other models"
              >
                {formatScientific(x.reproductionError)}
              </dd>
            </div>
            <div>
              <dt>Models</dt>
              <dd className="mono">{x.models.map((m) => `${m.name} v${m.version}`).join(', ')}</dd>
            </div>
          </>
        )}
      </dl>
    </Card>
  );
}

/** One decision's explanation by id: explained (the waterfalls), failed (why), pending (polled), or unknown. */
export function DecisionExplanation({ id }: { id: string }) {
  const vars = useMemo(() => ({ id }), [id]);
  const [pollMs, setPollMs] = useState<number | undefined>(undefined);
  const q = useQuery(EXPLAINED_DECISION, vars, { pollMs });
  const [symbol, setSymbol] = useState<string | null>(null);

  const decision = q.data?.decision;
  const status = decision?.forensics.status;
  useEffect(() => {
    if (q.data === undefined) return;
    const justMade = decision === null && Date.now() - decisionIdTime(id) < JUST_MADE_MS;
    setPollMs(status === 'pending' || justMade ? PENDING_POLL_MS : undefined);
  }, [q.data, decision, status, id]);

  if (q.error && q.data === undefined) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (q.data === undefined) return <Loading>Loading the explanation…</Loading>;
  if (!decision) {
    return (
      <Card title="Explanation">
        <div data-testid="forensics-not-found">
          <Empty>
            No decision with this id: <span className="mono">{id}</span>.{' '}
            {pollMs
              ? 'It was made moments ago and may still be on its way; looking again every second…'
              : 'Neither the recent decisions nor the stored explanations have it.'}
          </Empty>
        </div>
      </Card>
    );
  }

  const f = decision.forensics;
  const x = f.explanation;
  let body;
  if (f.status === 'pending') {
    body = (
      <div className={styles.pending} data-testid="forensics-pending" role="status">
        <Loading>Explanation pending: the decision is being explained (usually within a second)…</Loading>
      </div>
    );
  } else if (f.status === 'failed' || !x) {
    body = (
      <Card title="Explanation failed">
        <p className={styles.failure} data-testid="forensics-failed">
          {f.failureReason ?? 'No reason was stored.'}
        </p>
      </Card>
    );
  } else {
    const target = x.targets.find((t) => t.symbol === symbol) ?? x.targets[0];
    const features = decision.targets.find((t) => t.symbol === target?.symbol)?.features ?? [];
    body = target ? (
      <>
        {x.targets.length > 1 && (
          <div
            className={`seg ${styles.targetPicker}`}
            role="group"
            aria-label="Target"
            data-testid="forensics-targets"
          >
            {x.targets.map((t) => (
              <button
                key={t.symbol}
                type="button"
                aria-pressed={t.symbol === target.symbol}
                onClick={() => setSymbol(t.symbol)}
              >
                {t.symbol}
              </button>
            ))}
          </div>
        )}
        <FeatureWaterfallCard target={target} features={features} baseline={x.baseline} />
        <SpecialistsCard target={target} />
        <RegimeInfluenceCard target={target} regime={x.regime} />
        <RiskStepCard target={target} risk={x.risk} />
      </>
    ) : (
      <Empty>This decision had no targets.</Empty>
    );
  }

  return (
    <div className={styles.explanation} data-testid="forensics-explanation" data-decision-id={decision.id}>
      <ExplanationHeader decision={decision} />
      {body}
    </div>
  );
}
