import {
  formatDate,
  formatInt,
  formatPercent,
  formatScientific,
  formatTimestamp,
} from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { RegimeModel, RegimeState } from './operations';
import { RegimeTag } from './RegimeTag';
import styles from './regimes.module.css';

function StatesTable({ states }: { states: readonly RegimeState[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>State</th>
          <th className="num" title="Mean daily log return">
            Mean return
          </th>
          <th className="num" title="Variance of the daily log return">
            Var return
          </th>
          <th className="num" title="Mean 20-day realised volatility (daily, not annualised)">
            Mean vol 20d
          </th>
          <th className="num" title="Variance of the 20-day realised volatility">
            Var vol 20d
          </th>
        </tr>
      </thead>
      <tbody>
        {states.map((s) => (
          <tr key={s.label} data-testid={`regime-state-${s.label}`}>
            <td>
              <RegimeTag label={s.label} />
            </td>
            <td className="num">{formatPercent(s.mean[0], 3)}</td>
            <td className="num">{formatScientific(s.variance[0])}</td>
            <td className="num">{formatPercent(s.mean[1], 3)}</td>
            <td className="num">{formatScientific(s.variance[1])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** P(next regime | regime), rows = from, columns = to, in the order of the states. */
function TransitionMatrix({ labels, matrix }: { labels: readonly string[]; matrix: readonly number[][] }) {
  return (
    <table className={`table ${styles.matrix}`} data-testid="regime-transition-matrix">
      <thead>
        <tr>
          <th>from \ to</th>
          {labels.map((l) => (
            <th key={l} className="num">
              {l}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {labels.map((from, i) => (
          <tr key={from}>
            <td>
              <RegimeTag label={from} />
            </td>
            {labels.map((to, j) => {
              const p = matrix[i]?.[j];
              return (
                <td
                  key={to}
                  className="num"
                  style={{
                    background: p == null ? undefined : `rgba(76, 141, 255, ${(0.05 + 0.3 * p).toFixed(3)})`,
                  }}
                  title={p == null ? undefined : `P(${to} tomorrow | ${from} today) = ${formatPercent(p, 4)}`}
                >
                  {formatPercent(p, 2)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ModelCard({ model }: { model: RegimeModel }) {
  return (
    <Card title="Model" testId="regime-model">
      <dl className={styles.facts}>
        <div>
          <dt>Version</dt>
          <dd className={`mono ${styles.version}`} title={model.version}>
            {model.version}
          </dd>
        </div>
        <div>
          <dt>Seed</dt>
          <dd className="mono">{formatInt(model.seed)}</dd>
        </div>
        <div>
          <dt>Log-likelihood</dt>
          <dd className="mono">
            {model.logLikelihood.toLocaleString('en-US', {
              maximumFractionDigits: 2,
              minimumFractionDigits: 2,
            })}
          </dd>
        </div>
        <div>
          <dt>Trained on</dt>
          <dd className="mono">
            {formatDate(model.trainedFrom)} → {formatDate(model.trainedTo)}
          </dd>
        </div>
        <div>
          <dt title="The engine serves the filtered probabilities smoothed by a causal EMA of this half-life">
            Smoothing half-life
          </dt>
          <dd className="mono" data-testid="regime-smoothing-half-life">
            {model.smoothingHalfLife.toLocaleString('en-US', { maximumFractionDigits: 2 })} bars
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd className="mono">{formatTimestamp(model.createdAt)}</dd>
        </div>
      </dl>
      <h3 className={styles.subhead}>States · observations [log return, 20-day volatility]</h3>
      <StatesTable states={model.states} />
      <h3 className={styles.subhead}>Transition matrix · daily</h3>
      <TransitionMatrix labels={model.states.map((s) => s.label)} matrix={model.transition} />
    </Card>
  );
}
