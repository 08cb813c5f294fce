import { readFileSync } from 'node:fs';
import { parseWidePrices, WidePricesError, type PriceTable } from '@tradeplane/quant';

/** A one-line, user-facing CLI error (printed as `error: …`, exit code 1). */
export class CliInputError extends Error {}

/** Reads a wide close-price CSV (date + one column per symbol); errors name the file, line and column. */
export function readPriceFile(
  file: string,
  options: { columns?: string[]; minRows?: number } = {},
): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliInputError(
      `--prices: cannot read ${file}${code === 'ENOENT' ? ': no such file' : `: ${code ?? (err as Error).message}`}`,
    );
  }
  try {
    return parseWidePrices(text, options);
  } catch (err) {
    if (err instanceof WidePricesError) throw new CliInputError(`--prices ${file}: ${err.message}`);
    throw err;
  }
}

/** One column as a gap-free close series from its first price on (leading empty cells = not listed yet). */
export function closeSeries(
  table: PriceTable,
  column: string,
  minRows: number,
): { dates: string[]; closes: Float64Array } {
  const index = table.columns.indexOf(column);
  if (index < 0)
    throw new CliInputError(
      `--column: unknown column '${column}' (the file has: ${table.columns.join(', ')})`,
    );
  const prices = table.prices[index]!;
  let start = 0;
  while (start < prices.length && Number.isNaN(prices[start]!)) start++;
  for (let i = start; i < prices.length; i++) {
    if (Number.isNaN(prices[i]!)) {
      throw new CliInputError(
        `--column ${column}: missing price on ${table.dates[i]} inside the series (line ${i + 2})`,
      );
    }
  }
  const n = prices.length - start;
  if (n < minRows) throw new CliInputError(`--column ${column}: ${n} prices, at least ${minRows} needed`);
  return { dates: table.dates.slice(start), closes: prices.slice(start) };
}
