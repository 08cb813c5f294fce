'use client';

import { useMemo, useState } from 'react';
import { formatDate, formatInt } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Pager, pageCount, pageOf } from '@/shared/ui/Pager';
import { Empty } from '@/shared/ui/States';
import type { RegimeTransition } from './operations';
import { RegimeTag } from './RegimeTag';
import styles from './regimes.module.css';

const PAGE_SIZE = 50;

export function TransitionsTable({ transitions }: { transitions: readonly RegimeTransition[] }) {
  const newestFirst = useMemo(
    () => [...transitions].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)),
    [transitions],
  );
  const [page, setPage] = useState(0);
  const current = Math.min(page, pageCount(newestFirst.length, PAGE_SIZE) - 1);
  const rows = pageOf(newestFirst, current, PAGE_SIZE);

  return (
    <Card
      title={
        <>
          Transitions <span className={styles.titleMeta}>{formatInt(transitions.length)}</span>
        </>
      }
      testId="regime-transitions"
      bodyClassName={styles.flushBody}
    >
      {newestFirst.length === 0 ? (
        <div className={styles.pad}>
          <Empty>The most likely regime never changed.</Empty>
        </div>
      ) : (
        <>
          <div className={styles.tableScroll}>
            <table className="table">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>From → to</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={`${t.time}|${t.from}|${t.to}`}>
                    <td className="mono">{formatDate(t.time)}</td>
                    <td>
                      <RegimeTag label={t.from} /> <span className="dim">→</span> <RegimeTag label={t.to} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className={styles.pagerRow}>
            <Pager page={current} pageSize={PAGE_SIZE} total={newestFirst.length} onPage={setPage} />
          </div>
        </>
      )}
    </Card>
  );
}
