import { formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { LimitBreach } from './operations';
import styles from './risk.module.css';

/** Limit status of the HRP portfolio: all clear, or each breach with its numbers. */
export function LimitsCard(props: {
  breaches: readonly LimitBreach[];
  maxConcentration: number;
  largest: { symbol: string; weight: number } | null;
}) {
  const { breaches, maxConcentration, largest } = props;
  const ok = breaches.length === 0;
  return (
    <Card title="Limits">
      <div data-testid="limit-status" data-state={ok ? 'ok' : 'breached'} data-breaches={breaches.length}>
        {ok ? (
          <div className={styles.limitsOk}>
            <span className="dot dot-up" aria-hidden="true" /> All limits hold
          </div>
        ) : (
          <>
            <div className={styles.limitsBreached}>
              <span className="dot dot-down" aria-hidden="true" /> {breaches.length} limit
              {breaches.length === 1 ? '' : 's'} breached
            </div>
            <table className="table">
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Symbol</th>
                  <th className="num">Limit</th>
                  <th className="num">Actual</th>
                </tr>
              </thead>
              <tbody>
                {breaches.map((b) => (
                  <tr key={`${b.code}|${b.symbol ?? ''}`}>
                    <td className="mono">{b.code}</td>
                    <td className="mono">{b.symbol ?? '—'}</td>
                    <td className="num">{formatPercent(b.limit)}</td>
                    <td className={`num ${styles.breachActual}`}>{formatPercent(b.actual)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
      <p className={styles.note}>
        Single-position limit {formatPercent(maxConcentration, 0)}
        {largest && (
          <>
            ; largest HRP position <span className="mono">{largest.symbol}</span> at{' '}
            {formatPercent(largest.weight)}
          </>
        )}
        .
      </p>
    </Card>
  );
}
