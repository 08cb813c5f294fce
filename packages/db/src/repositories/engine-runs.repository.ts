import type pg from 'pg';

/**
 * Decision engine processes (table `engine_runs`): each registers at start, heartbeats while it
 * runs and marks a clean stop. A run whose heartbeat went stale without a stop died: the rollout
 * controller's crash guard counts those.
 */
export class EngineRunsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async started(run: { instanceId: string; host: string; pid: number }): Promise<void> {
    await this.pool.query(
      `INSERT INTO engine_runs (instance_id, host, pid) VALUES ($1, $2, $3)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = clock_timestamp(), stopped_at = NULL`,
      [run.instanceId, run.host, run.pid],
    );
  }

  async heartbeat(instanceId: string): Promise<void> {
    await this.pool.query('UPDATE engine_runs SET heartbeat_at = clock_timestamp() WHERE instance_id = $1', [
      instanceId,
    ]);
  }

  async stopped(instanceId: string): Promise<void> {
    await this.pool.query('UPDATE engine_runs SET stopped_at = clock_timestamp() WHERE instance_id = $1', [
      instanceId,
    ]);
  }

  /**
   * Runs that died: no clean stop and no heartbeat for `staleMs`, started from `sinceMs` on.
   * Each is dated by its last heartbeat (when it was last seen alive), oldest first.
   */
  async crashesSince(
    sinceMs: number,
    staleMs: number,
  ): Promise<{ instanceId: string; lastSeenMs: number }[]> {
    const { rows } = await this.pool.query<{ instance_id: string; heartbeat_at: Date }>(
      `SELECT instance_id, heartbeat_at FROM engine_runs
        WHERE stopped_at IS NULL AND heartbeat_at >= $1
          AND heartbeat_at < clock_timestamp() - $2 * interval '1 millisecond'
        ORDER BY heartbeat_at`,
      [new Date(sinceMs).toISOString(), staleMs],
    );
    return rows.map((r) => ({ instanceId: r.instance_id, lastSeenMs: r.heartbeat_at.getTime() }));
  }
}
