import type { TradingStatus } from '@tradeplane/contracts';
import type pg from 'pg';
import type { PrismaClient, TradingHalt } from '../generated/prisma/client';

export interface TradingHaltRecord {
  id: string;
  cause: string;
  haltedBy: string;
  haltedAt: Date;
  resumedBy: string | null;
  resumeReason: string | null;
  resumedAt: Date | null;
}

interface HaltRow {
  id: string;
  cause: string;
  halted_by: string;
  halted_at: Date;
  resumed_by: string | null;
  resume_reason: string | null;
  resumed_at: Date | null;
}

const COLUMNS = 'id::text AS id, cause, halted_by, halted_at, resumed_by, resume_reason, resumed_at';

/**
 * Trading halts (table `trading_halts`): at most one open halt, enforced by the unique index
 * on `open` (true while open, NULL once resumed), so racing halts from the gateway and the
 * engine's leakage monitor open one halt between them and the loser reads the winner's.
 */
export class TradingHaltsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: pg.Pool,
  ) {}

  /**
   * HALTED with the open halt's cause, actor and time; otherwise ACTIVE, with the last
   * resume's actor and time (nulls when trading was never halted). REDUCING is not stored.
   */
  async current(): Promise<TradingStatus> {
    const open = await this.prisma.tradingHalt.findUnique({ where: { open: true } });
    if (open) return haltedState(fromModel(open));
    const last = await this.prisma.tradingHalt.findFirst({
      where: { resumedAt: { not: null } },
      orderBy: [{ resumedAt: 'desc' }, { id: 'desc' }],
    });
    return { state: 'ACTIVE', cause: null, actor: last?.resumedBy ?? null, since: iso(last?.resumedAt) };
  }

  /** Opens a halt; while one is open it is returned instead, with `created` false. */
  async halt(cause: string, actor: string): Promise<{ state: TradingStatus; created: boolean }> {
    // A halt resumed between the conflicting insert and the read leaves nothing to read: insert again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await this.pool.query<HaltRow>(
        `INSERT INTO trading_halts (cause, halted_by) VALUES ($1, $2)
         ON CONFLICT ("open") DO NOTHING RETURNING ${COLUMNS}`,
        [cause, actor],
      );
      if (inserted.rows[0]) return { state: haltedState(fromRow(inserted.rows[0])), created: true };
      const open = await this.pool.query<HaltRow>(`SELECT ${COLUMNS} FROM trading_halts WHERE "open"`);
      if (open.rows[0]) return { state: haltedState(fromRow(open.rows[0])), created: false };
    }
    throw new Error('trading halt: the open halt kept changing under five attempts');
  }

  /** Closes the open halt; `resumed` is false (and nothing changes) when trading was not halted. */
  async resume(actor: string, reason: string): Promise<{ state: TradingStatus; resumed: boolean }> {
    const { rows } = await this.pool.query<HaltRow>(
      `UPDATE trading_halts SET "open" = NULL, resumed_at = now(), resumed_by = $1, resume_reason = $2
       WHERE "open" RETURNING ${COLUMNS}`,
      [actor, reason],
    );
    const row = rows[0];
    if (!row) return { state: await this.current(), resumed: false };
    return { state: { state: 'ACTIVE', cause: null, actor, since: iso(row.resumed_at) }, resumed: true };
  }

  /** Halts, newest first. */
  async history(limit: number): Promise<TradingHaltRecord[]> {
    const rows = await this.prisma.tradingHalt.findMany({
      orderBy: [{ haltedAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(fromModel);
  }
}

function haltedState(h: TradingHaltRecord): TradingStatus {
  return { state: 'HALTED', cause: h.cause, actor: h.haltedBy, since: h.haltedAt.toISOString() };
}

function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

function fromModel(m: TradingHalt): TradingHaltRecord {
  return {
    id: m.id.toString(),
    cause: m.cause,
    haltedBy: m.haltedBy,
    haltedAt: m.haltedAt,
    resumedBy: m.resumedBy,
    resumeReason: m.resumeReason,
    resumedAt: m.resumedAt,
  };
}

function fromRow(r: HaltRow): TradingHaltRecord {
  return {
    id: r.id,
    cause: r.cause,
    haltedBy: r.halted_by,
    haltedAt: r.halted_at,
    resumedBy: r.resumed_by,
    resumeReason: r.resume_reason,
    resumedAt: r.resumed_at,
  };
}
