import type { BarColumns } from '@tradeplane/quant';
import type { Logger } from '@tradeplane/platform';
import { RegimeTable, type StoredRegimeModel } from './regime-table';

/**
 * A series as the bar store holds it: one object per load, whose `bars` and `version` are
 * replaced as bars are appended (LoadedSeries).
 */
export interface RegimeSeries {
  readonly symbol: string;
  readonly timeframe: string;
  bars: BarColumns;
  version: string;
}

/** Where the regime model and the benchmark bars come from (PostgreSQL and the bar store). */
export interface RegimeInputs {
  latestModel(symbol: string, timeframe: string): Promise<StoredRegimeModel | null>;
  /** The series and its content version (BarStore.get). */
  bars(symbol: string, timeframe: string): Promise<RegimeSeries>;
}

/**
 * Holds the regime table decisions read. `refresh()` (at start, after the benchmark's bars are
 * re-imported or a replay cut-off hides some, after a new model is fitted, and on the engine's
 * poll) rebuilds it only when the stored model or the bars changed; a refresh that fails keeps
 * the table in force. `onBarAppended` (BarStore.onAppend) advances it by the new bar at once,
 * so the first decision after a live benchmark bar already reads that bar's row.
 */
export class RegimeService {
  private current: RegimeTable;
  private builtFrom = '';
  /** The model of the table in force and the series object it was built from. */
  private model: StoredRegimeModel | null = null;
  private builtSeries: RegimeSeries | null = null;
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
    return `model ${source.model} on ${source.symbol} ${source.timeframe}, smoothed (half-life ${source.halfLife} bars), ${source.bars} bars to ${this.current.lastBarTime}${stale}`;
  }

  /**
   * A bar was appended to a series (BarStore.onAppend, synchronous). For the benchmark: the
   * next bar of the series the table was built from advances it by one streaming step; any
   * other benchmark series object (reloaded after an import or a replay cut-off) rebuilds the
   * table from the bars in hand, so it never lags the series decisions see. Never throws: a
   * bar the model cannot use puts the uniform fallback, with the reason, in force.
   */
  onBarAppended(series: RegimeSeries, index: number): void {
    if (series.timeframe !== this.timeframe || series.symbol.toUpperCase() !== this.symbol) return;
    const model = this.model;
    if (!model) return;
    const key = `${model.version}:${series.version}`;
    try {
      const table = this.current;
      if (series === this.builtSeries && table.appendable && table.closes === index) {
        table.append(series.bars.ts[index]!, series.bars.close[index]!);
        this.builtFrom = key;
        return;
      }
      this.use(key, RegimeTable.fromModel(model, series.bars), model, series);
    } catch (err) {
      this.use(key, RegimeTable.uniform(this.symbol, this.timeframe, (err as Error).message), model, series);
    }
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
        null,
        null,
      );
      return;
    }
    let series: RegimeSeries;
    try {
      series = await this.inputs.bars(symbol, timeframe);
    } catch (err) {
      const note = `no ${symbol} ${timeframe} bars for regime model ${model.version}: ${(err as Error).message}`;
      this.use(`${model.version}:none`, RegimeTable.uniform(symbol, timeframe, note), model, null);
      return;
    }
    const key = `${model.version}:${series.version}`;
    if (key === this.builtFrom) {
      // Same model and bars: a reload of identical content is what appends now extend.
      this.builtSeries = series;
      return;
    }
    try {
      this.use(key, RegimeTable.fromModel(model, series.bars), model, series);
    } catch (err) {
      this.use(key, RegimeTable.uniform(symbol, timeframe, (err as Error).message), model, series);
    }
  }

  private use(
    key: string,
    table: RegimeTable,
    model: StoredRegimeModel | null,
    series: RegimeSeries | null,
  ): void {
    this.lastError = null;
    if (key === this.builtFrom) return;
    this.builtFrom = key;
    this.current = table;
    this.model = model;
    this.builtSeries = series;
    this.log.info({ regime: table.source, lastBar: table.lastBarTime }, 'regime table in force');
  }
}
