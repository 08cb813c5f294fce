'use client';

import { hasRole, useSession } from '@/features/auth/session';
import { Card } from '@/shared/ui/Card';
import { TrainingForm } from './TrainingForm';
import { TrainingJobsList } from './TrainingJobsList';
import { useTrainingJobs } from './useTrainingJobs';
import styles from './training.module.css';

/** "Train models": the start form for quant/admin, and for everyone the recent jobs, live. */
export function TrainPanel() {
  const user = useSession();
  const canTrain = hasRole(user, 'quant', 'admin');
  const jobs = useTrainingJobs();
  const { reload } = jobs.query;

  return (
    <Card title="Train models" testId="train-panel">
      <div className={canTrain ? styles.panel : undefined}>
        {canTrain && <TrainingForm onStarted={reload} />}
        <TrainingJobsList state={jobs} canCancel={canTrain} />
      </div>
    </Card>
  );
}
