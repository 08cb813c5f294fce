'use client';

import Link from 'next/link';
import { formatDateTime, formatInt } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import type { QueryState } from '@/shared/hooks/useGraphQL';
import type { RegisteredModelSummary, StageHolder } from './operations';
import styles from './models.module.css';

const LIVE = ['staging', 'shadow', 'canary', 'production'] as const;

function Holder({ model, holder }: { model: string; holder: StageHolder | null }) {
  if (!holder) return <span className="dim">—</span>;
  return (
    <Link href={`/models?${new URLSearchParams({ model, version: String(holder.version) }).toString()}`}>
      v{holder.version}
    </Link>
  );
}

/** Every registered model with the version that holds each live stage. */
export function ModelsList(props: {
  q: QueryState<{ registeredModels: RegisteredModelSummary[] }>;
  selected: string | null;
}) {
  const { q, selected } = props;
  const models = q.data?.registeredModels;
  return (
    <Card
      title={
        <>
          Registered models {models && <span className={styles.titleMeta}>{formatInt(models.length)}</span>}
        </>
      }
      bodyClassName={styles.flushBody}
      testId="models-list"
    >
      {q.error && !models ? (
        <div className={styles.pad}>
          <ErrorState error={q.error} onRetry={q.reload} />
        </div>
      ) : !models ? (
        <div className={styles.pad}>
          <Loading>Loading models…</Loading>
        </div>
      ) : models.length === 0 ? (
        <div className={styles.pad}>
          <Empty>No model is registered yet. Register a version from a run&apos;s page in Experiments.</Empty>
        </div>
      ) : (
        <div className={styles.tableScroll}>
          <table className="table" aria-label="Registered models">
            <thead>
              <tr>
                <th>Model</th>
                <th className="num">Versions</th>
                {LIVE.map((s) => (
                  <th key={s}>{s}</th>
                ))}
                <th>Created by</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr
                  key={m.name}
                  className={m.name === selected ? styles.selectedRow : undefined}
                  data-testid={`model-row-${m.name}`}
                >
                  <td className={styles.cellClip} title={m.description ?? m.name}>
                    <Link
                      href={`/models?${new URLSearchParams({ model: m.name }).toString()}`}
                      aria-current={m.name === selected ? 'true' : undefined}
                    >
                      {m.name}
                    </Link>
                  </td>
                  <td className="num">{formatInt(m.versions.length)}</td>
                  {LIVE.map((s) => (
                    <td key={s} className="mono" data-stage={s}>
                      <Holder model={m.name} holder={m[s]} />
                    </td>
                  ))}
                  <td>{m.createdBy}</td>
                  <td className="mono">{formatDateTime(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
