import type { Repositories } from '@tradeplane/db';
import type { Logger } from '@tradeplane/platform';
import {
  buildRiskModel,
  type BarColumns,
  type PreTradeLimits,
  type RiskModel,
  type RiskModelOptions,
} from '@tradeplane/quant';
import { dailyReturnsTable } from './daily-returns';

/** Which symbols the risk model covers. */
export interface RiskUniverse {
  dailySymbols(): Promise<string[]>;
}

/** Every instrument with daily bars in the database. */
export function repositoryRiskUniverse(repos: Pick<Repositories, 'bars' | 'instruments'>): RiskUniverse {
  return {
    async dailySymbols() {
      const [stats, instruments] = await Promise.all([repos.bars.seriesStats(), repos.instruments.list()]);
      const daily = new Set(stats.filter((s) => s.timeframe === '1d').map((s) => s.instrumentId));
      return instruments.filter((i) => daily.has(i.id)).map((i) => i.symbol);
    },
  };
}

/** A symbol's daily bars; the engine passes its feature bar store, so each series is loaded once. */
export interface DailyBarSource {
  get(symbol: string, timeframe: '1d'): Promise<{ bars: BarColumns }>;
}

/** What a response says about the model that answered. */
export interface RiskModelInfo {
  /** Newest day of the daily returns. */
  asOf: string;
  builtAt: string;
  symbols: number;
  clusters: number;
}

export interface RiskSnapshot {
  model: RiskModel;
  info: RiskModelInfo;
}

/**
 * Holds the risk model snapshot the pre-trade check reads. It is built from the daily bars
 * of every instrument (through the feature bar store, so series are loaded once) at start,
 * again after imports announce new bars, and on `refresh()`. Requests only read `snapshot`:
 * no database on the request path. A failed build keeps the previous snapshot and retries.
 */
export class RiskService {
  private current: RiskSnapshot | null = null;
  private building: Promise<RiskModelInfo> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  lastError: string | null = null;

  constructor(
    private readonly universe: RiskUniverse,
    private readonly bars: DailyBarSource,
    readonly limits: PreTradeLimits,
    private readonly modelOptions: RiskModelOptions,
    private readonly clock: () => number,
    private readonly log: Logger,
    private readonly retryMs = 15_000,
  ) {}

  /** The model in force, or null until the first build succeeds. */
  get snapshot(): RiskSnapshot | null {
    return this.current;
  }

  /** First build in the background: the engine listens meanwhile and answers 503 until it is done. */
  start(): void {
    this.scheduleRefresh(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Rebuild after `delayMs`, coalescing a burst of calls (an import announces each series). */
  scheduleRefresh(delayMs = 1000): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.refresh().catch(() => this.scheduleRefresh(this.retryMs));
    }, delayMs);
    this.timer.unref();
  }

  /** Rebuilds now; a call during a build makes that build run once more with the newest bars. */
  refresh(): Promise<RiskModelInfo> {
    if (this.building) {
      this.again = true;
      return this.building;
    }
    this.building = (async () => {
      try {
        do {
          this.again = false;
          await this.build();
        } while (this.again);
        return this.current!.info;
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  /** For /healthz: a summary, or an error while no model is in force. */
  health(): string {
    if (!this.current) throw new Error(this.lastError ? `build failed: ${this.lastError}` : 'building');
    const { info } = this.current;
    const stale = this.lastError ? `; last rebuild failed: ${this.lastError}` : '';
    return `${info.symbols} symbols, ${info.clusters} clusters, returns to ${info.asOf}${stale}`;
  }

  private async build(): Promise<void> {
    const started = performance.now();
    try {
      const symbols = await this.universe.dailySymbols();
      const series = await Promise.all(
        symbols.map(async (symbol) => ({ symbol, bars: (await this.bars.get(symbol, '1d')).bars })),
      );
      const model = buildRiskModel(dailyReturnsTable(series), this.modelOptions);
      const info: RiskModelInfo = {
        asOf: model.asOf,
        builtAt: new Date(this.clock()).toISOString(),
        symbols: model.symbols.length,
        clusters: model.clusters.length,
      };
      this.current = { model, info };
      this.lastError = null;
      this.log.info(
        {
          symbols: info.symbols,
          clusters: model.clusters.filter((c) => c.length > 1),
          excluded: model.excluded,
          asOf: info.asOf,
          repaired: model.repaired,
          ms: Math.round(performance.now() - started),
        },
        'risk model built',
      );
    } catch (err) {
      this.lastError = (err as Error).message;
      if (!this.stopped)
        this.log.error({ err }, 'risk model build failed; the previous model stays in force');
      throw err;
    }
  }
}
