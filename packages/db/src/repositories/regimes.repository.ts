import type pg from 'pg';
import type { PrismaClient, RegimeModel } from '../generated/prisma/client';
import { withTransaction } from './transaction';

export type { RegimeModel };

export type RegimeLabel = 'bull' | 'bear' | 'sideways';

/** Probabilities per bar, columnar; `regime` is the most likely label at each bar. */
export interface RegimeHistoryColumns {
  ts: Float64Array;
  bull: Float64Array;
  bear: Float64Array;
  sideways: Float64Array;
  regime: RegimeLabel[];
}

export class RegimesRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: pg.Pool,
  ) {}

  /** Stores a model and its whole history in one transaction (history in batches via UNNEST). */
  async createModel(
    model: Omit<RegimeModel, 'createdAt' | 'params'> & { params: object },
    history: RegimeHistoryColumns,
  ): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO regime_models (version, symbol, timeframe, seed, log_likelihood, params, trained_from, trained_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          model.version,
          model.symbol,
          model.timeframe,
          model.seed,
          model.logLikelihood,
          JSON.stringify(model.params),
          model.trainedFrom,
          model.trainedTo,
        ],
      );
      await insertHistory(client, model.version, history);
    });
  }

  /** Appends points after the model's last one (idempotent: existing timestamps are skipped). */
  async appendHistory(version: string, history: RegimeHistoryColumns): Promise<number> {
    return insertHistory(this.pool, version, history);
  }

  latestModel(symbol: string, timeframe?: string): Promise<RegimeModel | null> {
    return this.prisma.regimeModel.findFirst({
      where: { symbol, ...(timeframe ? { timeframe } : {}) },
      orderBy: { createdAt: 'desc' },
    });
  }

  getModel(version: string): Promise<RegimeModel | null> {
    return this.prisma.regimeModel.findUnique({ where: { version } });
  }

  listModels(symbol?: string): Promise<RegimeModel[]> {
    return this.prisma.regimeModel.findMany({
      where: symbol ? { symbol } : {},
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
  }

  async history(
    version: string,
    range: { fromMs?: number; toMs?: number } = {},
  ): Promise<RegimeHistoryColumns> {
    const { rows } = await this.pool.query<{ t: number; b: number; r: number; s: number; g: RegimeLabel }>(
      `SELECT (extract(epoch FROM ts) * 1000)::float8 AS t, p_bull AS b, p_bear AS r, p_sideways AS s, regime AS g
       FROM regime_history WHERE model_version = $1
         AND ($2::float8 IS NULL OR ts >= to_timestamp($2 / 1000.0))
         AND ($3::float8 IS NULL OR ts <= to_timestamp($3 / 1000.0))
       ORDER BY ts`,
      [version, range.fromMs ?? null, range.toMs ?? null],
    );
    const n = rows.length;
    const out: RegimeHistoryColumns = {
      ts: new Float64Array(n),
      bull: new Float64Array(n),
      bear: new Float64Array(n),
      sideways: new Float64Array(n),
      regime: new Array<RegimeLabel>(n),
    };
    rows.forEach((row, i) => {
      out.ts[i] = row.t;
      out.bull[i] = row.b;
      out.bear[i] = row.r;
      out.sideways[i] = row.s;
      out.regime[i] = row.g;
    });
    return out;
  }

  /** The model's last stored point, or null. */
  async lastPoint(
    version: string,
  ): Promise<{ ts: number; bull: number; bear: number; sideways: number; regime: RegimeLabel } | null> {
    const { rows } = await this.pool.query<{ t: number; b: number; r: number; s: number; g: RegimeLabel }>(
      `SELECT (extract(epoch FROM ts) * 1000)::float8 AS t, p_bull AS b, p_bear AS r, p_sideways AS s, regime AS g
       FROM regime_history WHERE model_version = $1 ORDER BY ts DESC LIMIT 1`,
      [version],
    );
    const r = rows[0];
    return r ? { ts: r.t, bull: r.b, bear: r.r, sideways: r.s, regime: r.g } : null;
  }
}

async function insertHistory(
  db: pg.Pool | pg.PoolClient,
  version: string,
  h: RegimeHistoryColumns,
): Promise<number> {
  const BATCH = 10_000;
  let inserted = 0;
  for (let start = 0; start < h.ts.length; start += BATCH) {
    const end = Math.min(h.ts.length, start + BATCH);
    const res = await db.query(
      `INSERT INTO regime_history (model_version, ts, p_bull, p_bear, p_sideways, regime)
       SELECT $1, to_timestamp(t / 1000.0), b, r, s, g
       FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::text[]) AS u(t, b, r, s, g)
       ON CONFLICT (model_version, ts) DO NOTHING`,
      [
        version,
        Array.from(h.ts.subarray(start, end)),
        Array.from(h.bull.subarray(start, end)),
        Array.from(h.bear.subarray(start, end)),
        Array.from(h.sideways.subarray(start, end)),
        h.regime.slice(start, end),
      ],
    );
    inserted += res.rowCount ?? 0;
  }
  return inserted;
}
