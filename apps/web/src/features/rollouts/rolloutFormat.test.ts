import { describe, expect, it } from 'vitest';
import {
  byIncreasingN,
  currentStepLabel,
  diffCurveSeries,
  evidenceLog10,
  evidenceSeries,
  formatBps,
  formatEvidence,
  formatGuardComparison,
  formatMinutes,
  formatStep,
  guardTripsBelow,
  manualActions,
  mdeSentence,
  needsConfirmation,
  verdictSentence,
} from './rolloutFormat';

describe('rollout formatting', () => {
  it('names steps as a person says them', () => {
    expect(formatStep({ percent: 0 })).toBe('shadow');
    expect(formatStep({ percent: 25 })).toBe('canary 25 %');
    expect(formatStep({ percent: 12.5 })).toBe('canary 12.5 %');
    expect(currentStepLabel({ index: 2, percent: 25 }, 5)).toBe('canary 25 % · step 3 of 5');
  });

  it('writes per-decision returns in basis points, signed, and zero unsigned', () => {
    expect(formatBps(0.00031)).toBe('+3.1 bp');
    expect(formatBps(-0.000125, 2)).toBe('-1.25 bp');
    expect(formatBps(-0.000001)).toBe('0.0 bp');
    expect(formatBps(null)).toBe('—');
  });

  it('writes durations in the largest unit', () => {
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(90)).toBe('1.5 h');
    expect(formatMinutes(7 * 24 * 60)).toBe('7 d');
  });

  it('states the minimum detectable effect in words', () => {
    expect(mdeSentence(412, 0.00031)).toBe(
      'At n = 412 the test would detect a mean difference of ±3.1 bp per decision.',
    );
    expect(mdeSentence(12, null)).toMatch(/^At n = 12 the test cannot call any difference yet/);
  });

  it('says which evidence decided the verdict against the threshold', () => {
    const base = { evidenceWorse: 0.5, evidenceNotWorse: 31.4, threshold: 20, n: 400 };
    expect(verdictSentence({ ...base, verdict: 'NOT_WORSE' })).toBe('Not worse: evidence 31.40 ≥ 20.00.');
    expect(verdictSentence({ ...base, verdict: 'INCONCLUSIVE' })).toBe(
      'Inconclusive: evidence worse 0.50, not worse 31.40; either needs 20.00.',
    );
    expect(verdictSentence({ ...base, verdict: 'INSUFFICIENT', n: 12 })).toBe(
      'Too few paired decisions (12) for a verdict.',
    );
  });

  it('writes e-values across orders of magnitude', () => {
    expect(formatEvidence(3.2)).toBe('3.20');
    expect(formatEvidence(140_000)).toBe('1.4e+5');
    expect(formatEvidence(0.002)).toBe('2.0e-3');
    expect(formatEvidence(0)).toBe('0');
  });

  it('trips the Sharpe drop guard below its threshold and the others above', () => {
    expect(guardTripsBelow('SHARPE_DROP')).toBe(true);
    expect(guardTripsBelow('LATENCY')).toBe(false);
    expect(guardTripsBelow('CRASHES')).toBe(false);
    expect(guardTripsBelow('RISK_VIOLATIONS')).toBe(false);
    const g = { samples: 40, tripped: false, detail: '' };
    expect(formatGuardComparison({ ...g, guard: 'SHARPE_DROP', value: 0.41, threshold: 0.52 })).toBe(
      '0.41 (trips below 0.52)',
    );
    expect(formatGuardComparison({ ...g, guard: 'LATENCY', value: 187.4, threshold: 200 })).toBe(
      '187 ms (trips above 200 ms)',
    );
    expect(formatGuardComparison({ ...g, guard: 'CRASHES', value: null, threshold: 3 })).toBe(
      '— (trips above 3)',
    );
  });

  it('offers the available manual actions in button order and confirms promote and abort', () => {
    expect(manualActions(['ABORT', 'ADVANCE', 'PAUSE', 'PROMOTE'])).toEqual(['PAUSE', 'PROMOTE', 'ABORT']);
    expect(manualActions([])).toEqual([]);
    expect(needsConfirmation('PROMOTE')).toBe(true);
    expect(needsConfirmation('ABORT')).toBe(true);
    expect(needsConfirmation('PAUSE')).toBe(false);
    expect(needsConfirmation('RESUME')).toBe(false);
  });
});

describe('chart series', () => {
  it('keep one point per n, the last one, in increasing n', () => {
    expect(
      byIncreasingN([
        { n: 3, v: 'a' },
        { n: 1, v: 'b' },
        { n: 3, v: 'c' },
      ]),
    ).toEqual([
      { n: 1, v: 'b' },
      { n: 3, v: 'c' },
    ]);
  });

  it('plot the cumulative difference and its band in basis points', () => {
    const curve = [
      { n: 1, asOf: '2019-01-02T00:00:00Z', cumulative: 0.0001, lower: -0.002, upper: 0.0022 },
      { n: 2, asOf: '2019-01-03T00:00:00Z', cumulative: 0.0003, lower: -0.0025, upper: 0.0031 },
    ];
    const s = diffCurveSeries(curve);
    expect(s.cumulative.map((p) => p.value)).toEqual([1, 3].map((v) => expect.closeTo(v, 9)));
    expect(s.lower[1]!.value).toBeCloseTo(-25, 9);
    expect(s.upper.map((p) => p.n)).toEqual([1, 2]);
  });

  it('plot evidence as log10, with zero evidence kept on the chart', () => {
    const point = (n: number, worse: number, notWorse: number) => ({
      at: '2026-12-07T00:00:00Z',
      stepIndex: 0,
      n,
      evidenceWorse: worse,
      evidenceNotWorse: notWorse,
      meanDiff: null,
      halfWidth: null,
    });
    const s = evidenceSeries([point(30, 1, 0.1), point(60, 0, 1000)]);
    expect(s.worse).toEqual([
      { n: 30, value: 0 },
      { n: 60, value: evidenceLog10(0) },
    ]);
    expect(Number.isFinite(s.worse[1]!.value)).toBe(true);
    expect(s.notWorse.map((p) => p.value)).toEqual([-1, 3]);
  });
});
