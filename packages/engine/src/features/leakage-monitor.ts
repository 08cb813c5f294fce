import { featureNames } from '@tradeplane/contracts';
import { computeFeatureSeries, type FeatureSeries } from '@tradeplane/quant';
import type { LoadedSeries } from './bar-store';
import type { FeatureValues } from './feature-cache';

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
 * Production lookahead check: for a sample of computed vectors (served from history
 * truncated at the bar), compare with the value at the same bar in the series computed
 * from the full history. A difference means a feature looked ahead: raise an alarm.
 * Runs after the response (setImmediate), never on the request path.
 */
export class LeakageMonitor {
  checked = 0;
  alarms: LeakageAlarm[] = [];
  private fullSeries = new WeakMap<LoadedSeries, FeatureSeries>();

  constructor(
    private readonly sampleRate: number,
    private readonly random: () => number,
    private readonly onAlarm: (alarm: LeakageAlarm) => void,
    private readonly clock: () => number,
    private readonly compute: (bars: LoadedSeries['bars']) => FeatureSeries = computeFeatureSeries,
  ) {}

  maybeCheck(series: LoadedSeries, index: number, served: FeatureValues): void {
    if (this.sampleRate <= 0 || this.random() >= this.sampleRate) return;
    setImmediate(() => this.check(series, index, served));
  }

  check(series: LoadedSeries, index: number, served: FeatureValues): LeakageAlarm[] {
    let full = this.fullSeries.get(series);
    if (!full) {
      full = this.compute(series.bars);
      this.fullSeries.set(series, full);
    }
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
