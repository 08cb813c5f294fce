import { describe, expect, it } from 'vitest';
import { forwardFilter } from './filter';
import { fittedStates, labelStates, regimeProbabilities } from './labels';
import type { HmmParams } from './model';
import { meanBetween, spyRegimeFixture } from './testing/spy-fit';

const uniform3 = [
  [0.8, 0.1, 0.1],
  [0.1, 0.8, 0.1],
  [0.1, 0.1, 0.8],
];

function params(means: number[], vars: number[]): HmmParams {
  return {
    pi: [1 / 3, 1 / 3, 1 / 3],
    transition: uniform3,
    means: means.map((m) => [m, 0.01]),
    vars: vars.map((v) => [v, 1e-5]),
  };
}

describe('labelStates', () => {
  it('bear = most volatile negative-mean state, bull = best mean/σ of the rest', () => {
    expect(labelStates(params([6e-4, 2e-4, -1e-4], [3.5e-5, 1.2e-4, 5e-4]))).toEqual([
      'bull',
      'sideways',
      'bear',
    ]);
    // Two negative means: the volatile one is bear (the calmer falling state is sideways).
    expect(labelStates(params([-3e-4, -1e-4, 5e-4], [1e-5, 9e-4, 1e-4]))).toEqual([
      'sideways',
      'bear',
      'bull',
    ]);
    // A very volatile state with the highest mean is not bull: mean/σ ranks it below a calm drift.
    expect(labelStates(params([2e-4, -1e-4, 8e-4], [1e-5, 9e-4, 1e-2]))).toEqual([
      'bull',
      'bear',
      'sideways',
    ]);
    // No negative mean: lowest mean is bear.
    expect(labelStates(params([5e-4, 1e-4, 3e-4], [1e-4, 1e-4, 1e-4]))).toEqual(['bull', 'bear', 'sideways']);
  });

  it('does not depend on the state order', () => {
    const means = [6e-4, 2e-4, -1e-4];
    const vars = [3.5e-5, 1.2e-4, 5e-4];
    const base = labelStates(params(means, vars));
    for (const perm of [
      [2, 0, 1],
      [1, 2, 0],
      [0, 2, 1],
    ]) {
      const labels = labelStates(
        params(
          perm.map((i) => means[i]!),
          perm.map((i) => vars[i]!),
        ),
      );
      expect(labels).toEqual(perm.map((i) => base[i]));
    }
  });

  it('shapes probabilities and fitted states by label, not by state index', () => {
    const labels = ['sideways', 'bull', 'bear'] as const;
    const rows = regimeProbabilities([Float64Array.of(0.2, 0.5, 0.3)], labels, ['2020-01-02']);
    expect(rows).toEqual([{ date: '2020-01-02', bull: 0.5, bear: 0.3, sideways: 0.2 }]);
    expect(regimeProbabilities([[1, 0, 0]], labels)).toEqual([{ bull: 0, bear: 0, sideways: 1 }]);
    const states = fittedStates(params([0, 1e-3, -1e-3], [1, 2, 3]), [...labels]);
    expect(states.map((s) => [s.label, s.state, s.mean[0]])).toEqual([
      ['bull', 1, 1e-3],
      ['bear', 2, -1e-3],
      ['sideways', 0, 0],
    ]);
  });
});

describe('regimes on SPY history', () => {
  const { obs, obsDates, fit } = spyRegimeFixture();
  const labels = labelStates(fit.params);
  const rows = regimeProbabilities(forwardFilter(obs, fit.params), labels, obsDates);
  const bull = rows.map((r) => r.bull);
  const bear = rows.map((r) => r.bear);

  it('labels one state each bull, bear and sideways', () => {
    expect([...labels].sort()).toEqual(['bear', 'bull', 'sideways']);
    expect(fittedStates(fit.params, labels).map((s) => s.label)).toEqual(['bull', 'bear', 'sideways']);
  });

  it('P(bear) is higher in Oct 2008 – Mar 2009 than in 2013–2014', () => {
    const crisis = meanBetween(bear, obsDates, '2008-10-01', '2009-03-31');
    const calm = meanBetween(bear, obsDates, '2013-01-01', '2014-12-31');
    expect(crisis).toBeGreaterThan(calm);
    expect(crisis).toBeGreaterThan(0.5);
  });

  it('P(bull) is higher in 2013–2014 than in late 2008', () => {
    const calm = meanBetween(bull, obsDates, '2013-01-01', '2014-12-31');
    const late2008 = meanBetween(bull, obsDates, '2008-09-01', '2008-12-31');
    expect(calm).toBeGreaterThan(late2008);
    expect(calm).toBeGreaterThan(0.5);
  });

  it('rows carry the observation dates and sum to 1', () => {
    expect(rows[0]!.date).toBe(obsDates[0]);
    expect(rows.at(-1)!.date).toBe('2019-12-09');
    for (const r of rows) expect(Math.abs(r.bull + r.bear + r.sideways - 1)).toBeLessThan(1e-12);
  });
});
