import { featureNames, seriesVersion } from '@tradeplane/contracts';
import {
  computeFeatureSeries,
  featureVectorAt,
  type BarColumns,
  type FeatureSeries,
  type FeatureVector,
} from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import type { LoadedSeries } from './bar-store';
import { LeakageMonitor, type LeakageAlarm } from './leakage-monitor';

function loaded(closes: number[]): LoadedSeries {
  const close = Float64Array.from(closes);
  const bars: BarColumns = {
    ts: Float64Array.from(closes, (_, i) => i * 86_400_000),
    open: close,
    high: close,
    low: close,
    close,
    volume: null,
  };
  return { symbol: 'TEST', timeframe: '1d', bars, version: seriesVersion(bars), loadedAt: 0, appended: 0 };
}

// A random walk (deterministic) long enough for every window to fill.
const closes = Array.from({ length: 120 }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i * 1.7) + 0.002 * i));

describe('LeakageMonitor', () => {
  it('finds no leak for the real, causal feature code', () => {
    const alarms: LeakageAlarm[] = [];
    const monitor = new LeakageMonitor(
      1,
      () => 0,
      (a) => alarms.push(a),
      () => 0,
    );
    const series = loaded(closes);
    for (const t of [0, 19, 40, 80, 119]) monitor.check(series, t, featureVectorAt(series.bars, t));
    expect(alarms).toEqual([]);
    expect(monitor.checked).toBe(5);
  });

  it('raises an alarm naming the feature when the full-history series differs (a lookahead)', () => {
    // A leaky implementation: drawdown measured from the peak of the WHOLE series.
    const leaky = (bars: BarColumns): FeatureSeries => {
      const s = computeFeatureSeries(bars);
      let peak = 0;
      for (const c of bars.close) peak = Math.max(peak, c);
      return { ...s, drawdown: bars.close.map((c) => c / peak - 1) };
    };
    const alarms: LeakageAlarm[] = [];
    const monitor = new LeakageMonitor(
      1,
      () => 0,
      (a) => alarms.push(a),
      () => 0,
      leaky,
    );
    const series = loaded(closes);
    const t = 60;
    monitor.check(series, t, featureVectorAt(series.bars, t));
    expect(alarms.map((a) => a.feature)).toEqual(['drawdown']);
    expect(alarms[0]!.barTime).toBe(new Date(t * 86_400_000).toISOString());
  });

  it('samples at the configured rate only', () => {
    const monitor = new LeakageMonitor(
      0.25,
      () => 0.5,
      () => undefined,
      () => 0,
    );
    monitor.maybeCheck(
      loaded(closes),
      10,
      Object.fromEntries(featureNames.map((n) => [n, null])) as FeatureVector,
    );
    expect(monitor.checked).toBe(0);
  });
});
