import { describe, expect, it } from 'vitest';
import { summarizeDecisionReturns, type DecisionOutcomeReturn } from './grouping';
import { summarizeOutcomes } from './outcomes';

function row(
  over: Partial<DecisionOutcomeReturn> & Pick<DecisionOutcomeReturn, 'net'>,
): DecisionOutcomeReturn {
  return {
    arm: 'production',
    modelLabel: 'm1',
    timeframe: '1d',
    asOf: new Date('2024-01-02T21:00:00Z'),
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
    const models = summarizeDecisionReturns(rows, 'model');
    expect(models.map((g) => [g.group, g.arm, g.modelLabel])).toEqual([
      ['m1 (production)', 'production', 'm1'],
      ['m2 (shadow)', 'shadow', 'm2'],
    ]);
    const days = summarizeDecisionReturns(rows, 'day');
    expect(days.map((g) => [g.group, g.decisions])).toEqual([
      ['2024-01-02', 2],
      ['2024-01-03', 1],
      ['2024-01-04', 2],
    ]);
    expect(days.every((g) => g.arm === null && g.modelLabel === null)).toBe(true);
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
