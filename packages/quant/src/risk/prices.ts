/**
 * Wide price tables: one row per date, one column per symbol (the layout of
 * `daily/stock_prices.csv`, PyPortfolioOpt's test prices). Parsing is pure (text in, table
 * out); reading the file is the caller's business (CLI, `src/testing/wide-prices.ts`).
 */

/** Prices by column. `prices[c][t]` is the price of `columns[c]` on `dates[t]`; NaN = missing. */
export interface PriceTable {
  /** ISO dates (YYYY-MM-DD), strictly increasing. */
  dates: string[];
  columns: string[];
  /** One array per column, each `dates.length` long. NaN = no price (not listed yet, hole). */
  prices: Float64Array[];
}

export interface ParseWidePricesOptions {
  /** Keep only these columns, in this order (default: every column of the header). */
  columns?: string[];
  /** Fewest data rows accepted (default 2: one return needs two prices). */
  minRows?: number;
}

/** A malformed price file. `line` is 1-based (the header is line 1); `column` is the header name. */
export class WidePricesError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'WidePricesError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// A plain decimal number; no hex, no "Infinity", no thousands separators.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Cells read as "no price": empty (the convention of the data set) and pandas' usual NA spellings. */
const MISSING = new Set(['', 'na', 'nan', 'null', 'n/a']);

/**
 * Parses a wide CSV: header `date,SYM1,SYM2,...`, then `YYYY-MM-DD,price,price,...`.
 * Empty cells are missing prices (NaN). Every other cell must be a finite price > 0.
 * Throws {@link WidePricesError} naming the line and column of the first problem.
 */
export function parseWidePrices(text: string, options: ParseWidePricesOptions = {}): PriceTable {
  const minRows = options.minRows ?? 2;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new WidePricesError('empty price file: no header line');
  const header = lines[headerIndex]!.split(',').map((h) => h.trim());
  const headerLine = headerIndex + 1;
  if (header[0]?.toLowerCase() !== 'date') {
    throw new WidePricesError(
      `line ${headerLine}: first column must be 'date', found '${header[0]}'`,
      headerLine,
    );
  }
  const allColumns = header.slice(1);
  if (allColumns.length === 0) throw new WidePricesError(`line ${headerLine}: no price columns`, headerLine);
  const seen = new Set<string>();
  allColumns.forEach((name, i) => {
    if (name === '') throw new WidePricesError(`line ${headerLine}: column ${i + 2} has no name`, headerLine);
    if (seen.has(name)) {
      throw new WidePricesError(`line ${headerLine}: duplicate column '${name}'`, headerLine, name);
    }
    seen.add(name);
  });

  const columns = options.columns ?? allColumns;
  const fields = columns.map((name) => {
    const at = allColumns.indexOf(name);
    if (at < 0) {
      throw new WidePricesError(
        `unknown column '${name}' (the file has: ${allColumns.join(', ')})`,
        headerLine,
        name,
      );
    }
    return at + 1; // cell index in a row (cell 0 is the date)
  });

  const dates: string[] = [];
  const values: number[][] = columns.map(() => []);
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = raw.split(',').map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new WidePricesError(`line ${line}: expected ${header.length} cells, found ${cells.length}`, line);
    }
    const date = cells[0]!;
    if (!isIsoDate(date)) {
      throw new WidePricesError(`line ${line}: '${date}' is not a YYYY-MM-DD date`, line, header[0]);
    }
    const previous = dates[dates.length - 1];
    if (previous !== undefined && date <= previous) {
      throw new WidePricesError(`line ${line}: date ${date} does not follow ${previous}`, line, header[0]);
    }
    dates.push(date);
    fields.forEach((field, c) => {
      const cell = cells[field]!;
      values[c]!.push(parseCell(cell, line, field + 1, columns[c]!));
    });
  }
  if (dates.length < minRows) {
    throw new WidePricesError(`too few rows: ${dates.length} data row(s), at least ${minRows} needed`);
  }
  return { dates, columns: [...columns], prices: values.map((v) => Float64Array.from(v)) };
}

/** YYYY-MM-DD naming a real calendar day (proleptic Gregorian). */
function isIsoDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return days !== undefined && d >= 1 && d <= days;
}

function parseCell(cell: string, line: number, field: number, column: string): number {
  if (MISSING.has(cell.toLowerCase())) return NaN;
  const where = `line ${line}, column ${field} ('${column}')`;
  if (!NUMBER.test(cell)) throw new WidePricesError(`${where}: '${cell}' is not a number`, line, column);
  const price = Number(cell);
  if (!Number.isFinite(price) || price <= 0) {
    throw new WidePricesError(`${where}: price ${cell} is not finite and > 0`, line, column);
  }
  return price;
}
