import { formatNumber, formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { Decision } from './operations';
import styles from './decisions.module.css';

/** The heading of the set scored beside the acting one, by that set's arm. */
function besideTitle(arm: string | null): string {
  if (arm === 'canary') return 'Canary set beside (scored, not acted on here)';
  if (arm === 'production') return 'Production set beside (scored, not acted on here)';
  return 'Shadow (scored, never acted on)';
}

/**
 * The model versions behind the decision, its routing arm, and what the set scored beside it
 * would have done: the shadow, or during a canary the other acting set (a rollout's paired arm).
 */
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
            {shadow && <th className="num">{shadow.arm && shadow.arm !== 'shadow' ? 'Beside' : 'Shadow'}</th>}
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
          <h3 className={styles.subTitle}>
            {besideTitle(shadow.arm)}
            {shadow.risk && (
              <span className={styles.titleMeta} data-testid="decision-beside-risk">
                risk {shadow.risk.verdict}
                {shadow.risk.bindingRule ? ` (${shadow.risk.bindingRule})` : ''}
              </span>
            )}
          </h3>
          <table className="table">
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="num">Proposed weight</th>
                <th className="num">After risk</th>
                <th className="num">Blended signal</th>
              </tr>
            </thead>
            <tbody>
              {shadow.targets.map((t) => (
                <tr key={t.symbol}>
                  <td className="mono">{t.symbol}</td>
                  <td className="num">{formatPercent(t.proposedWeight, 2)}</td>
                  <td className="num">{t.targetWeight === null ? '—' : formatPercent(t.targetWeight, 2)}</td>
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
