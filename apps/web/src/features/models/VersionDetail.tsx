import Link from 'next/link';
import { formatBytes, formatNumber, formatTimestamp } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { MoveStageForm } from './MoveStageForm';
import type { ModelVersion, TensorSpec } from './operations';
import { StageChip } from './StageChip';
import { StageHistory } from './StageHistory';
import { numericMetrics } from './versionMetrics';
import styles from './models.module.css';

function tensors(list: readonly TensorSpec[]): string {
  return list.map((t) => `${t.name}: ${t.type}[${t.shape.map((d) => d ?? '?').join(', ')}]`).join(', ');
}

/** One version: lineage, artifact, signature, metrics, the stage actions and the stage history. */
export function VersionDetail({ version: v, onMoved }: { version: ModelVersion; onMoved: () => void }) {
  const metrics = numericMetrics(v.metrics);
  return (
    <Card
      title={
        <>
          <span className="mono">
            {v.modelName} v{v.version}
          </span>{' '}
          <StageChip stage={v.stage} />
        </>
      }
      testId="version-detail"
    >
      <div className={styles.detailGrid}>
        <div>
          <dl className={styles.facts}>
            <div>
              <dt>Source run</dt>
              <dd>
                {v.run ? (
                  <Link href={`/experiments/runs/${encodeURIComponent(v.run.id)}`}>
                    {v.run.experimentName} / {v.run.name}
                  </Link>
                ) : (
                  <span className="dim">deleted</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Registered</dt>
              <dd>
                {v.createdBy} · <span className="mono">{formatTimestamp(v.createdAt)}</span>
              </dd>
            </div>
            <div>
              <dt>Artifact</dt>
              <dd className="mono" title={v.artifact?.sha256}>
                {v.artifact
                  ? `${v.artifact.path} · ${formatBytes(v.artifact.size)} · ${v.artifact.sha256.slice(0, 12)}`
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>Inputs</dt>
              <dd className="mono" title={tensors(v.signature.inputs)}>
                {tensors(v.signature.inputs)}
              </dd>
            </div>
            <div>
              <dt>Outputs</dt>
              <dd className="mono" title={tensors(v.signature.outputs)}>
                {tensors(v.signature.outputs)}
              </dd>
            </div>
          </dl>
          {v.description && <p className={styles.note}>{v.description}</p>}
          {metrics.length > 0 && (
            <>
              <h3 className={styles.subhead}>Metrics at registration</h3>
              <span className={styles.metrics}>
                {metrics.map(([k, n]) => (
                  <span key={k}>
                    {k} {formatNumber(n)}
                  </span>
                ))}
              </span>
            </>
          )}
        </div>
        <div>
          <h3 className={styles.subhead}>Move stage</h3>
          <MoveStageForm
            key={`${v.modelName}|${v.version}`}
            modelName={v.modelName}
            version={v.version}
            stage={v.stage}
            onMoved={onMoved}
          />
          <h3 className={styles.subhead}>Stage history</h3>
          <StageHistory history={v.stageHistory} />
        </div>
      </div>
    </Card>
  );
}
