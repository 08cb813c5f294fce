import {
  decisionIdTime,
  type DecisionEvent,
  type DecisionForensics,
  type ForensicsExplanation,
} from '@tradeplane/contracts';
import type { KeysetPage } from '@tradeplane/platform';
import type pg from 'pg';

/** One row for `storeMany`: the decision (as received) and its explanation or failure. */
export interface ForensicsRow {
  decision: DecisionEvent;
  /** The decision as JSON text, when the caller already has it (saves a stringify). */
  decisionJson?: string;
  explanation: ForensicsExplanation | null;
  failureReason: string | null;
}

/** A decision in the explorer's list. */
export interface ForensicsSummary {
  decisionId: string;
  decidedAt: Date;
  explainedAt: Date;
  requestKey: string;
  symbols: string[];
  arm: string;
  verdict: string;
  status: 'explained' | 'failed';
}

export interface ForensicsSearch {
  /** Decisions that include this symbol. */
  symbol?: string;
  /** decided_at ≥ from. */
  from?: Date;
  /** decided_at < to. */
  to?: Date;
  /** 1..500. */
  first: number;
  /** The position of the last item of the previous page. */
  after?: ForensicsCursor;
}

/** A position in the newest-first list: the decision's time and id (which breaks ties). */
export interface ForensicsCursor {
  decidedAtMs: number;
  id: string;
}

interface StoredRow {
  decision_id: string;
  decided_at: Date;
  explained_at: Date;
  status: 'explained' | 'failed';
  decision: DecisionEvent;
  explanation: ForensicsExplanation | null;
  failure_reason: string | null;
}

interface SummaryRow {
  decision_id: string;
  decided_at: Date;
  explained_at: Date;
  request_key: string;
  symbols: string[];
  arm: string;
  verdict: string;
  status: 'explained' | 'failed';
}

const STORE_CHUNK = 2_000;

/**
 * Decision forensics (table `decision_forensics`, partitioned by the decision id's own
 * timestamp). Writes are idempotent on the id; a lookup by id names the partition key, so
 * it reads one partition's primary-key index.
 */
export class ForensicsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Stores the rows in one statement; rows whose id is already stored are skipped (a
   * redelivered event changes nothing). Returns the ids that were new.
   */
  async storeMany(rows: readonly ForensicsRow[]): Promise<string[]> {
    // PostgreSQL takes at most 65,535 parameters per statement (10 per row).
    if (rows.length > STORE_CHUNK) {
      const ids: string[] = [];
      for (let i = 0; i < rows.length; i += STORE_CHUNK)
        ids.push(...(await this.storeMany(rows.slice(i, i + STORE_CHUNK))));
      return ids;
    }
    if (rows.length === 0) return [];
    // One multi-row VALUES with a parameter per value: pg sends each as is, where array
    // parameters (unnest) would be escaped character by character — costly for JSON text.
    const params: unknown[] = [];
    const tuples = rows.map((row) => {
      const d = row.decision;
      const at = params.length;
      params.push(
        d.id,
        new Date(decisionIdTime(d.id)).toISOString(),
        d.requestKey,
        d.targets.map((t) => t.symbol),
        d.models.arm,
        d.risk.verdict,
        row.explanation ? 'explained' : 'failed',
        row.decisionJson ?? JSON.stringify(d),
        row.explanation ? JSON.stringify(row.explanation) : null,
        row.explanation ? null : (row.failureReason ?? 'unexplained'),
      );
      const p = (k: number) => `$${at + k}`;
      return `(${p(1)}, ${p(2)}::timestamptz, ${p(3)}, ${p(4)}::text[], ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}::json, ${p(9)}::json, ${p(10)})`;
    });
    const { rows: stored } = await this.pool.query<{ decision_id: string }>(
      `INSERT INTO decision_forensics
         (decision_id, decided_at, request_key, symbols, arm, verdict, status, decision, explanation, failure_reason)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (decision_id, decided_at) DO NOTHING
       RETURNING decision_id`,
      params,
    );
    return stored.map((r) => r.decision_id);
  }

  /** The stored forensics of a decision, or null when none is stored (yet). */
  async get(decisionId: string): Promise<DecisionForensics | null> {
    const decidedAt = new Date(decisionIdTime(decisionId));
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT decision_id, decided_at, explained_at, status, decision, explanation, failure_reason
         FROM decision_forensics WHERE decision_id = $1 AND decided_at = $2`,
      [decisionId, decidedAt],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      decisionId: row.decision_id,
      status: row.status,
      decidedAt: row.decided_at.toISOString(),
      explainedAt: row.explained_at.toISOString(),
      delayMs: row.explained_at.getTime() - row.decided_at.getTime(),
      decision: row.decision,
      explanation: row.explanation,
      failureReason: row.failure_reason,
    };
  }

  /** Decisions newest first, filtered by symbol and time range, with a keyset cursor. */
  async search(query: ForensicsSearch): Promise<KeysetPage<ForensicsSummary, ForensicsCursor>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.symbol) where.push(`symbols @> ARRAY[${param(query.symbol)}::text]`);
    if (query.from) where.push(`decided_at >= ${param(query.from)}`);
    if (query.to) where.push(`decided_at < ${param(query.to)}`);
    if (query.after) {
      const { decidedAtMs, id } = query.after;
      where.push(`(decided_at, decision_id) < (${param(new Date(decidedAtMs))}, ${param(id)})`);
    }
    const limit = param(query.first + 1);
    const { rows } = await this.pool.query<SummaryRow>(
      `SELECT decision_id, decided_at, explained_at, request_key, symbols, arm, verdict, status
         FROM decision_forensics ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY decided_at DESC, decision_id DESC
        LIMIT ${limit}`,
      params,
    );
    return {
      items: rows.slice(0, query.first).map((r) => ({
        node: {
          decisionId: r.decision_id,
          decidedAt: r.decided_at,
          explainedAt: r.explained_at,
          requestKey: r.request_key,
          symbols: r.symbols,
          arm: r.arm,
          verdict: r.verdict,
          status: r.status,
        },
        cursor: { decidedAtMs: r.decided_at.getTime(), id: r.decision_id },
      })),
      hasNextPage: rows.length > query.first,
    };
  }
}
