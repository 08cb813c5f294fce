'use client';

import { RolloutsList } from './RolloutsList';
import { StartRolloutForm } from './StartRolloutForm';
import styles from './rollouts.module.css';

/** `/rollouts`: every rollout, and the start form for pm/admin. */
export function RolloutsPage() {
  return (
    <div className={styles.page} data-testid="rollouts-page">
      <RolloutsList />
      <StartRolloutForm />
    </div>
  );
}
