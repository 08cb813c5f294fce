import { describe, expect, it } from 'vitest';
import { actedGroups, chosenPortfolio, formatNet, formatSharpe, formatWeightChange } from './outcomeFormat';
import type { OutcomeGroup, OutcomePortfolio } from './operations';

const group = (over: Partial<OutcomeGroup>): OutcomeGroup => ({
  group: 'production',
  arm: 'production',
  timeframe: '1d',
  decisions: 3,
  totalNet: 0.01,
  sharpe: 1.5,
  sharpeStdErr: 0.6,
  hitRate: 0.5,
  maxDrawdown: 0.02,
  riskRuleHits: 0,
  recorded: 3,
  waiting: 0,
  ...over,
});

const book = (portfolioId: string): OutcomePortfolio => ({
  portfolioId,
  decisions: 1,
  recorded: 1,
  waiting: 0,
  firstAsOf: '2018-01-02T21:00:00Z',
  lastAsOf: '2018-01-02T21:00:00Z',
});

describe('outcome formatting', () => {
  it('signs realized returns and dashes a missing one', () => {
    expect(formatNet(0.001234)).toBe('+0.123%');
    expect(formatNet(-0.02, 2)).toBe('-2.00%');
    expect(formatNet(0)).toBe('0.000%');
    expect(formatNet(-1e-7)).toBe('0.000%');
    expect(formatNet(4e-6)).toBe('0.000%');
    expect(formatNet(null)).toBe('—');
    expect(formatNet(undefined)).toBe('—');
  });

  it('writes a Sharpe with its standard error', () => {
    expect(formatSharpe(1.234, 0.456)).toBe('1.23 ± 0.46');
    expect(formatSharpe(null, null)).toBe('—');
    expect(formatWeightChange(0.125)).toBe('+12.5%');
    expect(formatWeightChange(-0.05)).toBe('-5.0%');
  });

  it('keeps the held arms, not the shadow or the all-arm days', () => {
    const groups = [
      group({}),
      group({ group: 'canary', arm: 'canary' }),
      group({ group: 'shadow', arm: 'shadow' }),
    ];
    expect(actedGroups(groups).map((g) => g.group)).toEqual(['production', 'canary']);
    expect(actedGroups([group({ group: '2018-01-02', arm: null })])).toEqual([]);
  });

  it('opens on the book asked for when the ledger has it, else the most recent one', () => {
    const books = [book('paper-b'), book('paper-a')];
    expect(chosenPortfolio(books, 'paper-a')?.portfolioId).toBe('paper-a');
    expect(chosenPortfolio(books, 'gone')?.portfolioId).toBe('paper-b');
    expect(chosenPortfolio(books, null)?.portfolioId).toBe('paper-b');
    expect(chosenPortfolio([], null)).toBeUndefined();
  });
});
