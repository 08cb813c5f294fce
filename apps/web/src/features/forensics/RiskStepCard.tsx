import { VerdictChip } from '@/features/decisions';
import { formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { ForensicsExplanation, TargetExplanation } from './operations';
import { riskWaterfall } from './waterfall';
import { WaterfallChart } from './WaterfallChart';
import styles from './forensics.module.css';

/** Risk figures are fractions of equity (weights, exposures, VaR). */
const pct = (v: number | null) => (v === null ? '—' : formatPercent(v, 2));

/** The order's last step: what the models proposed, what the risk check allowed, and the rules that decided it. */
export function RiskStepCard(props: { target: TargetExplanation; risk: ForensicsExplanation['risk'] }) {
  const { target: t, risk } = props;
  return (
    <Card
      title={
        <>
          Risk step <span className={styles.symbol}>{t.symbol}</span> <VerdictChip verdict={risk.verdict} />
          <span className={styles.titleMeta}>
            scale {risk.scale.toFixed(3)}
            {risk.bindingRule ? ` · binding: ${risk.bindingRule}` : ''}
          </span>
        </>
      }
      testId="risk-step"
    >
      <dl className={styles.facts} data-testid="risk-step-weights">
        <div>
          <dt>Proposed (models)</dt>
          <dd className="mono">{formatPercent(t.proposedWeight, 2)}</dd>
        </div>
        <div>
          <dt>Risk adjustment</dt>
          <dd className={`mono ${t.riskAdjustment !== 0 ? styles.changed : ''}`}>
            {t.riskAdjustment > 0 ? '+' : ''}
            {formatPercent(t.riskAdjustment, 2)}
          </dd>
        </div>
        <div>
          <dt>Target (after risk)</dt>
          <dd className="mono">{formatPercent(t.targetWeight, 2)}</dd>
        </div>
      </dl>
      <div className={styles.chartScroll}>
        <WaterfallChart
          steps={riskWaterfall(t)}
          format={(v) => formatPercent(v, 2)}
          label={`Weight of ${t.symbol} from current to target`}
          testId="risk-waterfall"
        />
      </div>
      <h3 className={styles.subTitle}>Rules that changed the order</h3>
      {risk.adjustments.length === 0 ? (
        <p className={styles.note}>None: the order was approved in full.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className="table">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Outcome</th>
                <th>Code</th>
                <th className="num">Limit</th>
                <th className="num">Before</th>
                <th className="num">After</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {risk.adjustments.map((r) => (
                <tr key={r.rule} data-testid="risk-adjustment" data-rule={r.rule}>
                  <td className="mono">{r.rule}</td>
                  <td className={r.passed ? styles.changed : styles.negative}>
                    {r.binding ? 'binding' : ''}
                    {r.binding && !r.passed ? ' · ' : ''}
                    {r.passed ? '' : 'failed'}
                  </td>
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
      )}
    </Card>
  );
}
