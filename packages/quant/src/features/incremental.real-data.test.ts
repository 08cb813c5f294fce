/**
 * The lookahead proof for the incremental path, on every real series in ../shared/data (read
 * through the importer, so the 20-stock file's holes are skipped exactly as an import skips
 * them): the value at bar t read right after streaming bar t == the value at t computed from
 * the history truncated at t == the value at t computed from the full history, on every
 * feature. Every bar for streamed vs full; a seeded sample plus the warm-up edges and the last
 * bar for the truncated histories. Streamed, truncated and full runs share the per-bar maths,
 * so the full history is also checked against the independent trading-signals reference.
 */
import { HAS_DATA, DATA_ROOT, MemoryBarSink } from '@tradeplane/marketdata/testing';
import { importPath } from '@tradeplane/marketdata';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sliceBars, type BarColumns } from './bars';
import { computeFeatureSeries } from './compute';
import { featureNames, type FeatureName, type FeatureSeries } from './feature-names';
import { IncrementalFeatures } from './incremental';
import { featureValuesEqual, sampleIndices } from './lookahead';
import { FEATURE_WARMUP } from './params';
import { referenceFeatureSeries } from './testing/reference-features';

const SAMPLE_DATA = path.resolve(import.meta.dirname, '../../../../data/sample');
const TIMEFRAMES = ['1d', '1m', '5m'] as const;

interface RealSeries {
  name: string;
  bars: BarColumns;
}

/** The columns the engine loads for a stored series (volume null when no bar has one). */
async function importedSeries(root: string): Promise<RealSeries[]> {
  const sink = new MemoryBarSink();
  const summary = await importPath(root, sink);
  expect(summary.rowsRejected).toBe(0);
  const out: RealSeries[] = [];
  for (const { symbol } of sink.instruments()) {
    for (const tf of TIMEFRAMES) {
      const stored = sink.bars(symbol, tf);
      if (stored.length === 0) continue;
      const anyVolume = stored.some((b) => b.volume !== null);
      out.push({
        name: `${symbol} ${tf}`,
        bars: {
          ts: Float64Array.from(stored, (b) => b.ts),
          open: Float64Array.from(stored, (b) => b.open),
          high: Float64Array.from(stored, (b) => b.high),
          low: Float64Array.from(stored, (b) => b.low),
          close: Float64Array.from(stored, (b) => b.close),
          volume: anyVolume ? Float64Array.from(stored, (b) => b.volume ?? NaN) : null,
        },
      });
    }
  }
  return out;
}

/** Indices checked against truncated histories: warm-up edges, 40 seeded ones, the last bar. */
function truncationSample(n: number, seed: number): number[] {
  const edges = Object.values(FEATURE_WARMUP).flatMap((w) => [w - 1, w, w + 1]);
  const idx = new Set([0, 1, 2, ...edges, ...sampleIndices(n, 40, seed), n - 1]);
  return [...idx].filter((t) => t >= 0 && t < n).sort((a, b) => a - b);
}

interface Mismatch {
  feature: FeatureName;
  index: number;
  got: number;
  want: number;
}

function mismatches(
  got: FeatureSeries,
  want: FeatureSeries,
  indices: Iterable<number>,
  equal: (a: number, b: number) => boolean,
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const index of indices) {
    for (const feature of featureNames) {
      const a = got[feature][index]!;
      const b = want[feature][index]!;
      if (!equal(a, b) && out.length < 5) out.push({ feature, index, got: a, want: b });
    }
  }
  return out;
}

const identical = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
const allIndices = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('incremental features on every real series', () => {
  let series: RealSeries[] = [];
  beforeAll(async () => {
    series = await importedSeries(HAS_DATA ? DATA_ROOT : SAMPLE_DATA);
  });

  it('covers every series of the data folder', () => {
    // 20 stocks + SPY + NVDA/ORCL/YHOO daily, the BTC 1m file and ten 5m pairs.
    if (HAS_DATA) expect(series).toHaveLength(35);
    else expect(series.length).toBeGreaterThan(0);
    expect(series.every((s) => s.bars.ts.length > 100)).toBe(true);
  });

  it('streaming bar by bar gives, at each bar, the value the full history has there', () => {
    for (const { name, bars } of series) {
      const n = bars.ts.length;
      const streamed = new IncrementalFeatures(bars.volume !== null, 16);
      // What a reader sees right after bar t arrives, when no later bar exists yet.
      const seenAtArrival = Object.fromEntries(
        featureNames.map((f) => [f, new Float64Array(n)]),
      ) as FeatureSeries;
      for (let t = 0; t < n; t++) {
        streamed.push(bars.ts[t]!, bars.close[t]!, bars.volume ? bars.volume[t]! : null);
        const v = streamed.vectorAt(t);
        for (const f of featureNames) seenAtArrival[f][t] = v[f] ?? NaN;
      }
      const full = computeFeatureSeries(bars);
      const ctx = `${name} (${n} bars)`;
      expect(mismatches(seenAtArrival, full, allIndices(n), identical), ctx).toEqual([]);
      // Later bars never rewrite an earlier value.
      expect(mismatches(streamed.series(), seenAtArrival, allIndices(n), identical), ctx).toEqual([]);
    }
  });

  it('the value at t from the history truncated at t equals the full-history value', () => {
    let checked = 0;
    for (const [k, { name, bars }] of series.entries()) {
      const full = computeFeatureSeries(bars);
      for (const t of truncationSample(bars.ts.length, 1000 + k)) {
        const truncated = IncrementalFeatures.fromBars(sliceBars(bars, t + 1)).series();
        expect(mismatches(truncated, full, [t], identical), `${name} at ${t}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(series.length * 40);
  });

  it('the full-history values equal the independent trading-signals reference', () => {
    for (const { name, bars } of series) {
      const n = bars.ts.length;
      const got = mismatches(
        computeFeatureSeries(bars),
        referenceFeatureSeries(bars),
        allIndices(n),
        (a, b) => featureValuesEqual(a, b, 1e-9),
      );
      expect(got, name).toEqual([]);
    }
  });

  it('every feature is defined somewhere on every series (volumeZ20 where there is volume)', () => {
    for (const { name, bars } of series) {
      const full = computeFeatureSeries(bars);
      for (const f of featureNames) {
        if (f === 'volumeZ20' && bars.volume === null) continue;
        expect(full[f].some(Number.isFinite), `${name} ${f}`).toBe(true);
      }
    }
  });
});
