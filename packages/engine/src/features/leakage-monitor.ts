import { featureNames } from '@tradeplane/contracts';
import { computeFeatureSeries, type FeatureSeries, type FeatureVector } from '@tradeplane/quant';
import type { LoadedSeries } from './bar-store';

export interface LeakageAlarm {
  symbol: string;
  timeframe: string;
  barTime: string;
  feature: string;
  served: number | null;
  fullHistory: number | null;
  at: string;
}

/**
 * Production lookahead check: for a sample of served vectors (read from the incremental
 * state, which wrote each bar's values when that bar arrived), compare with the value at the
 * same bar in the series computed in one batch from the full history as it is at check time
 * (bars appended since included). A difference means a feature looked ahead or the state
 * drifted from its bars: raise an alarm. Runs after the response (setImmediate), never on
 * the request path.
 */
export class LeakageMonitor {
  checked = 0;
  alarms: LeakageAlarm[] = [];
  /** The full-history series per series object, recomputed when its bars changed (an append). */
  private fullSeries = new WeakMap<LoadedSeries, { version: string; series: FeatureSeries }>();

  constructor(
    private readonly sampleRate: number,
    private readonly random: () => number,
    private readonly onAlarm: (alarm: LeakageAlarm) => void,
    private readonly clock: () => number,
    private readonly compute: (bars: LoadedSeries['bars']) => FeatureSeries = computeFeatureSeries,
  ) {}

  maybeCheck(series: LoadedSeries, index: number, served: FeatureVector): void {
    if (this.sampleRate <= 0 || this.random() >= this.sampleRate) return;
    setImmediate(() => this.check(series, index, served));
  }

  check(series: LoadedSeries, index: number, served: FeatureVector): LeakageAlarm[] {
    let cached = this.fullSeries.get(series);
    if (!cached || cached.version !== series.version) {
      cached = { version: series.version, series: this.compute(series.bars) };
      this.fullSeries.set(series, cached);
    }
    const full = cached.series;
    this.checked++;
    const found: LeakageAlarm[] = [];
    for (const name of featureNames) {
      const a = served[name] ?? null;
      const raw = full[name][index]!;
      const b = Number.isFinite(raw) ? raw : null;
      const equal =
        a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));
      if (!equal) {
        found.push({
          symbol: series.symbol,
          timeframe: series.timeframe,
          barTime: new Date(series.bars.ts[index]!).toISOString(),
          feature: name,
          served: a,
          fullHistory: b,
          at: new Date(this.clock()).toISOString(),
        });
      }
    }
    for (const alarm of found) {
      this.alarms.push(alarm);
      this.onAlarm(alarm);
    }
    if (this.alarms.length > 100) this.alarms = this.alarms.slice(-100);
    return found;
  }
}
