import type { OutcomeRecord, OutcomeStatusCount, PortfolioStep } from '@tradeplane/db';
import { summarizeDecisionReturns, type DecisionOutcomeReturn } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { equityCurve, outcomeArms, sampleIndices, summaryGroups } from './present-outcome';

function record(over: Partial<OutcomeRecord>): OutcomeRecord {
  return {
    decisionId: '01JEXAMPLE0000000000000000',
    symbol: 'AAPL',
    arm: 'production',
    acted: true,
    decidedAt: new Date('2024-01-02T21:00:01Z'),
    modelVersions: { momentum: 2 },
    modelLabel: 'momentum@v2',
    portfolioId: 'paper',
    requestKey: 'k',
    timeframe: '1d',
    asOf: new Date('2024-01-02T21:00:00Z'),
    barTime: new Date('2024-01-02T00:00:00Z'),
    nextBarTime: new Date('2024-01-03T00:00:00Z'),
    currentWeight: 0.1,
    targetWeight: 0.3,
    assetReturn: 0.01,
    gross: 0.003,
    costBps: 10,
    cost: 0.0002,
    net: 0.0028,
    riskVerdict: 'approve',
    bindingRule: null,
    servedMs: 0.8,
    status: 'recorded',
    recordedAt: new Date('2024-01-03T00:00:01Z'),
    ...over,
  };
}

describe('outcomeArms', () => {
  it('sums each arm over its targets, in row order', () => {
    const arms = outcomeArms([
      record({}),
      record({ symbol: 'WMT', gross: -0.001, net: -0.0012 }),
      record({ arm: 'shadow', acted: false, modelLabel: 'momentum@v3', gross: 0.002, net: 0.0018 }),
    ]);
    expect(arms.map((a) => [a.arm, a.acted, a.status])).toEqual([
      ['production', true, 'recorded'],
      ['shadow', false, 'recorded'],
    ]);
    expect(arms[0]!.net).toBeCloseTo(0.0016, 12);
    expect(arms[0]!.gross).toBeCloseTo(0.002, 12);
    expect(arms[0]!.cost).toBeCloseTo(0.0004, 12);
    expect(arms[0]!.turnover).toBeCloseTo(0.4, 12);
    expect(arms[0]!.modelVersions).toEqual([{ name: 'momentum', version: 2 }]);
  });

  it('leaves an arm waiting, with no result, while any of its targets waits', () => {
    const waiting = {
      status: 'waiting' as const,
      gross: null,
      net: null,
      assetReturn: null,
      nextBarTime: null,
    };
    for (const rows of [
      [record({}), record({ symbol: 'WMT', ...waiting })],
      [record({ symbol: 'WMT', ...waiting }), record({})],
    ]) {
      const [arm] = outcomeArms(rows);
      expect(arm).toMatchObject({ status: 'waiting', gross: null, net: null });
      expect(arm!.cost).toBeCloseTo(0.0004, 12);
    }
  });
});

describe('sampleIndices', () => {
  it('keeps every index up to maxPoints, else evenly spaced ones with the first and the last', () => {
    expect(sampleIndices(3, 5)).toEqual([0, 1, 2]);
    expect(sampleIndices(0, 5)).toEqual([]);
    expect(sampleIndices(11, 3)).toEqual([0, 5, 10]);
    expect(sampleIndices(10, 1)).toEqual([9]);
    const many = sampleIndices(100_000, 500);
    expect(many).toHaveLength(500);
    expect(many[0]).toBe(0);
    expect(many.at(-1)).toBe(99_999);
    expect(many.every((v, i) => i === 0 || v > many[i - 1]!)).toBe(true);
  });
});

describe('equityCurve', () => {
  const step = (net: number | null, k: number): PortfolioStep => ({
    decisionId: `d${k}`,
    asOf: new Date(Date.UTC(2024, 0, 2 + k)),
    net,
    gross: net,
    cost: 0,
    turnover: 0.1,
    riskVerdict: 'approve',
  });

  it('compounds the recorded nets from 1 and carries the equity over a waiting decision', () => {
    const curve = equityCurve([0.1, null, -0.5].map(step), 500);
    expect(curve.points.map((p) => p.equity)).toEqual([1.1, 1.1, 0.55]);
    expect(curve.points[1]!.net).toBeNull();
    expect(curve.finalEquity).toBeCloseTo(0.55, 12);
    expect(curve.decisions).toBe(3);
  });

  it('computes on every decision before downsampling', () => {
    const nets = Array.from({ length: 1000 }, (_, k) => (k % 2 ? 0.01 : -0.005));
    const curve = equityCurve(nets.map(step), 10);
    expect(curve.points).toHaveLength(10);
    expect(curve.decisions).toBe(1000);
    expect(curve.points.at(-1)!.equity).toBeCloseTo(curve.finalEquity, 12);
    expect(curve.finalEquity).toBeCloseTo(
      nets.reduce((e, n) => e * (1 + n), 1),
      10,
    );
  });

  it('is flat at 1 with no decision', () => {
    expect(equityCurve([], 500)).toEqual({ decisions: 0, points: [], finalEquity: 1 });
  });
});

describe('summaryGroups', () => {
  const ret = (over: Partial<DecisionOutcomeReturn>): DecisionOutcomeReturn => ({
    arm: 'production',
    modelLabel: 'm@v1',
    timeframe: '1d',
    asOf: new Date('2024-01-02T21:00:00Z'),
    net: 0.01,
    cost: 0,
    turnover: 0.2,
    riskRuleHit: false,
    ...over,
  });
  const count = (over: Partial<OutcomeStatusCount>): OutcomeStatusCount => ({
    arm: 'production',
    modelLabel: 'm@v1',
    timeframe: '1d',
    day: '2024-01-02',
    recorded: 0,
    waiting: 0,
    ...over,
  });

  it('adds the recorded and waiting counts of each group and lists a group that only waits', () => {
    const returns = [ret({}), ret({ net: -0.02, asOf: new Date('2024-01-03T21:00:00Z') })];
    const counts = [
      count({ recorded: 1, waiting: 1 }),
      count({ day: '2024-01-03', recorded: 1 }),
      count({ arm: 'shadow', day: '2024-01-03', waiting: 2 }),
    ];
    const groups = summaryGroups(summarizeDecisionReturns(returns, 'arm'), counts, 'arm');
    expect(groups.map((g) => [g.group, g.decisions, g.recorded, g.waiting])).toEqual([
      ['production', 2, 2, 1],
      ['shadow', 0, 0, 2],
    ]);
    expect(groups[1]).toMatchObject({ arm: 'shadow', totalNet: null, sharpe: null, hitRate: null });
    expect(groups[0]!.sharpe).toBeTypeOf('number');
    const days = summaryGroups(summarizeDecisionReturns(returns, 'day'), counts, 'day');
    expect(days.map((g) => [g.group, g.arm, g.recorded, g.waiting])).toEqual([
      ['2024-01-02', null, 1, 1],
      ['2024-01-03', null, 1, 2],
    ]);
  });

  it('answers null, never NaN, for the figures one decision cannot give', () => {
    const [g] = summaryGroups(summarizeDecisionReturns([ret({})], 'model'), [], 'model');
    expect(g).toMatchObject({
      group: 'm@v1 (production)',
      modelLabel: 'm@v1',
      sharpe: null,
      sharpeStdErr: null,
    });
    expect(g!.recorded).toBe(1);
  });
});
