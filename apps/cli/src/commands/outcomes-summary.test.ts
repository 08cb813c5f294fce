import type { DecisionReturn } from '@tradeplane/db';
import { summarizeDecisionReturns } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { formatOutcomeTable } from './outcomes-summary';

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
