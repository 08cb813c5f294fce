import Link from 'next/link';
import { formatDateTime, formatNumber } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty } from '@/shared/ui/States';
import type { RegisteredModel } from './operations';
import { StageChip } from './StageChip';
import { numericMetrics } from './versionMetrics';
import styles from './models.module.css';

const METRICS_SHOWN = 8;

/** A model's versions, newest first, with their stage, source run (lineage) and artifact. */
export function VersionsTable({ model, selected }: { model: RegisteredModel; selected: number | null }) {
  return (
    <Card
      title={
        <>
          Versions · <span className="mono">{model.name}</span>
        </>
      }
      bodyClassName={styles.flushBody}
      testId="model-versions"
    >
      {model.description && <p className={`${styles.note} ${styles.pad}`}>{model.description}</p>}
      {model.versions.length === 0 ? (
        <div className={styles.pad}>
          <Empty>This model has no versions.</Empty>
        </div>
      ) : (
        <div className={styles.tableScroll}>
          <table className="table" aria-label="Model versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Stage</th>
                <th>Created by</th>
                <th>Created</th>
                <th>Metrics</th>
                <th>Source run</th>
                <th>Artifact sha256</th>
              </tr>
            </thead>
            <tbody>
              {model.versions.map((v) => {
                const metrics = numericMetrics(v.metrics);
                return (
                  <tr
                    key={v.id}
                    className={v.version === selected ? styles.selectedRow : undefined}
                    data-testid={`version-row-${v.version}`}
                  >
                    <td>
                      <Link
                        href={`/models?${new URLSearchParams({ model: model.name, version: String(v.version) }).toString()}`}
                        aria-current={v.version === selected ? 'true' : undefined}
                      >
                        v{v.version}
                      </Link>
                    </td>
                    <td>
                      <StageChip stage={v.stage} />
                    </td>
                    <td>{v.createdBy}</td>
                    <td className="mono">{formatDateTime(v.createdAt)}</td>
                    <td>
                      <span className={styles.metrics}>
                        {metrics.length === 0
                          ? '—'
                          : metrics.slice(0, METRICS_SHOWN).map(([k, n]) => (
                              <span key={k}>
                                {k} {formatNumber(n)}
                              </span>
                            ))}
                        {metrics.length > METRICS_SHOWN && (
                          <span>+{metrics.length - METRICS_SHOWN} more</span>
                        )}
                      </span>
                    </td>
                    <td className={styles.cellClip}>
                      {v.run ? (
                        <Link
                          href={`/experiments/runs/${encodeURIComponent(v.run.id)}`}
                          title={v.run.experimentName}
                        >
                          {v.run.name}
                        </Link>
                      ) : (
                        <span className="dim">run deleted</span>
                      )}
                    </td>
                    <td className="mono" title={v.artifact?.sha256}>
                      {v.artifact ? v.artifact.sha256.slice(0, 12) : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
