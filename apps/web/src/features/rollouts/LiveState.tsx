import type { RolloutLive } from './useRolloutChanges';
import styles from './rollouts.module.css';

/** "live" while `rolloutChanged` is subscribed, else why not (the page polls meanwhile). */
export function LiveState({ live }: { live: RolloutLive }) {
  const down = live.streamError !== null;
  return (
    <span
      className={styles.liveState}
      title={live.streamError ?? 'Subscribed to rolloutChanged'}
      data-testid="rollout-live"
      data-state={down ? 'down' : 'live'}
      data-received={live.received}
    >
      <span className={`dot ${down ? 'dot-down' : 'dot-up'}`} aria-hidden="true" />
      {down ? 'live updates unavailable (polling)' : 'live'}
    </span>
  );
}
