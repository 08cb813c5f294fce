import { formatNumber, formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { Decision } from './operations';
import styles from './decisions.module.css';

/** The model versions behind the decision, its routing arm, and what a shadow version would have done. */
export function ModelsCard({ models, shadow }: Pick<Decision, 'models' | 'shadow'>) {
  const shadowVersion = new Map(shadow?.versions.map((v) => [v.name, v.version]));
  return (
    <Card
      title={
        <>
          Models <span className={styles.titleMeta}>arm {models.arm}</span>
        </>
      }
      testId="decision-models"
    >
      <table className="table">
        <thead>
          <tr>
            <th>Model</th>
            <th className="num">Version</th>
            {shadow && <th className="num">Shadow</th>}
          </tr>
        </thead>
        <tbody>
          {models.versions.map((v) => (
            <tr key={v.name}>
              <td className="mono">{v.name}</td>
              <td className="num">v{v.version}</td>
              {shadow && (
                <td className="num">{shadowVersion.has(v.name) ? `v${shadowVersion.get(v.name)}` : '—'}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {shadow && (
        <>
          <h3 className={styles.subTitle}>Shadow (scored, never acted on)</h3>
          <table className="table">
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="num">Proposed weight</th>
                <th className="num">Blended signal</th>
              </tr>
            </thead>
            <tbody>
              {shadow.targets.map((t) => (
                <tr key={t.symbol}>
                  <td className="mono">{t.symbol}</td>
                  <td className="num">{formatPercent(t.proposedWeight, 2)}</td>
                  <td className="num">{formatNumber(t.blendedSignal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}
