import type { DecisionReturn } from '@tradeplane/db';
import { summarizeOutcomes } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { formatOutcomeTable, summarizeDecisionReturns } from './outcomes-summary';

let seq = 0;
function row(over: Partial<DecisionReturn> & Pick<DecisionReturn, 'net'>): DecisionReturn {
  return {
    decisionId: `d${seq++}`,
    arm: 'production',
    modelLabel: 'm1',
    timeframe: '1d',
    asOf: new Date('2024-01-02T21:00:00Z'),
    gross: over.net,
    cost: 0,
    turnover: 0.5,
    riskRuleHit: false,
    ...over,
  };
}

describe('summarizeDecisionReturns', () => {
  const rows = [
    row({ net: 0.01, asOf: new Date('2024-01-02T21:00:00Z') }),
    row({ net: -0.02, arm: 'shadow', modelLabel: 'm2', asOf: new Date('2024-01-02T21:00:00Z') }),
    row({ net: -0.005, riskRuleHit: true, cost: 2e-4, asOf: new Date('2024-01-03T21:00:00Z') }),
    row({ net: 0.02, asOf: new Date('2024-01-04T21:00:00Z') }),
    row({ net: 0.03, arm: 'shadow', modelLabel: 'm2', asOf: new Date('2024-01-04T21:00:00Z') }),
  ];

  it('by arm equals summarizeOutcomes of each arm’s series in asOf order', () => {
    const groups = summarizeDecisionReturns(rows, 'arm');
    expect(groups.map((g) => g.group)).toEqual(['production', 'shadow']);
    const prod = rows.filter((r) => r.arm === 'production');
    const expected = summarizeOutcomes(
      Float64Array.from(prod, (r) => r.net),
      Float64Array.from(prod, (r) => r.turnover),
      { periodsPerYear: 252, riskRuleHits: 1 },
    );
    expect(groups[0]).toMatchObject({ timeframe: '1d', ...expected });
    expect(groups[0]!.meanCost).toBeCloseTo(2e-4 / 3, 15);
    expect(groups[1]!.decisions).toBe(2);
    expect(groups[1]!.riskRuleHits).toBe(0);
  });

  it('by model keeps a model’s arms apart; by day uses the UTC day of asOf', () => {
    expect(summarizeDecisionReturns(rows, 'model').map((g) => g.group)).toEqual([
      'm1 (production)',
      'm2 (shadow)',
    ]);
    const days = summarizeDecisionReturns(rows, 'day');
    expect(days.map((g) => [g.group, g.decisions])).toEqual([
      ['2024-01-02', 2],
      ['2024-01-03', 1],
      ['2024-01-04', 2],
    ]);
  });

  it('summarises each timeframe on its own (annualisation differs)', () => {
    const mixed = [row({ net: 0.01 }), row({ net: 0.02 }), row({ net: 0.01, timeframe: '1h' })];
    const groups = summarizeDecisionReturns(mixed, 'arm');
    expect(groups.map((g) => [g.group, g.timeframe, g.decisions])).toEqual([
      ['production', '1d', 2],
      ['production', '1h', 1],
    ]);
    expect(groups[1]!.sharpe).toBeNaN();
  });

  it('is empty for no rows', () => {
    expect(summarizeDecisionReturns([], 'day')).toEqual([]);
  });
});

describe('formatOutcomeTable', () => {
  it('prints one aligned line per group, dashes for NaN statistics', () => {
    const groups = summarizeDecisionReturns([row({ net: 0.01 }), row({ net: 0.01, arm: 'canary' })], 'arm');
    const lines = formatOutcomeTable(groups, 'arm').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^arm\s+tf\s+decisions\s+net\s+sharpe ± se\s+hit rate\s+turnover\s+max dd\s+risk hits$/,
    );
    expect(lines[1]).toMatch(/^canary\s+1d\s+1\s+1\.00%\s+– ± –\s+100\.00%\s+0\.500\s+0\.00%\s+0$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('says so when nothing matches', () => {
    expect(formatOutcomeTable([], 'model')).toBe('no recorded decisions match');
  });
});
