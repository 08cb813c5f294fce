import type { BarsRepository, InstrumentsRepository } from '@tradeplane/db';
import type { LinkageMethod, PreTradeLimits, PriceTable } from '@tradeplane/quant';
import { computeRiskReport, type RiskReport } from './risk-report';

export const riskReportErrorCodes = [
  'RISK_REPORT_UNKNOWN_SYMBOL',
  'RISK_REPORT_TOO_FEW_SYMBOLS',
  'RISK_REPORT_TOO_FEW_DAYS',
] as const;
export type RiskReportErrorCode = (typeof riskReportErrorCodes)[number];

/** A report that cannot be computed for this query; `field` names the query's argument at fault. */
export class RiskReportError extends Error {
  constructor(
    readonly code: RiskReportErrorCode,
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'RiskReportError';
  }
}

export interface RiskReportQuery {
  /** Default: every equity and ETF instrument with daily bars. */
  symbols?: readonly string[];
  linkage: LinkageMethod;
  fromMs?: number;
  toMs?: number;
}

/** What the service reads: instruments, which series exist, one series' columns. */
export interface RiskReportSource {
  bars: Pick<BarsRepository, 'seriesStats' | 'loadColumns'>;
  instruments: Pick<InstrumentsRepository, 'list'>;
}

/** Fewest trading days a report is computed from. */
export const MIN_REPORT_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * The portfolio risk report of a universe from the daily bars in the database, judged against
 * the configured limits (`riskLimitsFromConfig`: the engine's pre-trade check uses the same).
 */
export class RiskReportService {
  constructor(
    private readonly source: RiskReportSource,
    readonly limits: PreTradeLimits,
  ) {}

  async report(query: RiskReportQuery): Promise<RiskReport> {
    const table = await this.dailyUniverse(query);
    if (table.dates.length < MIN_REPORT_DAYS)
      throw new RiskReportError(
        'RISK_REPORT_TOO_FEW_DAYS',
        `only ${table.dates.length} trading days in the window; at least ${MIN_REPORT_DAYS} needed`,
        'from',
      );
    return computeRiskReport(table, query.linkage, this.limits);
  }

  /**
   * Daily closes of the universe aligned on the union of their dates (NaN where a symbol has
   * no bar: before its listing, or a hole) — the alignment the pairwise-complete maths expects.
   */
  async dailyUniverse(query: Omit<RiskReportQuery, 'linkage'>): Promise<PriceTable> {
    const [stats, instruments] = await Promise.all([
      this.source.bars.seriesStats(),
      this.source.instruments.list(),
    ]);
    const daily = new Set(stats.filter((s) => s.timeframe === '1d').map((s) => s.instrumentId));
    let chosen = instruments.filter(
      (i) => daily.has(i.id) && (i.assetClass === 'equity' || i.assetClass === 'etf'),
    );
    if (query.symbols) {
      chosen = query.symbols.map((symbol, k) => {
        const found = instruments.find((i) => i.symbol === symbol.toUpperCase());
        if (!found || !daily.has(found.id))
          throw new RiskReportError(
            'RISK_REPORT_UNKNOWN_SYMBOL',
            `no daily bars for ${symbol}`,
            `symbols[${k}]`,
          );
        return found;
      });
    }
    if (chosen.length < 2)
      throw new RiskReportError(
        'RISK_REPORT_TOO_FEW_SYMBOLS',
        'a risk report needs at least two symbols with daily bars',
        'symbols',
      );
    const series = await Promise.all(chosen.map((i) => this.source.bars.loadColumns(i.id, '1d')));
    const from = query.fromMs ?? -Infinity;
    const to = query.toMs ?? Infinity;
    const days = new Set<number>();
    for (const s of series) for (const t of s.ts) if (from <= t && t <= to) days.add(t);
    const sorted = [...days].sort((a, b) => a - b);
    const row = new Map(sorted.map((t, i) => [t, i]));
    const prices = series.map((s) => {
      const column = new Float64Array(sorted.length).fill(Number.NaN);
      s.ts.forEach((t, i) => {
        const r = row.get(t);
        if (r !== undefined) column[r] = s.close[i]!;
      });
      return column;
    });
    return {
      dates: sorted.map((t) => new Date(Math.floor(t / DAY_MS) * DAY_MS).toISOString().slice(0, 10)),
      columns: chosen.map((i) => i.symbol),
      prices,
    };
  }
}
