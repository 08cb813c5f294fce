import { formatPercent } from '@/shared/format/format';
import type { OutcomeGroup, OutcomePortfolio } from './operations';

/** A realized return as a signed percent (`+0.123%`); `—` when there is none. */
export function formatNet(net: number | null | undefined, digits = 3): string {
  if (net == null || !Number.isFinite(net)) return '—';
  const text = (net * 100).toFixed(digits);
  // What rounds to zero is shown unsigned (not `-0.000%`).
  if (Number(text) === 0) return `${(0).toFixed(digits)}%`;
  return `${net > 0 ? '+' : ''}${text}%`;
}

/** A Sharpe ratio with its standard error (`1.23 ± 0.45`); `—` with fewer than two decisions. */
export function formatSharpe(sharpe: number | null, stdErr: number | null): string {
  if (sharpe == null) return '—';
  return `${sharpe.toFixed(2)} ± ${stdErr == null ? '—' : stdErr.toFixed(2)}`;
}

/** The summary groups of the arms whose weights the book held (the shadow is scored, never held). */
export function actedGroups(groups: readonly OutcomeGroup[]): OutcomeGroup[] {
  return groups.filter((g) => g.arm !== null && g.arm !== 'shadow');
}

/** The book a Decisions page opens on: the one given when the ledger has it, else the most recent. */
export function chosenPortfolio(
  books: readonly OutcomePortfolio[],
  wanted: string | null,
): OutcomePortfolio | undefined {
  return books.find((b) => b.portfolioId === wanted) ?? books[0];
}

/** A weight change as a signed percent of the book (`+12.5%`). */
export function formatWeightChange(dw: number): string {
  return `${dw > 0 ? '+' : ''}${formatPercent(dw, 1)}`;
}
