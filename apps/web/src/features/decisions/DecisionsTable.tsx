'use client';

import Link from 'next/link';
import { DecisionNetCell } from '@/features/outcomes';
import { formatDate, formatPercent } from '@/shared/format/format';
import { Empty } from '@/shared/ui/States';
import { formatClock, formatMs } from './decisionList';
import type { DecisionSummary } from './operations';
import { VerdictChip } from './VerdictChip';
import styles from './decisions.module.css';

export function DecisionsTable({ rows, emptyText }: { rows: DecisionSummary[]; emptyText: string }) {
  if (rows.length === 0) return <Empty>{emptyText}</Empty>;
  return (
    <div className={styles.tableWrap}>
      <table className="table" data-testid="decisions-table">
        <thead>
          <tr>
            <th>Time (UTC)</th>
            <th>Symbols</th>
            <th>Target weights</th>
            <th>Risk</th>
            <th>Arm</th>
            <th className="num">Total</th>
            <th className="num" title="Realized over the next bar, net of trading cost (the acting arm)">
              Net P&amp;L
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} data-testid="decision-row" data-decision-id={d.id}>
              <td className="mono">
                <Link href={`/decisions/${d.id}`} title={d.id}>
                  <span className="dim">{formatDate(d.at)}</span> {formatClock(d.at)}
                </Link>
              </td>
              <td className="mono">{d.symbols.join(', ')}</td>
              <td className="mono">
                {d.targets.map((t) => (
                  <span
                    key={t.symbol}
                    className={styles.weight}
                    title={`${t.symbol}: ${formatPercent(t.currentWeight, 1)} → ${formatPercent(t.targetWeight, 1)}`}
                  >
                    {t.symbol} {formatPercent(t.targetWeight, 1)}
                  </span>
                ))}
              </td>
              <td>
                <VerdictChip verdict={d.risk.verdict} />
              </td>
              <td className="mono">{d.models.arm}</td>
              <td className="num">{formatMs(d.timings.totalMs)}</td>
              <DecisionNetCell outcome={d.outcome} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
