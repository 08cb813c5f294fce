import type { PriceTable } from './prices';

/**
 * Returns by column. `returns[c][t]` is the return of `columns[c]` from `dates[t-1]` of the
 * price table to `dates[t]` here; NaN = undefined (a price missing on either side).
 */
export interface ReturnsTable {
  /** The date each return ends on: the price table's dates without the first. */
  dates: string[];
  columns: string[];
  returns: Float64Array[];
}

/**
 * Simple returns p[t]/p[t−1] − 1, NaN when either price is missing. This is pandas
 * `prices.pct_change(fill_method=None)` as used by PyPortfolioOpt's `returns_from_prices`
 * (no forward fill across holes). The first date has no return and is dropped; later rows
 * where every return is NaN are kept (pairwise statistics skip them anyway).
 */
export function simpleReturns(table: PriceTable): ReturnsTable {
  return mapReturns(table, (p1, p0) => p1 / p0 - 1);
}

/** Log returns ln(p[t]/p[t−1]), NaN when either price is missing. */
export function logReturns(table: PriceTable): ReturnsTable {
  return mapReturns(table, (p1, p0) => Math.log(p1 / p0));
}

function mapReturns(table: PriceTable, f: (p1: number, p0: number) => number): ReturnsTable {
  const n = table.dates.length;
  if (n < 2) throw new RangeError(`returns need at least 2 dates, the price table has ${n}`);
  if (table.prices.length !== table.columns.length) {
    throw new RangeError(`price table has ${table.columns.length} columns but ${table.prices.length} series`);
  }
  const returns = table.prices.map((p, c) => {
    if (p.length !== n) {
      throw new RangeError(`column '${table.columns[c]}' has ${p.length} prices for ${n} dates`);
    }
    const r = new Float64Array(n - 1);
    // NaN propagates through f, so a missing price on either side gives NaN.
    for (let t = 1; t < n; t++) r[t - 1] = f(p[t]!, p[t - 1]!);
    return r;
  });
  return { dates: table.dates.slice(1), columns: [...table.columns], returns };
}
