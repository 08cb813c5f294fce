import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InstrumentRecord, SeriesStats } from '@tradeplane/db';
import { hrp, parseWidePrices, simpleReturns, type BarColumns, type PriceTable } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { riskConfigSchema, riskLimitsFromConfig } from './risk-config';
import { RiskReportService, type RiskReportSource } from './risk-report.service';

/** The 20-stock universe (1989-12-29 .. 2018-04-11): shared data, else the bundled copy. */
function loadStocks(): PriceTable {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const shared = path.resolve(repo, '../shared/data/daily/stock_prices.csv');
  const file = existsSync(shared) ? shared : path.join(repo, 'data/sample/stock_prices.csv');
  return parseWidePrices(readFileSync(file, 'utf8'));
}

/**
 * The universe as the database would hold it: one daily series per ticker, holding only the
 * days it has a price, plus a crypto pair and an equity with intraday bars only, which the
 * default universe leaves out.
 */
function databaseOf(table: PriceTable): RiskReportSource {
  const instruments: InstrumentRecord[] = table.columns.map((symbol, k) => ({
    id: k + 1,
    symbol,
    assetClass: 'equity',
    quoteAsset: 'USD',
  }));
  const series = new Map<number, BarColumns>();
  table.prices.forEach((column, k) => {
    const days = table.dates.flatMap((d, t) => (Number.isNaN(column[t]) ? [] : [t]));
    const close = Float64Array.from(days, (t) => column[t]!);
    series.set(k + 1, {
      ts: Float64Array.from(days, (t) => Date.parse(`${table.dates[t]}T00:00:00Z`)),
      open: close,
      high: close,
      low: close,
      close,
      volume: null,
    });
  });
  const btc = instruments.length + 1;
  instruments.push({ id: btc, symbol: 'BTC-USD', assetClass: 'crypto', quoteAsset: 'USD' });
  series.set(btc, series.get(1)!);
  instruments.push({ id: btc + 1, symbol: 'INTRADAY', assetClass: 'equity', quoteAsset: 'USD' });
  const stats: SeriesStats[] = [...series.keys()].map((id) => ({
    instrumentId: id,
    timeframe: '1d',
    barCount: series.get(id)!.ts.length,
    firstBar: new Date(series.get(id)!.ts[0]!),
    lastBar: new Date(series.get(id)!.ts.at(-1)!),
  }));
  stats.push({ ...stats[0]!, instrumentId: btc + 1, timeframe: '5m' });
  return {
    instruments: { list: async () => instruments },
    bars: {
      seriesStats: async () => stats,
      loadColumns: async (id) => {
        const columns = series.get(id);
        if (!columns) throw new Error(`no daily bars stored for instrument ${id}`);
        return columns;
      },
    },
  };
}

const stocks = loadStocks();
const source = databaseOf(stocks);
const limitsOf = (env: Record<string, string>) => riskLimitsFromConfig(riskConfigSchema.parse(env));

describe('RiskReportService on the 20-stock universe', () => {
  it('computes from stored bars exactly what HRP computes from the file', async () => {
    const report = await new RiskReportService(source, limitsOf({})).report({ linkage: 'average' });
    const fromFile = hrp(simpleReturns(stocks), { linkage: 'average' });
    expect(report.symbols).toEqual(stocks.columns);
    expect(report.hrp.order).toEqual(fromFile.order);
    for (const { symbol, weight } of report.hrp.weights)
      expect(weight).toBeCloseTo(fromFile.weights[symbol]!, 12);
    expect(report.observations).toBe(7125);
    expect(report.from.toISOString()).toBe('1989-12-29T00:00:00.000Z');
    expect(report.to.toISOString()).toBe('2018-04-11T00:00:00.000Z');
    expect(report.hrp.dendrogram).toHaveLength(19);
    expect(report.correlation.values).toHaveLength(20);
    const [v95, v99] = report.var;
    expect(v99!.historicalVar).toBeGreaterThan(v95!.historicalVar);
    expect(v95!.historicalCvar).toBeGreaterThanOrEqual(v95!.historicalVar);
  });

  it('judges the HRP weights against the configured limits, not a constant', async () => {
    const defaults = await new RiskReportService(source, limitsOf({})).report({ linkage: 'single' });
    expect(defaults.maxConcentration).toBe(0.25);
    expect(defaults.breaches).toEqual([]);

    const tight = await new RiskReportService(source, limitsOf({ RISK_MAX_CONCENTRATION: '0.05' })).report({
      linkage: 'single',
    });
    expect(tight.maxConcentration).toBe(0.05);
    const over = tight.hrp.weights.filter((w) => w.weight > 0.05).map((w) => w.symbol);
    expect(over.length).toBeGreaterThan(0);
    expect(tight.breaches).toEqual(
      over.map((symbol) => ({
        code: 'CONCENTRATION_EXCEEDS_MAX',
        symbol,
        limit: 0.05,
        actual: tight.hrp.weights.find((w) => w.symbol === symbol)!.weight,
      })),
    );

    // HRP weights are long-only and sum to 1: a gross limit under 1 is breached, once.
    const levered = await new RiskReportService(source, limitsOf({ RISK_MAX_GROSS: '0.9' })).report({
      linkage: 'single',
    });
    expect(levered.breaches).toEqual([
      { code: 'GROSS_EXPOSURE_EXCEEDS_MAX', limit: 0.9, actual: expect.closeTo(1, 12) },
    ]);
  });

  it('reports a chosen universe over a window, case-insensitively', async () => {
    const report = await new RiskReportService(source, limitsOf({})).report({
      symbols: ['aapl', 'XOM', 'jpm'],
      linkage: 'ward',
      fromMs: Date.UTC(2010, 0, 1),
      toMs: Date.UTC(2010, 11, 31),
    });
    expect(report.symbols).toEqual(['AAPL', 'XOM', 'JPM']);
    expect(report.observations).toBe(251); // 252 trading days in 2010
    expect(report.hrp.weights.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(1, 12);
  });

  it('names the argument that makes a report impossible', async () => {
    const service = new RiskReportService(source, limitsOf({}));
    await expect(service.report({ symbols: ['SPY', 'NOPE'], linkage: 'single' })).rejects.toMatchObject({
      code: 'RISK_REPORT_UNKNOWN_SYMBOL',
      field: 'symbols[0]',
    });
    await expect(service.report({ symbols: ['AAPL', 'INTRADAY'], linkage: 'single' })).rejects.toMatchObject({
      code: 'RISK_REPORT_UNKNOWN_SYMBOL',
      field: 'symbols[1]',
      message: 'no daily bars for INTRADAY',
    });
    await expect(service.report({ symbols: ['AAPL'], linkage: 'single' })).rejects.toMatchObject({
      code: 'RISK_REPORT_TOO_FEW_SYMBOLS',
      field: 'symbols',
    });
    await expect(
      service.report({ linkage: 'single', fromMs: Date.UTC(2018, 2, 1), toMs: Date.UTC(2018, 2, 31) }),
    ).rejects.toMatchObject({ code: 'RISK_REPORT_TOO_FEW_DAYS', field: 'from' });
  });
});
