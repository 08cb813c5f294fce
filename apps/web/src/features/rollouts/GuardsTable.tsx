import { formatInt } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty } from '@/shared/ui/States';
import type { RolloutGuardState } from './operations';
import { formatGuardComparison, GUARD_LABELS } from './rolloutFormat';
import styles from './rollouts.module.css';

/** Each guard as the controller last judged it; a tripped one is highlighted (it rolls back at once). */
export function GuardsTable({ guards }: { guards: readonly RolloutGuardState[] | null }) {
  return (
    <Card title="Guards" bodyClassName={styles.flushBody} testId="rollout-guards">
      {!guards ? (
        <div className={styles.pad}>
          <Empty>The controller has not judged this rollout yet.</Empty>
        </div>
      ) : (
        <div className={styles.tableScroll}>
          <table className="table" aria-label="Guards">
            <thead>
              <tr>
                <th>Guard</th>
                <th>Value vs threshold</th>
                <th className="num">Samples</th>
                <th>State</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {guards.map((g) => (
                <tr
                  key={g.guard}
                  className={g.tripped ? styles.tripped : undefined}
                  data-testid="rollout-guard"
                  data-guard={g.guard}
                  data-tripped={g.tripped}
                >
                  <td>{GUARD_LABELS[g.guard]}</td>
                  <td className="mono">{formatGuardComparison(g)}</td>
                  <td className="num">{formatInt(g.samples)}</td>
                  <td>{g.tripped ? 'tripped' : g.value === null ? 'too few samples' : 'ok'}</td>
                  <td className="dim">{g.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
