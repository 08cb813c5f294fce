import type { Db } from '@tradeplane/db';

/**
 * Removes experiments a test created, with their runs, batches, artifacts and metric points
 * (metrics have no foreign key to runs, so they go first). Tests name their experiments
 * uniquely and clean up only those: other suites share the database.
 */
export async function deleteExperiments(pool: Db['pool'], names: string[]): Promise<void> {
  await pool.query(
    `DELETE FROM metric_segments WHERE run_id IN (
       SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE e.name = ANY($1))`,
    [names],
  );
  await pool.query('DELETE FROM experiments WHERE name = ANY($1)', [names]);
}
