import type { BarColumns } from '@tradeplane/quant';
import { createLogger } from '@tradeplane/platform';
import { preTradeLimits } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { RiskService, type RiskUniverse } from './risk-service';

const DAY = 86_400_000;

/** Seeded random walks; B follows A closely, C is independent. */
function universe(days: number): Map<string, BarColumns> {
  let seed = 1;
  const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.04;
  const series = { A: [100], B: [50], C: [20] };
  for (let t = 1; t < days; t++) {
    const common = noise();
    series.A.push(series.A[t - 1]! * (1 + common));
    series.B.push(series.B[t - 1]! * (1 + common + noise() * 0.1));
    series.C.push(series.C[t - 1]! * (1 + noise()));
  }
  const ts = Float64Array.from({ length: days }, (_, t) => Date.UTC(2020, 0, 1) + t * DAY);
  return new Map(
    Object.entries(series).map(([s, close]) => {
      const c = Float64Array.from(close);
      return [s, { ts, open: c, high: c, low: c, close: c, volume: null }];
    }),
  );
}

function service(data: Map<string, BarColumns>, fail = { on: false }) {
  const source: RiskUniverse = {
    async dailySymbols() {
      if (fail.on) throw new Error('database unreachable');
      return [...data.keys()];
    },
  };
  const bars = { get: async (symbol: string) => ({ bars: data.get(symbol)! }) };
  return new RiskService(
    source,
    bars,
    preTradeLimits(),
    {},
    () => Date.UTC(2024, 5, 1),
    createLogger('test', 'silent'),
  );
}

describe('RiskService', () => {
  it('has no snapshot until the first build, then one covering every daily series', async () => {
    const risk = service(universe(300));
    expect(risk.snapshot).toBeNull();
    expect(() => risk.health()).toThrow(/building/);
    const info = await risk.refresh();
    expect(info).toMatchObject({ symbols: 3, asOf: '2020-10-26', builtAt: '2024-06-01T00:00:00.000Z' });
    expect(risk.snapshot!.model.clusters).toContainEqual(['A', 'B']);
    expect(risk.health()).toBe('3 symbols, 2 clusters, returns to 2020-10-26');
  });

  it('coalesces a refresh asked for during a build into one more build', async () => {
    const data = universe(300);
    const risk = service(data);
    const first = risk.refresh();
    data.set('D', data.get('C')!);
    const second = risk.refresh();
    expect(second).toBe(first);
    expect((await second).symbols).toBe(4);
  });

  it('keeps the previous model when a rebuild fails', async () => {
    const fail = { on: false };
    const risk = service(universe(300), fail);
    await risk.refresh();
    const before = risk.snapshot;
    fail.on = true;
    await expect(risk.refresh()).rejects.toThrow(/unreachable/);
    expect(risk.snapshot).toBe(before);
    expect(risk.health()).toMatch(/last rebuild failed: database unreachable/);
  });
});
