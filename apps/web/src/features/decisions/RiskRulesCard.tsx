import { formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { Decision } from './operations';
import { VerdictChip } from './VerdictChip';
import styles from './decisions.module.css';

/** Risk figures are fractions of equity (weights, exposures, VaR). */
const pct = (v: number | null) => (v === null ? '—' : formatPercent(v, 2));

export function RiskRulesCard({ risk }: { risk: Decision['risk'] }) {
  return (
    <Card
      title={
        <>
          Risk check <VerdictChip verdict={risk.verdict} />
          <span className={styles.titleMeta}>
            scale {risk.scale.toFixed(3)}
            {risk.bindingRule ? ` · binding: ${risk.bindingRule}` : ''}
          </span>
        </>
      }
      testId="decision-risk"
      bodyClassName={styles.flushBody}
    >
      <div className={styles.tableWrap}>
        <table className="table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Passed</th>
              <th>Binding</th>
              <th>Code</th>
              <th className="num">Limit</th>
              <th className="num">Before</th>
              <th className="num">After</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {risk.rules.map((r) => (
              <tr key={r.rule} data-testid="risk-rule" data-rule={r.rule} data-passed={String(r.passed)}>
                <td className="mono">{r.rule}</td>
                <td className={r.passed ? styles.pass : styles.fail}>{r.passed ? '✓ passed' : '✗ failed'}</td>
                <td>{r.binding ? <span className="badge badge-running">binding</span> : ''}</td>
                <td className="mono">{r.code ?? ''}</td>
                <td className="num">{pct(r.limit)}</td>
                <td className="num">{pct(r.actual)}</td>
                <td className="num">{pct(r.after)}</td>
                <td className={styles.detail}>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
