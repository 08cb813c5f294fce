import { formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { VarFigure } from './operations';
import styles from './risk.module.css';

/** One-day VaR / CVaR of the HRP portfolio at each confidence level, historical and parametric. */
export function VarTable({ figures }: { figures: readonly VarFigure[] }) {
  const rows = [...figures].sort((a, b) => a.level - b.level);
  return (
    <Card title="Value at risk · 1 day">
      <table className="table" data-testid="var-table">
        <thead>
          <tr>
            <th>Level</th>
            <th className="num">Historical VaR</th>
            <th className="num">Historical CVaR</th>
            <th className="num">Parametric VaR</th>
            <th className="num">Parametric CVaR</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.level}>
              <td className="mono">
                {formatPercent(f.level, f.level * 100 === Math.round(f.level * 100) ? 0 : 1)}
              </td>
              <td className="num">{formatPercent(f.historicalVar)}</td>
              <td className="num">{formatPercent(f.historicalCvar)}</td>
              <td className="num">{formatPercent(f.parametricVar)}</td>
              <td className="num">{formatPercent(f.parametricCvar)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.note}>
        Losses as a fraction of portfolio value. Historical: empirical quantile of the HRP portfolio&apos;s
        daily returns; parametric: normal distribution with their mean and standard deviation.
      </p>
    </Card>
  );
}
