import type { BarColumns } from '@tradeplane/quant';
import type { Logger } from '@tradeplane/platform';
import { RegimeTable, type StoredRegimeModel } from './regime-table';

/** Where the regime model and the benchmark bars come from (PostgreSQL and the bar store). */
export interface RegimeInputs {
  latestModel(symbol: string, timeframe: string): Promise<StoredRegimeModel | null>;
  /** The series and its content version (BarStore.get). */
  bars(symbol: string, timeframe: string): Promise<{ bars: BarColumns; version: string }>;
}

/**
 * Holds the regime table decisions read. `refresh()` (at start, after the benchmark's bars are
 * re-imported, after a new model is fitted, and on the engine's poll) rebuilds it only when
 * the stored model or the bars changed; a refresh that fails keeps the table in force.
 */
export class RegimeService {
  private current: RegimeTable;
  private builtFrom = '';
  private refreshing: Promise<void> | null = null;
  private again = false;
  lastError: string | null = null;

  constructor(
    private readonly inputs: RegimeInputs,
    readonly symbol: string,
    readonly timeframe: string,
    private readonly log: Logger,
  ) {
    this.current = RegimeTable.uniform(symbol, timeframe, 'the regime model is not loaded yet');
  }

  get table(): RegimeTable {
    return this.current;
  }

  /** Coalesces calls: one that arrives during a refresh makes it run once more. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          await this.rebuild();
        } while (this.again);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** For /healthz: the model and its last bar, or why the uniform fallback is in force. */
  health(): string {
    const { source } = this.current;
    const stale = this.lastError ? `; last refresh failed: ${this.lastError}` : '';
    if (source.model === null) return `uniform 1/3 fallback: ${source.note}${stale}`;
    return `model ${source.model} on ${source.symbol} ${source.timeframe}, ${source.bars} bars to ${this.current.lastBarTime}${stale}`;
  }

  private async rebuild(): Promise<void> {
    const { symbol, timeframe } = this;
    let model: StoredRegimeModel | null;
    try {
      model = await this.inputs.latestModel(symbol, timeframe);
    } catch (err) {
      this.lastError = (err as Error).message;
      return;
    }
    if (!model) {
      this.use(
        'none',
        RegimeTable.uniform(symbol, timeframe, `no regime model is stored for ${symbol} ${timeframe}`),
      );
      return;
    }
    let series: { bars: BarColumns; version: string };
    try {
      series = await this.inputs.bars(symbol, timeframe);
    } catch (err) {
      const note = `no ${symbol} ${timeframe} bars for regime model ${model.version}: ${(err as Error).message}`;
      this.use(`${model.version}:none`, RegimeTable.uniform(symbol, timeframe, note));
      return;
    }
    const key = `${model.version}:${series.version}`;
    if (key === this.builtFrom) return;
    try {
      this.use(key, RegimeTable.fromModel(model, series.bars));
    } catch (err) {
      this.use(key, RegimeTable.uniform(symbol, timeframe, (err as Error).message));
    }
  }

  private use(key: string, table: RegimeTable): void {
    this.lastError = null;
    if (key === this.builtFrom) return;
    this.builtFrom = key;
    this.current = table;
    this.log.info({ regime: table.source, lastBar: table.lastBarTime }, 'regime table in force');
  }
}
