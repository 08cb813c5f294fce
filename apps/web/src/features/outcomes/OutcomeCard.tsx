import { formatDateTime, formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty } from '@/shared/ui/States';
import type { DecisionOutcome } from './operations';
import { formatNet, formatWeightChange } from './outcomeFormat';
import styles from './outcomes.module.css';

const WAITING = 'waiting for the next bar';

/**
 * What the decision earned over the next bar, per target and arm: the change of weight, the
 * asset's return, gross w·r, the trading cost and the net; the shadow on the same opportunity.
 */
export function OutcomeCard({ outcome }: { outcome: DecisionOutcome | null }) {
  const title = (
    <>
      Outcome{' '}
      <span className={styles.meta} data-testid="decision-outcome-status">
        {outcome === null
          ? 'not booked yet'
          : outcome.status === 'RECORDED'
            ? `net ${formatNet(outcome.net)}`
            : WAITING}
      </span>
    </>
  );
  if (outcome === null)
    return (
      <Card title={title} testId="decision-outcome">
        <Empty>The outcome ledger has not booked this decision yet: {WAITING}.</Empty>
      </Card>
    );
  return (
    <Card title={title} testId="decision-outcome" bodyClassName={styles.flushBody}>
      <table className="table" data-testid="decision-outcome-table">
        <thead>
          <tr>
            <th>Target</th>
            <th>Arm</th>
            <th className="num">Weight change</th>
            <th className="num">Asset return</th>
            <th className="num">Gross</th>
            <th className="num">Cost</th>
            <th className="num">Net</th>
            <th>Settled by</th>
          </tr>
        </thead>
        <tbody>
          {outcome.rows.map((r) => (
            <tr
              key={`${r.arm}|${r.symbol}`}
              data-testid="outcome-row"
              data-arm={r.arm}
              data-symbol={r.symbol}
              data-status={r.status}
            >
              <td className="mono">{r.symbol}</td>
              <td className="mono">
                {r.arm}
                {r.acted ? '' : <span className="dim"> (not held)</span>}
              </td>
              <td className="num mono">{formatWeightChange(r.weightChange)}</td>
              {r.status === 'RECORDED' ? (
                <>
                  <td className="num mono">{formatPercent(r.assetReturn, 3)}</td>
                  <td className="num mono">{formatNet(r.gross, 4)}</td>
                  <td className="num mono">{formatPercent(r.cost, 4)}</td>
                  <td className={`num mono ${(r.net ?? 0) >= 0 ? styles.up : styles.down}`}>
                    {formatNet(r.net, 4)}
                  </td>
                  <td className="mono">{formatDateTime(r.nextBarTime)}</td>
                </>
              ) : (
                <>
                  <td colSpan={2} className={styles.waiting}>
                    {WAITING}
                  </td>
                  <td className="num mono">{formatPercent(r.cost, 4)}</td>
                  <td className="num">—</td>
                  <td>—</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
        <tfoot>
          {outcome.arms.map((a) => (
            <tr key={a.arm} data-testid="outcome-arm" data-arm={a.arm}>
              <td className="dim">Σ</td>
              <td className="mono" title={a.modelLabel}>
                {a.arm}
              </td>
              <td className="num mono dim">turnover {formatPercent(a.turnover, 1)}</td>
              <td />
              {a.status === 'RECORDED' ? (
                <>
                  <td className="num mono">{formatNet(a.gross, 4)}</td>
                  <td className="num mono">{formatPercent(a.cost, 4)}</td>
                  <td className={`num mono ${(a.net ?? 0) >= 0 ? styles.up : styles.down}`}>
                    {formatNet(a.net, 4)}
                  </td>
                  <td />
                </>
              ) : (
                <>
                  <td className={styles.waiting}>waiting</td>
                  <td className="num mono">{formatPercent(a.cost, 4)}</td>
                  <td className="num">—</td>
                  <td />
                </>
              )}
            </tr>
          ))}
        </tfoot>
      </table>
    </Card>
  );
}

/** A decision's realized net in the Decisions list: signed percent, "waiting", or blank before it is booked. */
export function DecisionNetCell({
  outcome,
}: {
  outcome: { status: string; net: number | null } | null | undefined;
}) {
  if (!outcome) return <td className="num" data-testid="decision-net" />;
  if (outcome.status !== 'RECORDED')
    return (
      <td className={`num ${styles.waiting}`} data-testid="decision-net" data-status="WAITING">
        waiting
      </td>
    );
  return (
    <td
      className={`num mono ${(outcome.net ?? 0) >= 0 ? styles.up : styles.down}`}
      data-testid="decision-net"
      data-status="RECORDED"
    >
      {formatNet(outcome.net)}
    </td>
  );
}
