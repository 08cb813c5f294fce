'use client';

import Link from 'next/link';
import { formatClock, VerdictChip } from '@/features/decisions';
import { formatDate } from '@/shared/format/format';
import { Empty } from '@/shared/ui/States';
import type { ForensicsDecision } from './operations';
import styles from './forensics.module.css';

/** Stored decisions, newest first; a row opens its explanation (`href`). */
export function ForensicsList(props: {
  rows: readonly ForensicsDecision[];
  selectedId: string | null;
  href: (decisionId: string) => string;
  emptyText: string;
}) {
  if (props.rows.length === 0)
    return (
      <div className={styles.pad}>
        <Empty>{props.emptyText}</Empty>
      </div>
    );
  return (
    <div className={styles.listScroll}>
      <table className="table" data-testid="forensics-list">
        <thead>
          <tr>
            <th>Decided (UTC)</th>
            <th>Symbols</th>
            <th>Risk</th>
            <th>Forensics</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((d) => {
            const selected = d.decisionId === props.selectedId;
            return (
              <tr
                key={d.decisionId}
                className={selected ? styles.selectedRow : undefined}
                aria-selected={selected}
                data-testid="forensics-row"
                data-decision-id={d.decisionId}
              >
                <td className="mono">
                  <Link href={props.href(d.decisionId)} title={d.decisionId} scroll={false}>
                    <span className="dim">{formatDate(d.decidedAt)}</span> {formatClock(d.decidedAt)}
                  </Link>
                </td>
                <td className={`mono ${styles.ellipsis}`} title={d.symbols.join(', ')}>
                  {d.symbols.join(', ')}
                </td>
                <td>
                  <VerdictChip verdict={d.verdict} />
                </td>
                <td className={d.status === 'failed' ? styles.negative : 'dim'}>{d.status}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
