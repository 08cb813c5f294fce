import { formatBytes, formatDateTime, formatNumber } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty } from '@/shared/ui/States';
import type { Artifact, RunDetail } from './operations';
import { paramText } from './runValues';
import styles from './experiments.module.css';

export function ParamsCard({ run }: { run: RunDetail }) {
  const params = Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b));
  const tags = Object.entries(run.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card title="Params" bodyClassName={styles.flushBody} testId="run-params">
      {params.length === 0 ? (
        <div className={styles.pad}>
          <Empty>No params logged.</Empty>
        </div>
      ) : (
        <table className="table" aria-label="Params">
          <thead>
            <tr>
              <th>Param</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {params.map(([k, v]) => (
              <tr key={k}>
                <td className="mono">{k}</td>
                <td className={`mono ${styles.cellClip}`} title={paramText(v)}>
                  {paramText(v)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tags.length > 0 && (
        <div className={styles.pad}>
          <span className="field-label">Tags</span>
          <div className={styles.links}>
            {tags.map(([k, v]) => (
              <span key={k} className="badge" title={`${k}=${v}`}>
                {k}={v}
              </span>
            ))}
          </div>
        </div>
      )}
    </Card>
  );
}

export function LatestMetricsCard({ run }: { run: RunDetail }) {
  return (
    <Card title="Latest metrics" bodyClassName={styles.flushBody} testId="run-latest-metrics">
      {run.latestMetrics.length === 0 ? (
        <div className={styles.pad}>
          <Empty>No metrics logged yet.</Empty>
        </div>
      ) : (
        <table className="table" aria-label="Latest metrics">
          <thead>
            <tr>
              <th>Metric</th>
              <th className="num">Value (highest step)</th>
            </tr>
          </thead>
          <tbody>
            {run.latestMetrics.map((m) => (
              <tr key={m.key} data-metric={m.key}>
                <td className="mono">{m.key}</td>
                <td className="num" title={String(m.value)}>
                  {formatNumber(m.value)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

export function ArtifactsCard({ artifacts }: { artifacts: readonly Artifact[] }) {
  return (
    <Card title="Artifacts" bodyClassName={styles.flushBody} testId="run-artifacts">
      {artifacts.length === 0 ? (
        <div className={styles.pad}>
          <Empty>No artifacts logged.</Empty>
        </div>
      ) : (
        <div className={styles.tableScroll}>
          <table className="table" aria-label="Artifacts">
            <thead>
              <tr>
                <th>Path</th>
                <th className="num">Size</th>
                <th>sha256</th>
                <th>Content type</th>
                <th>Logged</th>
              </tr>
            </thead>
            <tbody>
              {artifacts.map((a) => (
                <tr key={a.id}>
                  <td className="mono">{a.path}</td>
                  <td className="num" title={`${a.size} bytes`}>
                    {formatBytes(a.size)}
                  </td>
                  <td className="mono" title={a.sha256}>
                    {a.sha256.slice(0, 12)}
                  </td>
                  <td className="mono">{a.contentType}</td>
                  <td className="mono">{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
