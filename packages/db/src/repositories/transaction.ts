import type pg from 'pg';
import type { AuditEntry } from './audit-log.repository';

/**
 * Runs `work` on one pooled connection inside BEGIN … COMMIT; ROLLBACK when it throws. The
 * repositories whose writes span several tables (a stage move and its history and audit row, a
 * rollout's move and the registry's) use it, so each write is all or nothing.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** An audit-log row written in the caller's transaction: it lands with the change it records, or not at all. */
export async function appendAuditIn(tx: pg.PoolClient, entry: AuditEntry): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (actor, action, target, reason, details) VALUES ($1, $2, $3, $4, $5)',
    [
      entry.actor,
      entry.action,
      entry.target ?? null,
      entry.reason ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}
