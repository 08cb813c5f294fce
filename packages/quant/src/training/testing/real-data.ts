/** Test fixtures: SPY daily (the market) and a few stocks of the wide file, as SymbolBars. */
import { loadSpy } from '../../features/testing/real-data';
import { loadWidePrices } from '../../testing/wide-prices';
import type { DatasetSplits, SymbolBars } from '../dataset';
import { DEFAULT_MODEL_SET_TRAINING, type ModelSetTrainingConfig } from '../train';

const closeOnly = (symbol: string, dates: readonly string[], close: Float64Array): SymbolBars => ({
  symbol,
  dates,
  bars: {
    ts: Float64Array.from(dates, (d) => Date.parse(`${d}T00:00:00Z`)),
    open: close,
    high: close,
    low: close,
    close,
    volume: null,
  },
});

let spy: SymbolBars | undefined;

export function spyBars(): SymbolBars {
  if (spy) return spy;
  const { dates, bars } = loadSpy();
  spy = { symbol: 'SPY', dates, bars };
  return spy;
}

/** Stocks from daily/stock_prices.csv, each restricted to the dates where it has a price. */
export function stockBars(symbols: readonly string[]): SymbolBars[] {
  const table = loadWidePrices('daily/stock_prices.csv', { columns: [...symbols] });
  return symbols.map((symbol, j) => {
    const prices = table.prices[j]!;
    const keep = table.dates.map((_, i) => i).filter((i) => Number.isFinite(prices[i]!) && prices[i]! > 0);
    return closeOnly(
      symbol,
      keep.map((i) => table.dates[i]!),
      Float64Array.from(keep, (i) => prices[i]!),
    );
  });
}

/** Train 1994–2005, validation 2006–2011 (the crisis included), test 2012–2018. */
export const SPY_SPLITS: DatasetSplits = {
  train: { from: '1994-01-01', to: '2005-12-31' },
  validation: { from: '2006-01-01', to: '2011-12-31' },
  test: { from: '2012-01-01', to: '2018-12-31' },
};

export const TEST_CONFIG: ModelSetTrainingConfig = {
  ...DEFAULT_MODEL_SET_TRAINING,
  splits: SPY_SPLITS,
  regime: { ...DEFAULT_MODEL_SET_TRAINING.regime, restarts: 2, maxIter: 60 },
};
