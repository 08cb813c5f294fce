import type { ModelStage } from './stagePolicy';
import styles from './models.module.css';

export function StageChip({ stage }: { stage: ModelStage }) {
  return (
    <span
      className={`${styles.stage} ${styles[`stage-${stage}`] ?? ''}`}
      data-testid="stage-chip"
      data-stage={stage}
    >
      {stage}
    </span>
  );
}
