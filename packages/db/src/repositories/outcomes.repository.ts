import { decisionIdTime, type OutcomeArm, type OutcomeStatus } from '@tradeplane/contracts';
import type { KeysetPage } from '@tradeplane/platform';
import type pg from 'pg';

/** A ledger row as the outcome consumer builds it; `result` is null while the next bar is missing. */
export interface NewOutcomeRow {
  decisionId: string;
  symbol: string;
  arm: OutcomeArm;
  acted: boolean;
  modelVersions: Record<string, number>;
  modelLabel: string;
  portfolioId: string | null;
  requestKey: string;
  timeframe: string;
  asOfMs: number;
  barTimeMs: number;
  currentWeight: number;
  targetWeight: number;
  costBps: number;
  cost: number;
  riskVerdict: 'approve' | 'resize' | 'reject';
  bindingRule: string | null;
  /** Engine time of the decision, on the acting arm's rows; null on arms scored beside it. */
  servedMs: number | null;
  result: OutcomeResult | null;
}

/** What the next bar settles. */
export interface OutcomeResult {
  nextBarTimeMs: number;
  assetReturn: number;
  gross: number;
  net: number;
}

/** The idempotency key of a row. */
export interface OutcomeKey {
  decisionId: string;
  symbol: string;
  arm: OutcomeArm;
}

/** A stored row. */
export interface OutcomeRecord extends OutcomeKey {
  acted: boolean;
  decidedAt: Date;
  modelVersions: Record<string, number>;
  modelLabel: string;
  portfolioId: string | null;
  requestKey: string;
  timeframe: string;
  asOf: Date;
  barTime: Date;
  nextBarTime: Date | null;
  currentWeight: number;
  targetWeight: number;
  assetReturn: number | null;
  gross: number | null;
  costBps: number;
  cost: number;
  net: number | null;
  riskVerdict: 'approve' | 'resize' | 'reject';
  bindingRule: string | null;
  /** Engine time of the decision, on the acting arm's rows. */
  servedMs: number | null;
  status: OutcomeStatus;
  recordedAt: Date | null;
}

/** Where a series' close is asked for: the bar a decision's features used. */
export interface BarKey {
  symbol: string;
  timeframe: string;
  barTimeMs: number;
}

/** The close of the bar at barTime and the first bar after it (null while none is stored). */
export interface BarCloses {
  close: number;
  next: { tsMs: number; close: number } | null;
}

/** A waiting row whose two bars are both stored now: what resolving it needs. */
export interface ResolvableOutcome extends OutcomeKey {
  decidedAt: Date;
  currentWeight: number;
  targetWeight: number;
  costBps: number;
  close: number;
  next: { tsMs: number; close: number };
}

export interface OutcomeFilter {
  portfolioId?: string;
  arm?: OutcomeArm;
  modelLabel?: string;
  symbol?: string;
  status?: OutcomeStatus;
  timeframe?: string;
  /** as_of ≥ from. */
  from?: Date;
  /** as_of < to. */
  to?: Date;
}

/** A position in the newest-first list of rows. */
export interface OutcomeCursor {
  decidedAtMs: number;
  id: string;
  symbol: string;
  arm: string;
}

/** One arm's result on one recorded decision (all its targets recorded), in asOf order. */
export interface DecisionReturn {
  decisionId: string;
  arm: OutcomeArm;
  modelLabel: string;
  timeframe: string;
  asOf: Date;
  net: number;
  gross: number;
  cost: number;
  turnover: number;
  /** The decision was resized or rejected by the risk check (acted arms only). */
  riskRuleHit: boolean;
}

/** SQL sums of recorded decisions per arm, model and market day (of asOf, UTC). */
export interface DailyOutcomeAggregate {
  arm: OutcomeArm;
  modelLabel: string;
  day: string;
  decisions: number;
  net: number;
  gross: number;
  cost: number;
  turnover: number;
  /** Decisions with net > 0 and with net ≠ 0 (hit rate = wins / moves). */
  wins: number;
  moves: number;
  riskRuleHits: number;
}

/** Decisions recorded (every row settled) and waiting (any row not), per arm, model, timeframe and day of asOf (UTC). */
export interface OutcomeStatusCount {
  arm: OutcomeArm;
  modelLabel: string;
  timeframe: string;
  day: string;
  recorded: number;
  waiting: number;
}

/** A book's decision on its equity curve (the acted arm), in asOf order. */
export interface PortfolioStep {
  decisionId: string;
  asOf: Date;
  /** Null while a target waits for its next bar. */
  net: number | null;
  gross: number | null;
  cost: number;
  turnover: number;
  riskVerdict: 'approve' | 'resize' | 'reject';
}

export interface PortfolioSummary {
  portfolioId: string;
  decisions: number;
  firstAsOf: Date;
  lastAsOf: Date;
}

/** The acted arm's result on a decision: recorded with its net, or waiting. */
export interface DecisionNet {
  status: OutcomeStatus;
  net: number | null;
}

interface StoredRow {
  decision_id: string;
  decided_at: Date;
  symbol: string;
  arm: OutcomeArm;
  acted: boolean;
  model_versions: Record<string, number>;
  model_label: string;
  portfolio_id: string | null;
  request_key: string;
  timeframe: string;
  as_of: Date;
  bar_time: Date;
  next_bar_time: Date | null;
  current_weight: number;
  target_weight: number;
  asset_return: number | null;
  gross: number | null;
  cost_bps: number;
  cost: number;
  net: number | null;
  risk_verdict: 'approve' | 'resize' | 'reject';
  binding_rule: string | null;
  served_ms: number | null;
  status: OutcomeStatus;
  recorded_at: Date | null;
}

const COLUMNS = `decision_id, decided_at, symbol, arm, acted, model_versions, model_label, portfolio_id,
  request_key, timeframe, as_of, bar_time, next_bar_time, current_weight, target_weight, asset_return,
  gross, cost_bps, cost, net, risk_verdict, binding_rule, served_ms, status, recorded_at`;

const iso = (ms: number) => new Date(ms).toISOString();
const barKey = (k: BarKey) => `${k.symbol}|${k.timeframe}|${k.barTimeMs}`;

function present(r: StoredRow): OutcomeRecord {
  return {
    decisionId: r.decision_id,
    decidedAt: r.decided_at,
    symbol: r.symbol,
    arm: r.arm,
    acted: r.acted,
    modelVersions: r.model_versions,
    modelLabel: r.model_label,
    portfolioId: r.portfolio_id,
    requestKey: r.request_key,
    timeframe: r.timeframe,
    asOf: r.as_of,
    barTime: r.bar_time,
    nextBarTime: r.next_bar_time,
    currentWeight: r.current_weight,
    targetWeight: r.target_weight,
    assetReturn: r.asset_return,
    gross: r.gross,
    costBps: r.cost_bps,
    cost: r.cost,
    net: r.net,
    riskVerdict: r.risk_verdict,
    bindingRule: r.binding_rule,
    servedMs: r.served_ms,
    status: r.status,
    recordedAt: r.recorded_at,
  };
}

/** WHERE clauses of a filter, with their parameters appended to `params`. */
function filterClauses(filter: OutcomeFilter, params: unknown[]): string[] {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filter.portfolioId !== undefined) where.push(`portfolio_id = ${param(filter.portfolioId)}`);
  if (filter.arm) where.push(`arm = ${param(filter.arm)}`);
  if (filter.modelLabel) where.push(`model_label = ${param(filter.modelLabel)}`);
  if (filter.symbol) where.push(`symbol = ${param(filter.symbol)}`);
  if (filter.status) where.push(`status = ${param(filter.status)}`);
  if (filter.timeframe) where.push(`timeframe = ${param(filter.timeframe)}`);
  if (filter.from) where.push(`as_of >= ${param(filter.from)}`);
  if (filter.to) where.push(`as_of < ${param(filter.to)}`);
  return where;
}

const whereSql = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * The outcome ledger (table `decision_outcomes`, partitioned by the decision id's own time).
 * Rows are written once per (decision, symbol, arm); a waiting row moves to recorded once, and
 * only from waiting, so a concurrent sweep and signal, or a redelivered event, change nothing.
 */
export class OutcomesRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Stores the rows in one statement, skipping keys already stored; returns the keys that were new. */
  async storeMany(rows: readonly NewOutcomeRow[]): Promise<OutcomeKey[]> {
    if (rows.length === 0) return [];
    const col = <T>(f: (r: NewOutcomeRow) => T) => rows.map(f);
    const { rows: stored } = await this.pool.query<{ decision_id: string; symbol: string; arm: OutcomeArm }>(
      `INSERT INTO decision_outcomes (${COLUMNS})
       SELECT v.decision_id, v.decided_at, v.symbol, v.arm, v.acted, v.model_versions, v.model_label,
              v.portfolio_id, v.request_key, v.timeframe, v.as_of, v.bar_time, v.next_bar_time,
              v.current_weight, v.target_weight, v.asset_return, v.gross, v.cost_bps, v.cost, v.net,
              v.risk_verdict, v.binding_rule, v.served_ms,
              CASE WHEN v.next_bar_time IS NULL THEN 'waiting' ELSE 'recorded' END,
              CASE WHEN v.next_bar_time IS NULL THEN NULL ELSE clock_timestamp() END
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::bool[], $6::jsonb[],
                     $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
                     $12::timestamptz[], $13::timestamptz[], $14::float8[], $15::float8[],
                     $16::float8[], $17::float8[], $18::float8[], $19::float8[], $20::float8[],
                     $21::text[], $22::text[], $23::float8[])
           AS v(decision_id, decided_at, symbol, arm, acted, model_versions, model_label, portfolio_id,
                request_key, timeframe, as_of, bar_time, next_bar_time, current_weight, target_weight,
                asset_return, gross, cost_bps, cost, net, risk_verdict, binding_rule, served_ms)
       ON CONFLICT (decision_id, symbol, arm, decided_at) DO NOTHING
       RETURNING decision_id, symbol, arm`,
      [
        col((r) => r.decisionId),
        col((r) => iso(decisionIdTime(r.decisionId))),
        col((r) => r.symbol),
        col((r) => r.arm),
        col((r) => r.acted),
        col((r) => JSON.stringify(r.modelVersions)),
        col((r) => r.modelLabel),
        col((r) => r.portfolioId),
        col((r) => r.requestKey),
        col((r) => r.timeframe),
        col((r) => iso(r.asOfMs)),
        col((r) => iso(r.barTimeMs)),
        col((r) => (r.result ? iso(r.result.nextBarTimeMs) : null)),
        col((r) => r.currentWeight),
        col((r) => r.targetWeight),
        col((r) => r.result?.assetReturn ?? null),
        col((r) => r.result?.gross ?? null),
        col((r) => r.costBps),
        col((r) => r.cost),
        col((r) => r.result?.net ?? null),
        col((r) => r.riskVerdict),
        col((r) => r.bindingRule),
        col((r) => r.servedMs),
      ],
    );
    return stored.map((r) => ({ decisionId: r.decision_id, symbol: r.symbol, arm: r.arm }));
  }

  /**
   * For each bar a decision used, its close and the first stored bar after it, in one query
   * (keyed `symbol|timeframe|barTimeMs`); a key is absent when the bar itself is not stored.
   */
  async closesAfter(keys: readonly BarKey[]): Promise<Map<string, BarCloses>> {
    const unique = [...new Map(keys.map((k) => [barKey(k), k])).values()];
    const found = new Map<string, BarCloses>();
    if (unique.length === 0) return found;
    const { rows } = await this.pool.query<{
      symbol: string;
      timeframe: string;
      bar_time: Date;
      close: number;
      next_ts: Date | null;
      next_close: number | null;
    }>(
      `SELECT q.symbol, q.timeframe, q.bar_time, b.close, n.ts AS next_ts, n.close AS next_close
         FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS q(symbol, timeframe, bar_time)
         JOIN instruments i ON i.symbol = q.symbol
         JOIN bars b ON b.instrument_id = i.id AND b.timeframe = q.timeframe AND b.ts = q.bar_time
         LEFT JOIN LATERAL (
           SELECT nb.ts, nb.close FROM bars nb
            WHERE nb.instrument_id = i.id AND nb.timeframe = q.timeframe AND nb.ts > q.bar_time
            ORDER BY nb.ts LIMIT 1) n ON true`,
      [unique.map((k) => k.symbol), unique.map((k) => k.timeframe), unique.map((k) => iso(k.barTimeMs))],
    );
    for (const r of rows) {
      found.set(barKey({ symbol: r.symbol, timeframe: r.timeframe, barTimeMs: r.bar_time.getTime() }), {
        close: r.close,
        next: r.next_ts && r.next_close !== null ? { tsMs: r.next_ts.getTime(), close: r.next_close } : null,
      });
    }
    return found;
  }

  /**
   * Waiting rows whose bar and next bar are both stored now, oldest bar first; of the given
   * series only when `series` is given (what a bars-stored signal names).
   */
  async resolvable(
    limit: number,
    series?: ReadonlyArray<{ symbol: string; timeframe: string }>,
  ): Promise<ResolvableOutcome[]> {
    const params: unknown[] = [limit];
    let only = '';
    if (series) {
      if (series.length === 0) return [];
      params.push(
        series.map((s) => s.symbol),
        series.map((s) => s.timeframe),
      );
      only = `AND (o.symbol, o.timeframe) IN (SELECT * FROM unnest($2::text[], $3::text[]))`;
    }
    const { rows } = await this.pool.query<{
      decision_id: string;
      decided_at: Date;
      symbol: string;
      arm: OutcomeArm;
      current_weight: number;
      target_weight: number;
      cost_bps: number;
      close: number;
      next_ts: Date;
      next_close: number;
    }>(
      `SELECT o.decision_id, o.decided_at, o.symbol, o.arm, o.current_weight, o.target_weight, o.cost_bps,
              b.close, n.ts AS next_ts, n.close AS next_close
         FROM decision_outcomes o
         JOIN instruments i ON i.symbol = o.symbol
         JOIN bars b ON b.instrument_id = i.id AND b.timeframe = o.timeframe AND b.ts = o.bar_time
         JOIN LATERAL (
           SELECT nb.ts, nb.close FROM bars nb
            WHERE nb.instrument_id = i.id AND nb.timeframe = o.timeframe AND nb.ts > o.bar_time
            ORDER BY nb.ts LIMIT 1) n ON true
        WHERE o.status = 'waiting' ${only}
        ORDER BY o.bar_time
        LIMIT $1`,
      params,
    );
    return rows.map((r) => ({
      decisionId: r.decision_id,
      decidedAt: r.decided_at,
      symbol: r.symbol,
      arm: r.arm,
      currentWeight: r.current_weight,
      targetWeight: r.target_weight,
      costBps: r.cost_bps,
      close: r.close,
      next: { tsMs: r.next_ts.getTime(), close: r.next_close },
    }));
  }

  /**
   * Records the results of waiting rows, each only if it is still waiting (the transition
   * happens once, whoever races); returns the keys this call moved.
   */
  async resolveWaiting(
    resolved: ReadonlyArray<OutcomeKey & { result: OutcomeResult }>,
  ): Promise<OutcomeKey[]> {
    if (resolved.length === 0) return [];
    const col = <T>(f: (r: OutcomeKey & { result: OutcomeResult }) => T) => resolved.map(f);
    const { rows } = await this.pool.query<{ decision_id: string; symbol: string; arm: OutcomeArm }>(
      `UPDATE decision_outcomes o
          SET next_bar_time = v.next_bar_time, asset_return = v.asset_return, gross = v.gross,
              net = v.net, status = 'recorded', recorded_at = clock_timestamp()
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::timestamptz[],
                     $6::float8[], $7::float8[], $8::float8[])
           AS v(decision_id, decided_at, symbol, arm, next_bar_time, asset_return, gross, net)
        WHERE o.decision_id = v.decision_id AND o.decided_at = v.decided_at AND o.symbol = v.symbol
          AND o.arm = v.arm AND o.status = 'waiting'
        RETURNING o.decision_id, o.symbol, o.arm`,
      [
        col((r) => r.decisionId),
        col((r) => iso(decisionIdTime(r.decisionId))),
        col((r) => r.symbol),
        col((r) => r.arm),
        col((r) => iso(r.result.nextBarTimeMs)),
        col((r) => r.result.assetReturn),
        col((r) => r.result.gross),
        col((r) => r.result.net),
      ],
    );
    return rows.map((r) => ({ decisionId: r.decision_id, symbol: r.symbol, arm: r.arm }));
  }

  /** Rows still waiting for their next bar. */
  async waitingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM decision_outcomes WHERE status = 'waiting'`,
    );
    return Number(rows[0]!.n);
  }

  /** Every row of a decision (all targets and arms), acted arm first; [] when none is stored. */
  async forDecision(decisionId: string): Promise<OutcomeRecord[]> {
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT ${COLUMNS} FROM decision_outcomes WHERE decision_id = $1 AND decided_at = $2
        ORDER BY acted DESC, arm, symbol`,
      [decisionId, new Date(decisionIdTime(decisionId))],
    );
    return rows.map(present);
  }

  /** The acted arm's result per decision, for a list of decisions (absent: no row stored). */
  async decisionNets(decisionIds: readonly string[]): Promise<Map<string, DecisionNet>> {
    const nets = new Map<string, DecisionNet>();
    if (decisionIds.length === 0) return nets;
    const { rows } = await this.pool.query<{ decision_id: string; waiting: number; net: number | null }>(
      `SELECT o.decision_id, count(*) FILTER (WHERE o.status = 'waiting')::int AS waiting, sum(o.net) AS net
         FROM decision_outcomes o
         JOIN unnest($1::text[], $2::timestamptz[]) AS d(id, at) ON o.decision_id = d.id AND o.decided_at = d.at
        WHERE o.acted
        GROUP BY o.decision_id`,
      [decisionIds, decisionIds.map((id) => iso(decisionIdTime(id)))],
    );
    for (const r of rows)
      nets.set(
        r.decision_id,
        r.waiting > 0 ? { status: 'waiting', net: null } : { status: 'recorded', net: r.net },
      );
    return nets;
  }

  /** Rows newest first (by decision), filtered, with a keyset cursor. */
  async list(
    filter: OutcomeFilter,
    first: number,
    after?: OutcomeCursor,
  ): Promise<KeysetPage<OutcomeRecord, OutcomeCursor>> {
    const params: unknown[] = [];
    const where = filterClauses(filter, params);
    if (after) {
      params.push(new Date(after.decidedAtMs), after.id, after.symbol, after.arm);
      const n = params.length;
      where.push(`(decided_at, decision_id, symbol, arm) < ($${n - 3}, $${n - 2}, $${n - 1}, $${n})`);
    }
    params.push(first + 1);
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT ${COLUMNS} FROM decision_outcomes ${whereSql(where)}
        ORDER BY decided_at DESC, decision_id DESC, symbol DESC, arm DESC
        LIMIT $${params.length}`,
      params,
    );
    return {
      items: rows.slice(0, first).map((r) => ({
        node: present(r),
        cursor: { decidedAtMs: r.decided_at.getTime(), id: r.decision_id, symbol: r.symbol, arm: r.arm },
      })),
      hasNextPage: rows.length > first,
    };
  }

  /**
   * Per decision and arm, its result once every target of it is recorded, in asOf order (the
   * series a Sharpe is computed on); at most `limit` decisions, the earliest first.
   */
  async decisionReturns(filter: OutcomeFilter, limit: number): Promise<DecisionReturn[]> {
    const params: unknown[] = [];
    const where = filterClauses({ ...filter, status: undefined }, params);
    params.push(limit);
    const { rows } = await this.pool.query<{
      decision_id: string;
      arm: OutcomeArm;
      model_label: string;
      timeframe: string;
      as_of: Date;
      net: number;
      gross: number;
      cost: number;
      turnover: number;
      risk_hit: boolean;
    }>(
      `SELECT decision_id, arm, model_label, timeframe, as_of, sum(net) AS net, sum(gross) AS gross,
              sum(cost) AS cost, sum(abs(target_weight - current_weight)) AS turnover,
              bool_or(acted AND risk_verdict <> 'approve') AS risk_hit
         FROM decision_outcomes ${whereSql(where)}
        GROUP BY decision_id, decided_at, arm, model_label, timeframe, as_of
       HAVING bool_and(status = 'recorded')
        ORDER BY as_of, decision_id, arm
        LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      decisionId: r.decision_id,
      arm: r.arm,
      modelLabel: r.model_label,
      timeframe: r.timeframe,
      asOf: r.as_of,
      net: r.net,
      gross: r.gross,
      cost: r.cost,
      turnover: r.turnover,
      riskRuleHit: r.risk_hit,
    }));
  }

  /** Sums of recorded decisions per arm, model and day of asOf (UTC), days in order. */
  async dailyAggregates(filter: OutcomeFilter): Promise<DailyOutcomeAggregate[]> {
    const params: unknown[] = [];
    const where = filterClauses({ ...filter, status: undefined }, params);
    const { rows } = await this.pool.query<{
      arm: OutcomeArm;
      model_label: string;
      day: string;
      decisions: number;
      net: number;
      gross: number;
      cost: number;
      turnover: number;
      wins: number;
      moves: number;
      risk_hits: number;
    }>(
      `WITH per_decision AS (
         SELECT arm, model_label, as_of, sum(net) AS net, sum(gross) AS gross, sum(cost) AS cost,
                sum(abs(target_weight - current_weight)) AS turnover,
                bool_or(acted AND risk_verdict <> 'approve') AS risk_hit
           FROM decision_outcomes ${whereSql(where)}
          GROUP BY decision_id, decided_at, arm, model_label, as_of
         HAVING bool_and(status = 'recorded'))
       SELECT arm, model_label, to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              count(*)::int AS decisions, sum(net) AS net, sum(gross) AS gross, sum(cost) AS cost,
              sum(turnover) AS turnover, count(*) FILTER (WHERE net > 0)::int AS wins,
              count(*) FILTER (WHERE net <> 0)::int AS moves, count(*) FILTER (WHERE risk_hit)::int AS risk_hits
         FROM per_decision
        GROUP BY arm, model_label, day
        ORDER BY day, arm, model_label`,
      params,
    );
    return rows.map((r) => ({
      arm: r.arm,
      modelLabel: r.model_label,
      day: r.day,
      decisions: r.decisions,
      net: r.net,
      gross: r.gross,
      cost: r.cost,
      turnover: r.turnover,
      wins: r.wins,
      moves: r.moves,
      riskRuleHits: r.risk_hits,
    }));
  }

  /** How many decisions are recorded and waiting, per arm, model, timeframe and day of asOf. */
  async statusCounts(filter: OutcomeFilter): Promise<OutcomeStatusCount[]> {
    const params: unknown[] = [];
    const where = filterClauses({ ...filter, status: undefined }, params);
    const { rows } = await this.pool.query<{
      arm: OutcomeArm;
      model_label: string;
      timeframe: string;
      day: string;
      recorded: number;
      waiting: number;
    }>(
      `WITH per_decision AS (
         SELECT arm, model_label, timeframe, as_of, bool_and(status = 'recorded') AS recorded
           FROM decision_outcomes ${whereSql(where)}
          GROUP BY decision_id, decided_at, arm, model_label, timeframe, as_of)
       SELECT arm, model_label, timeframe, to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              count(*) FILTER (WHERE recorded)::int AS recorded,
              count(*) FILTER (WHERE NOT recorded)::int AS waiting
         FROM per_decision
        GROUP BY arm, model_label, timeframe, day
        ORDER BY day, arm, model_label, timeframe`,
      params,
    );
    return rows.map((r) => ({
      arm: r.arm,
      modelLabel: r.model_label,
      timeframe: r.timeframe,
      day: r.day,
      recorded: r.recorded,
      waiting: r.waiting,
    }));
  }

  /** A book's decisions (the acted arm), in asOf order: the steps of its equity curve. */
  async portfolioEquity(portfolioId: string): Promise<PortfolioStep[]> {
    const { rows } = await this.pool.query<{
      decision_id: string;
      as_of: Date;
      net: number | null;
      gross: number | null;
      cost: number;
      turnover: number;
      risk_verdict: 'approve' | 'resize' | 'reject';
    }>(
      `SELECT decision_id, as_of,
              CASE WHEN bool_and(status = 'recorded') THEN sum(net) END AS net,
              CASE WHEN bool_and(status = 'recorded') THEN sum(gross) END AS gross,
              sum(cost) AS cost, sum(abs(target_weight - current_weight)) AS turnover,
              min(risk_verdict) AS risk_verdict
         FROM decision_outcomes
        WHERE portfolio_id = $1 AND acted
        GROUP BY decision_id, decided_at, as_of
        ORDER BY as_of, decision_id`,
      [portfolioId],
    );
    return rows.map((r) => ({
      decisionId: r.decision_id,
      asOf: r.as_of,
      net: r.net,
      gross: r.gross,
      cost: r.cost,
      turnover: r.turnover,
      riskVerdict: r.risk_verdict,
    }));
  }

  /** The books the ledger has rows for, with their decision counts, newest book first. */
  async portfolios(): Promise<PortfolioSummary[]> {
    const { rows } = await this.pool.query<{
      portfolio_id: string;
      decisions: number;
      first_as_of: Date;
      last_as_of: Date;
    }>(
      `SELECT portfolio_id, count(DISTINCT decision_id)::int AS decisions,
              min(as_of) AS first_as_of, max(as_of) AS last_as_of
         FROM decision_outcomes WHERE portfolio_id IS NOT NULL
        GROUP BY portfolio_id
        ORDER BY max(decided_at) DESC, portfolio_id`,
    );
    return rows.map((r) => ({
      portfolioId: r.portfolio_id,
      decisions: r.decisions,
      firstAsOf: r.first_as_of,
      lastAsOf: r.last_as_of,
    }));
  }

  /**
   * A book's decisions with a row, and how many are recorded (every row of the decision) or
   * still waiting for a next bar (any row).
   */
  async countForPortfolio(
    portfolioId: string,
  ): Promise<{ decisions: number; recorded: number; waiting: number }> {
    const { rows } = await this.pool.query<{ decisions: number; waiting: number }>(
      `SELECT count(*)::int AS decisions, count(*) FILTER (WHERE waiting)::int AS waiting
         FROM (SELECT bool_or(status = 'waiting') AS waiting FROM decision_outcomes
                WHERE portfolio_id = $1 GROUP BY decision_id) d`,
      [portfolioId],
    );
    const { decisions, waiting } = rows[0]!;
    return { decisions, recorded: decisions - waiting, waiting };
  }
}
