import { randomUUID } from 'node:crypto';
import type {
  ModelStage,
  RolloutAction,
  RolloutEvidence,
  RolloutKind,
  RolloutPlan,
  RolloutStatus,
} from '@tradeplane/contracts';
import type { KeysetPage } from '@tradeplane/platform';
import type pg from 'pg';
import { moveStageIn, type MoveStageResult } from './model-registry.repository';
import { appendAuditIn, withTransaction } from './transaction';

export const rolloutErrorCodes = [
  'ROLLOUT_NOT_FOUND',
  'ROLLOUT_ACTIVE_EXISTS',
  'ROLLOUT_STALE',
  'ROLLOUT_ENDED',
] as const;
export type RolloutErrorCode = (typeof rolloutErrorCodes)[number];

export class RolloutError extends Error {
  constructor(
    readonly code: RolloutErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RolloutRecord {
  id: string;
  kind: RolloutKind;
  status: RolloutStatus;
  candidateVersions: Record<string, number>;
  candidateLabel: string;
  incumbentVersions: Record<string, number>;
  incumbentLabel: string;
  plan: RolloutPlan;
  timeframe: string;
  stepIndex: number;
  stepStartedAt: Date;
  canaryPercent: number;
  revision: number;
  reason: string;
  statusReason: string | null;
  winner: 'candidate' | 'incumbent' | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

export interface RolloutEventRecord {
  id: string;
  rolloutId: string;
  at: Date;
  actor: string;
  action: RolloutAction;
  fromStep: number | null;
  toStep: number | null;
  fromStatus: RolloutStatus | null;
  toStatus: RolloutStatus;
  reason: string;
  evidence: RolloutEvidence | null;
}

export interface RolloutSnapshotRecord {
  id: string;
  rolloutId: string;
  at: Date;
  stepIndex: number;
  n: number;
  evidence: RolloutEvidence;
}

/** A registry move a rollout transition makes, in the same transaction as its own row. */
export interface RolloutStageMove {
  modelName: string;
  version: number;
  to: ModelStage;
}

/** Who acts: the rollout's audit actor (`user:<id>`, `rollout-controller`) and the display name. */
export interface RolloutActor {
  by: string;
  auditActor: string;
}

export interface NewRollout {
  kind: RolloutKind;
  candidateVersions: Record<string, number>;
  candidateLabel: string;
  incumbentVersions: Record<string, number>;
  incumbentLabel: string;
  plan: RolloutPlan;
  timeframe: string;
  /** The first step's share (0 for shadow). */
  canaryPercent: number;
  reason: string;
}

export interface RolloutChange {
  status?: RolloutStatus;
  stepIndex?: number;
  canaryPercent?: number;
  statusReason?: string | null;
  winner?: 'candidate' | 'incumbent' | null;
  /** The step's clock starts again (a resume), though the step stays. */
  restartStep?: boolean;
}

export interface RolloutTransition {
  action: RolloutAction;
  reason: string;
  evidence?: RolloutEvidence | null;
  change: RolloutChange;
  moves: readonly RolloutStageMove[];
}

export interface RolloutCursor {
  createdAtMs: number;
  id: string;
}

/** One paired decision as the rollout analysis reads it from the ledger. */
export interface PairedOutcome {
  decisionId: string;
  asOfMs: number;
  decidedAtMs: number;
  candidateNet: number;
  incumbentNet: number;
  candidateActed: boolean;
  candidateRiskVerdict: 'approve' | 'resize' | 'reject';
  incumbentRiskVerdict: 'approve' | 'resize' | 'reject';
  /** Engine time of the decision when the candidate served it. */
  servedMs: number | null;
}

/** Ledger decisions of a rollout per set and whether it acted (settled and waiting). */
export interface RolloutArmCount {
  label: string;
  acted: boolean;
  decisions: number;
  recorded: number;
}

const FINAL: readonly RolloutStatus[] = ['promoted', 'rolled_back', 'aborted', 'concluded'];

interface RolloutRow {
  id: string;
  kind: RolloutKind;
  status: RolloutStatus;
  candidate_versions: Record<string, number>;
  candidate_label: string;
  incumbent_versions: Record<string, number>;
  incumbent_label: string;
  plan: RolloutPlan;
  timeframe: string;
  step_index: number;
  step_started_at: Date;
  canary_percent: number;
  revision: number;
  reason: string;
  status_reason: string | null;
  winner: 'candidate' | 'incumbent' | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

const toRollout = (r: RolloutRow): RolloutRecord => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  candidateVersions: r.candidate_versions,
  candidateLabel: r.candidate_label,
  incumbentVersions: r.incumbent_versions,
  incumbentLabel: r.incumbent_label,
  plan: r.plan,
  timeframe: r.timeframe,
  stepIndex: r.step_index,
  stepStartedAt: r.step_started_at,
  canaryPercent: r.canary_percent,
  revision: r.revision,
  reason: r.reason,
  statusReason: r.status_reason,
  winner: r.winner,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  endedAt: r.ended_at,
});

/**
 * Rollouts, their audit trail and analysis snapshots, the controllers' lease and the paired
 * ledger reads the analysis runs on. A transition changes the row only from the revision it was
 * decided on and makes its registry moves in the same transaction: a controller that restarts
 * mid-step finds either the whole move or none of it.
 */
export class RolloutsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Stores a running rollout at step 0 and makes its first registry moves, in one transaction;
   * ROLLOUT_ACTIVE_EXISTS while another one is running or paused.
   */
  async create(
    input: NewRollout,
    moves: readonly RolloutStageMove[],
    actor: RolloutActor,
  ): Promise<{ rollout: RolloutRecord; stageMoves: MoveStageResult[] }> {
    return withTransaction(this.pool, async (tx) => {
      const id = randomUUID();
      let row: RolloutRow;
      try {
        const inserted = await tx.query<RolloutRow>(
          `INSERT INTO rollouts (id, kind, status, candidate_versions, candidate_label, incumbent_versions,
             incumbent_label, plan, timeframe, step_index, step_started_at, canary_percent, reason, created_by)
           VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, 0, clock_timestamp(), $9, $10, $11)
           RETURNING *`,
          [
            id,
            input.kind,
            JSON.stringify(input.candidateVersions),
            input.candidateLabel,
            JSON.stringify(input.incumbentVersions),
            input.incumbentLabel,
            JSON.stringify(input.plan),
            input.timeframe,
            input.canaryPercent,
            input.reason,
            actor.by,
          ],
        );
        row = inserted.rows[0]!;
      } catch (err) {
        if ((err as { code?: string }).code === '23505')
          throw new RolloutError(
            'ROLLOUT_ACTIVE_EXISTS',
            'another rollout is running or paused; end it before starting one',
          );
        throw err;
      }
      const stageMoves = await this.applyMoves(tx, moves, actor, `rollout ${id}: ${input.reason}`);
      await this.insertEvent(tx, id, actor, {
        action: 'start',
        fromStep: null,
        toStep: 0,
        fromStatus: null,
        toStatus: 'running',
        reason: input.reason,
        evidence: null,
      });
      await audit(tx, actor.auditActor, 'rollout.start', id, input.reason, {
        candidate: input.candidateLabel,
        incumbent: input.incumbentLabel,
        kind: input.kind,
      });
      return { rollout: toRollout(row), stageMoves };
    });
  }

  /**
   * Applies a transition decided on `expectedRevision`: ROLLOUT_STALE when the row moved on
   * since (another controller or a person acted first), ROLLOUT_ENDED when it is final.
   */
  async transition(
    id: string,
    expectedRevision: number,
    t: RolloutTransition,
    actor: RolloutActor,
  ): Promise<{ rollout: RolloutRecord; stageMoves: MoveStageResult[]; event: RolloutEventRecord }> {
    return withTransaction(this.pool, async (tx) => {
      const current = await tx.query<RolloutRow>('SELECT * FROM rollouts WHERE id = $1 FOR UPDATE', [id]);
      const before = current.rows[0];
      if (!before) throw new RolloutError('ROLLOUT_NOT_FOUND', `no rollout ${id}`);
      if (FINAL.includes(before.status))
        throw new RolloutError('ROLLOUT_ENDED', `rollout ${id} has ended (${before.status})`);
      if (before.revision !== expectedRevision)
        throw new RolloutError(
          'ROLLOUT_STALE',
          `rollout ${id} changed since it was read (revision ${before.revision}, not ${expectedRevision})`,
        );
      const stageMoves = await this.applyMoves(tx, t.moves, actor, `rollout ${id}: ${t.reason}`);
      const c = t.change;
      const status = c.status ?? before.status;
      const stepIndex = c.stepIndex ?? before.step_index;
      const updated = await tx.query<RolloutRow>(
        `UPDATE rollouts SET
           status = $2, step_index = $3,
           step_started_at = CASE WHEN $3 <> step_index OR $7 THEN clock_timestamp() ELSE step_started_at END,
           canary_percent = $4, status_reason = $5, winner = $6, revision = revision + 1,
           updated_at = clock_timestamp(),
           ended_at = CASE WHEN $2 IN ('promoted', 'rolled_back', 'aborted', 'concluded') THEN clock_timestamp() END
         WHERE id = $1 RETURNING *`,
        [
          id,
          status,
          stepIndex,
          c.canaryPercent ?? before.canary_percent,
          c.statusReason === undefined ? before.status_reason : c.statusReason,
          c.winner === undefined ? before.winner : c.winner,
          c.restartStep ?? false,
        ],
      );
      const event = await this.insertEvent(tx, id, actor, {
        action: t.action,
        fromStep: before.step_index,
        toStep: stepIndex,
        fromStatus: before.status,
        toStatus: status,
        reason: t.reason,
        evidence: t.evidence ?? null,
      });
      await audit(tx, actor.auditActor, `rollout.${t.action}`, id, t.reason, {
        fromStep: before.step_index,
        toStep: stepIndex,
        fromStatus: before.status,
        toStatus: status,
      });
      return { rollout: toRollout(updated.rows[0]!), stageMoves, event };
    });
  }

  async get(id: string): Promise<RolloutRecord | null> {
    const { rows } = await this.pool.query<RolloutRow>('SELECT * FROM rollouts WHERE id = $1', [id]);
    return rows[0] ? toRollout(rows[0]) : null;
  }

  /** The running or paused rollout, if any. */
  async active(): Promise<RolloutRecord | null> {
    const { rows } = await this.pool.query<RolloutRow>(
      `SELECT * FROM rollouts WHERE status IN ('running', 'paused') LIMIT 1`,
    );
    return rows[0] ? toRollout(rows[0]) : null;
  }

  /** Newest first, keyset-paged by (created_at, id). */
  async list(
    filter: { status?: readonly RolloutStatus[] },
    first: number,
    after: RolloutCursor | null,
  ): Promise<KeysetPage<RolloutRecord, RolloutCursor>> {
    const { rows } = await this.pool.query<RolloutRow>(
      `SELECT * FROM rollouts
        WHERE ($1::text[] IS NULL OR status = ANY($1))
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [
        filter.status && filter.status.length > 0 ? filter.status : null,
        after ? new Date(after.createdAtMs).toISOString() : null,
        after?.id ?? null,
        first + 1,
      ],
    );
    return {
      items: rows.slice(0, first).map((r) => {
        const node = toRollout(r);
        return { node, cursor: { createdAtMs: node.createdAt.getTime(), id: node.id } };
      }),
      hasNextPage: rows.length > first,
    };
  }

  /** The audit trail, oldest first. */
  async events(rolloutId: string): Promise<RolloutEventRecord[]> {
    const { rows } = await this.pool.query<EventRow>(
      'SELECT * FROM rollout_events WHERE rollout_id = $1 ORDER BY id',
      [rolloutId],
    );
    return rows.map(toEvent);
  }

  async recordSnapshot(rolloutId: string, evidence: RolloutEvidence): Promise<RolloutSnapshotRecord> {
    const { rows } = await this.pool.query<SnapshotRow>(
      `INSERT INTO rollout_snapshots (rollout_id, step_index, n, evidence) VALUES ($1, $2, $3, $4) RETURNING *`,
      [rolloutId, evidence.stepIndex, evidence.n, JSON.stringify(evidence)],
    );
    return toSnapshot(rows[0]!);
  }

  async latestSnapshot(rolloutId: string): Promise<RolloutSnapshotRecord | null> {
    const { rows } = await this.pool.query<SnapshotRow>(
      'SELECT * FROM rollout_snapshots WHERE rollout_id = $1 ORDER BY id DESC LIMIT 1',
      [rolloutId],
    );
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  /** The newest `limit` snapshots, newest first. */
  async snapshots(rolloutId: string, limit: number): Promise<RolloutSnapshotRecord[]> {
    const { rows } = await this.pool.query<SnapshotRow>(
      'SELECT * FROM rollout_snapshots WHERE rollout_id = $1 ORDER BY id DESC LIMIT $2',
      [rolloutId, limit],
    );
    return rows.map(toSnapshot);
  }

  /**
   * The rollout's paired decisions in decision order: decided from its start, of its timeframe,
   * with every row of both sets recorded. Each set's risk verdict is its own (an arm scored beside
   * the acting one carries its own check).
   *
   * Each set's net is its rows' gross less the cost of trading from its own book: the turnover
   * from that set's previous target on the symbol in the portfolio (from the row's current weight
   * on its first decision), not from the book the acting set left. A set scored beside the acting
   * one would otherwise pay, on every decision, to move from the other set's positions: any
   * candidate that differs at all would look worse by that cost alone, and the test, being scale
   * free, would call it so within a few hundred decisions. The drift of weights with prices
   * between bars is left out of both sets alike.
   */
  async pairedOutcomes(rollout: RolloutRecord): Promise<PairedOutcome[]> {
    const { rows } = await this.pool.query<{
      decision_id: string;
      as_of: Date;
      decided_at: Date;
      candidate_net: number;
      incumbent_net: number;
      candidate_acted: boolean;
      candidate_verdict: 'approve' | 'resize' | 'reject';
      incumbent_verdict: 'approve' | 'resize' | 'reject';
      served_ms: number | null;
    }>(
      `WITH own AS (
         SELECT *, gross - coalesce(cost_bps, 0) / 1e4 * abs(target_weight - coalesce(
                  lag(target_weight) OVER (PARTITION BY portfolio_id, symbol, model_label ORDER BY as_of, decided_at),
                  current_weight)) AS own_net
           FROM decision_outcomes
          WHERE decided_at >= $1 AND timeframe = $2 AND model_label IN ($3, $4)
       )
       SELECT decision_id, min(as_of) AS as_of, min(decided_at) AS decided_at,
              sum(own_net) FILTER (WHERE model_label = $3) AS candidate_net,
              sum(own_net) FILTER (WHERE model_label = $4) AS incumbent_net,
              bool_or(acted) FILTER (WHERE model_label = $3) AS candidate_acted,
              CASE WHEN bool_or(risk_verdict = 'reject') FILTER (WHERE model_label = $3) THEN 'reject'
                   WHEN bool_or(risk_verdict = 'resize') FILTER (WHERE model_label = $3) THEN 'resize'
                   ELSE 'approve' END AS candidate_verdict,
              CASE WHEN bool_or(risk_verdict = 'reject') FILTER (WHERE model_label = $4) THEN 'reject'
                   WHEN bool_or(risk_verdict = 'resize') FILTER (WHERE model_label = $4) THEN 'resize'
                   ELSE 'approve' END AS incumbent_verdict,
              max(served_ms) FILTER (WHERE model_label = $3 AND acted) AS served_ms
         FROM own
        GROUP BY decision_id
       HAVING count(*) FILTER (WHERE model_label = $3) > 0
          AND count(*) FILTER (WHERE model_label = $4) > 0
          AND count(*) FILTER (WHERE status <> 'recorded') = 0
        ORDER BY min(decided_at), decision_id`,
      [rollout.createdAt.toISOString(), rollout.timeframe, rollout.candidateLabel, rollout.incumbentLabel],
    );
    return rows.map((r) => ({
      decisionId: r.decision_id,
      asOfMs: r.as_of.getTime(),
      decidedAtMs: r.decided_at.getTime(),
      candidateNet: Number(r.candidate_net),
      incumbentNet: Number(r.incumbent_net),
      candidateActed: r.candidate_acted,
      candidateRiskVerdict: r.candidate_verdict,
      incumbentRiskVerdict: r.incumbent_verdict,
      servedMs: r.served_ms === null ? null : Number(r.served_ms),
    }));
  }

  /** Decisions of the rollout's sets in the ledger, per set and acting or not. */
  async armCounts(rollout: RolloutRecord): Promise<RolloutArmCount[]> {
    const { rows } = await this.pool.query<{
      model_label: string;
      acted: boolean;
      decisions: string;
      recorded: string;
    }>(
      `SELECT model_label, acted, count(DISTINCT decision_id) AS decisions,
              count(DISTINCT decision_id) FILTER (WHERE status = 'recorded') AS recorded
         FROM decision_outcomes
        WHERE decided_at >= $1 AND ($2::timestamptz IS NULL OR decided_at <= $2)
          AND timeframe = $3 AND model_label IN ($4, $5)
        GROUP BY model_label, acted ORDER BY model_label, acted DESC`,
      [
        rollout.createdAt.toISOString(),
        rollout.endedAt?.toISOString() ?? null,
        rollout.timeframe,
        rollout.candidateLabel,
        rollout.incumbentLabel,
      ],
    );
    return rows.map((r) => ({
      label: r.model_label,
      acted: r.acted,
      decisions: Number(r.decisions),
      recorded: Number(r.recorded),
    }));
  }

  /**
   * Takes or renews the lease `name` for `holder` for `ttlMs`: true while `holder` leads. Another
   * holder gets it only once it expired, so two controllers never lead at once for longer than
   * a renewal that was already in flight.
   */
  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ holder: string }>(
      `INSERT INTO controller_leases (name, holder, acquired_at, expires_at)
       VALUES ($1, $2, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         holder = EXCLUDED.holder,
         acquired_at = CASE WHEN controller_leases.holder = EXCLUDED.holder
                            THEN controller_leases.acquired_at ELSE EXCLUDED.acquired_at END,
         expires_at = EXCLUDED.expires_at
       WHERE controller_leases.holder = EXCLUDED.holder OR controller_leases.expires_at < clock_timestamp()
       RETURNING holder`,
      [name, holder, ttlMs],
    );
    return rows[0]?.holder === holder;
  }

  /** Gives the lease up (a clean stop), so the next controller need not wait for it to expire. */
  async releaseLease(name: string, holder: string): Promise<void> {
    await this.pool.query('DELETE FROM controller_leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  private async applyMoves(
    tx: pg.PoolClient,
    moves: readonly RolloutStageMove[],
    actor: RolloutActor,
    reason: string,
  ): Promise<MoveStageResult[]> {
    const results: MoveStageResult[] = [];
    // Name order: two transactions locking the same models take the locks in the same order.
    for (const m of [...moves].sort((a, b) => a.modelName.localeCompare(b.modelName)))
      results.push(await moveStageIn(tx, { ...m, reason }, actor));
    return results;
  }

  private async insertEvent(
    tx: pg.PoolClient,
    rolloutId: string,
    actor: RolloutActor,
    e: Omit<RolloutEventRecord, 'id' | 'rolloutId' | 'at' | 'actor'>,
  ): Promise<RolloutEventRecord> {
    const { rows } = await tx.query<EventRow>(
      `INSERT INTO rollout_events (rollout_id, actor, action, from_step, to_step, from_status, to_status, reason, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        rolloutId,
        actor.by,
        e.action,
        e.fromStep,
        e.toStep,
        e.fromStatus,
        e.toStatus,
        e.reason,
        e.evidence ? JSON.stringify(e.evidence) : null,
      ],
    );
    return toEvent(rows[0]!);
  }
}

interface EventRow {
  id: string;
  rollout_id: string;
  at: Date;
  actor: string;
  action: RolloutAction;
  from_step: number | null;
  to_step: number | null;
  from_status: RolloutStatus | null;
  to_status: RolloutStatus;
  reason: string;
  evidence: RolloutEvidence | null;
}

const toEvent = (r: EventRow): RolloutEventRecord => ({
  id: String(r.id),
  rolloutId: r.rollout_id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  fromStep: r.from_step,
  toStep: r.to_step,
  fromStatus: r.from_status,
  toStatus: r.to_status,
  reason: r.reason,
  evidence: r.evidence,
});

interface SnapshotRow {
  id: string;
  rollout_id: string;
  at: Date;
  step_index: number;
  n: number;
  evidence: RolloutEvidence;
}

const toSnapshot = (r: SnapshotRow): RolloutSnapshotRecord => ({
  id: String(r.id),
  rolloutId: r.rollout_id,
  at: r.at,
  stepIndex: r.step_index,
  n: r.n,
  evidence: r.evidence,
});

async function audit(
  tx: pg.PoolClient,
  actor: string,
  action: string,
  rolloutId: string,
  reason: string,
  details: Record<string, unknown>,
): Promise<void> {
  await appendAuditIn(tx, { actor, action, target: `rollout:${rolloutId}`, reason, details });
}
