import { formatTimestamp } from '@/shared/format/format';
import { Empty } from '@/shared/ui/States';
import type { StageTransition } from './operations';
import { StageChip } from './StageChip';
import styles from './models.module.css';

/** A version's stage moves, newest first: from → to, who, why, when. */
export function StageHistory({ history }: { history: readonly StageTransition[] }) {
  if (history.length === 0) return <Empty>Never moved: the version is where it was registered.</Empty>;
  return (
    <div className={styles.tableScroll}>
      <table className="table" aria-label="Stage history" data-testid="stage-history">
        <thead>
          <tr>
            <th>From → to</th>
            <th>Actor</th>
            <th>Reason</th>
            <th>When</th>
          </tr>
        </thead>
        <tbody>
          {history.map((t) => (
            <tr key={t.id}>
              <td>
                <StageChip stage={t.from} /> <span className="dim">→</span> <StageChip stage={t.to} />
              </td>
              <td>{t.actor}</td>
              <td className={styles.reason}>{t.reason ?? <span className="dim">—</span>}</td>
              <td className="mono">{formatTimestamp(t.at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
