import {
  rolloutGuardNames,
  rolloutGuards,
  rolloutGuardState,
  type RolloutGuards,
} from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { performanceStats } from '../backtest';
import { loadWidePrices } from '../testing/wide-prices';
import { armStats, evaluateGuards, type GuardInputs, type PairedDecision } from './guards';

const DAY = 86_400_000;
const MINUTE = 60_000;
const GUARDS: RolloutGuards = rolloutGuards.parse({});

// Real nets: the candidate holds AAPL, the incumbent WMT, one daily decision per trading day
// of 2016 (both listed all year in daily/stock_prices.csv).
const table = loadWidePrices('daily/stock_prices.csv', { columns: ['AAPL', 'WMT'] });
const from = table.dates.indexOf('2016-01-04');
const to = table.dates.indexOf('2016-12-30');
const dailyReturn = (column: number, t: number) =>
  table.prices[column]![t]! / table.prices[column]![t - 1]! - 1;

function realDecisions(overrides: (i: number) => Partial<PairedDecision> = () => ({})): PairedDecision[] {
  const out: PairedDecision[] = [];
  for (let t = from; t <= to; t++) {
    const asOfMs = Date.parse(`${table.dates[t]!}T00:00:00Z`);
    const i = t - from;
    out.push({
      decisionId: `d${i}`,
      asOfMs,
      decidedAtMs: asOfMs + 21 * 60 * MINUTE,
      candidateNet: dailyReturn(0, t),
      incumbentNet: dailyReturn(1, t),
      candidateActed: i % 4 === 0,
      candidateRiskVerdict: 'approve',
      incumbentRiskVerdict: 'approve',
      servedMs: i % 4 === 0 ? 5 : null,
      ...overrides(i),
    });
  }
  return out;
}

const guard = (input: GuardInputs, guards: RolloutGuards, name: (typeof rolloutGuardNames)[number]) =>
  evaluateGuards(input, guards).find((g) => g.guard === name)!;

const input = (decisions: PairedDecision[], extra: Partial<GuardInputs> = {}): GuardInputs => ({
  now: decisions.at(-1)!.decidedAtMs,
  decisions,
  timeframe: '1d',
  crashes: [],
  ...extra,
});

describe('evaluateGuards', () => {
  it('returns one valid state per guard, in rolloutGuardNames order, none tripped on ordinary data', () => {
    const states = evaluateGuards(input(realDecisions()), GUARDS);
    expect(states.map((s) => s.guard)).toEqual([...rolloutGuardNames]);
    for (const s of states) expect(rolloutGuardState.parse(s)).toEqual(s);
    expect(states.filter((s) => s.tripped)).toEqual([]);
  });

  it('sharpeDrop trips just past maxDropPct of the incumbent over the window, not at it', () => {
    // Here the candidate holds WMT and the incumbent AAPL: AAPL did better late in 2016.
    const decisions = realDecisions().map((d) => ({
      ...d,
      candidateNet: d.incumbentNet,
      incumbentNet: d.candidateNet,
    }));
    const last5Days = decisions.filter((d) => d.asOfMs >= decisions.at(-1)!.asOfMs - 5 * DAY);
    const sharpe = (xs: number[]) => performanceStats(Float64Array.from(xs), { periodsPerYear: 252 }).sharpe;
    // Over 30 days (≥ minDecisions) the real drop of WMT's Sharpe below AAPL's, in %.
    const windowDays = 30;
    const inWindow = decisions.filter((d) => d.asOfMs >= decisions.at(-1)!.asOfMs - windowDays * DAY);
    const candidate = sharpe(inWindow.map((d) => d.candidateNet));
    const incumbent = sharpe(inWindow.map((d) => d.incumbentNet));
    const dropPct = ((incumbent - candidate) / Math.abs(incumbent)) * 100;
    expect(dropPct).toBeGreaterThan(0); // the data has a real drop to judge
    const at = (maxDropPct: number) =>
      guard(
        input(decisions),
        { ...GUARDS, sharpeDrop: { windowDays, maxDropPct, minDecisions: 20 } },
        'sharpeDrop',
      );
    const tripped = at(dropPct * 0.999);
    expect(tripped.tripped).toBe(true);
    expect(tripped.value).toBeCloseTo(candidate, 12);
    expect(tripped.samples).toBe(inWindow.length);
    expect(tripped.detail).toMatch(/candidate Sharpe .* vs incumbent .* over \d+ decisions in the last 30 d/);
    expect(at(dropPct * 1.001).tripped).toBe(false);
    // The default 5-day window holds fewer than minDecisions daily decisions: no judgement.
    const fewer = guard(input(decisions), GUARDS, 'sharpeDrop');
    expect(fewer).toMatchObject({ value: null, tripped: false, samples: last5Days.length });
  });

  it('sharpeDrop only reads the window: a terrible candidate before it does not count', () => {
    const decisions = realDecisions((i) => (i < 150 ? { candidateNet: -0.05 + 0.001 * (i % 3) } : {}));
    const lastDay = decisions.at(-1)!.asOfMs;
    const guards = { ...GUARDS, sharpeDrop: { windowDays: 60, maxDropPct: 1000, minDecisions: 20 } };
    expect(decisions.filter((d) => d.asOfMs < lastDay - 60 * DAY).length).toBeGreaterThan(150);
    expect(guard(input(decisions), guards, 'sharpeDrop').tripped).toBe(false);
    expect(
      guard(
        input(decisions),
        { ...guards, sharpeDrop: { ...guards.sharpeDrop, windowDays: 365 } },
        'sharpeDrop',
      ).tripped,
    ).toBe(true);
  });

  it('latency trips when the P95 of candidate-acted decisions in the window exceeds p95Ms, not at it', () => {
    // 40 candidate decisions in the last 15 minutes, served in 100..295 ms; P95 (type 7) = 285.25.
    const now = Date.parse('2016-12-30T21:00:00Z');
    const decisions = realDecisions()
      .slice(0, 80)
      .map((d, i) => ({
        ...d,
        decidedAtMs: now - 14 * MINUTE + i * 10_000,
        candidateActed: i % 2 === 0,
        servedMs: i % 2 === 0 ? 100 + (i / 2) * 5 : null,
      }));
    const served = decisions.filter((d) => d.candidateActed).map((d) => d.servedMs!);
    const sorted = [...served].sort((a, b) => a - b);
    const h = (sorted.length - 1) * 0.95;
    const p95 =
      sorted[Math.floor(h)]! + (h - Math.floor(h)) * (sorted[Math.floor(h) + 1]! - sorted[Math.floor(h)]!);
    const at = (p95Ms: number) =>
      guard(
        input(decisions, { now }),
        { ...GUARDS, latency: { p95Ms, windowMinutes: 15, minDecisions: 20 } },
        'latency',
      );
    expect(at(p95).tripped).toBe(false);
    expect(at(p95 - 0.01)).toMatchObject({ tripped: true, value: p95, samples: 40 });
    expect(at(p95 - 0.01).detail).toBe(
      `P95 ${p95.toFixed(1)} ms over 40 candidate decisions in 15 min (limit ${p95 - 0.01} ms)`,
    );
    // Decisions older than the window, or the incumbent's, do not count.
    const later = guard(input(decisions, { now: now + 15 * MINUTE }), GUARDS, 'latency');
    expect(later.samples).toBeLessThan(40);
    const tooFew = guard(
      input(decisions, { now }),
      { ...GUARDS, latency: { ...GUARDS.latency, minDecisions: 41 } },
      'latency',
    );
    expect(tooFew).toMatchObject({ value: null, tripped: false, samples: 40 });
  });

  it('crashes trips above maxCrashes within windowHours, not at it', () => {
    const decisions = realDecisions();
    const now = decisions.at(-1)!.decidedAtMs;
    const hour = 60 * MINUTE;
    const three = [now - hour, now - 5 * hour, now - 24 * hour];
    expect(guard(input(decisions, { crashes: three }), GUARDS, 'crashes')).toMatchObject({
      value: 3,
      tripped: false,
    });
    expect(guard(input(decisions, { crashes: [...three, now] }), GUARDS, 'crashes')).toMatchObject({
      value: 4,
      tripped: true,
      detail: '4 engine crashes in 24 h (limit 3)',
    });
    expect(
      guard(input(decisions, { crashes: [...three, now - 24 * hour - 1] }), GUARDS, 'crashes').tripped,
    ).toBe(false);
  });

  it('riskViolations trips above maxViolations proposals over the limits in one session (a bar day), not when they spread over days', () => {
    const decisions = realDecisions();
    // Extra refused proposals decided minutes apart on the first day (2016-01-04).
    const refusedOnFirstDay = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        ...decisions[0]!,
        decisionId: `extra${i}`,
        decidedAtMs: decisions[0]!.decidedAtMs + (i + 1) * MINUTE,
        candidateRiskVerdict: 'reject' as const,
      }));
    const at = (extra: PairedDecision[]) => guard(input([...decisions, ...extra]), GUARDS, 'riskViolations');
    expect(at(refusedOnFirstDay(2))).toMatchObject({ value: 2, tripped: false });
    const tripped = at(refusedOnFirstDay(3));
    expect(tripped).toMatchObject({ value: 3, tripped: true, samples: decisions.length + 3 });
    expect(tripped.detail).toBe(
      "3 candidate proposals over the risk limits (cut or refused; the incumbent's passed) on 2016-01-04 (limit 2 per session)",
    );
    // Five refusals on five different days: one per session.
    const spread = realDecisions((i) => (i < 5 ? { candidateRiskVerdict: 'reject' } : {}));
    expect(guard(input(spread), GUARDS, 'riskViolations')).toMatchObject({ value: 1, tripped: false });
    // A replay decides years of bars in minutes: a session is the bars' day, not the wall clock's.
    const replayed = realDecisions((i) =>
      i < 5 ? { candidateRiskVerdict: 'reject', decidedAtMs: decisions[0]!.decidedAtMs + i * MINUTE } : {},
    );
    expect(guard(input(replayed), GUARDS, 'riskViolations')).toMatchObject({ value: 1, tripped: false });
    // A proposal cut down to the limit breached it as much as a refused one.
    const resized = refusedOnFirstDay(3).map((d) => ({ ...d, candidateRiskVerdict: 'resize' as const }));
    expect(at(resized)).toMatchObject({ value: 3, tripped: true });
    // Held back for both sets: the book was at the limit, not the candidate's doing.
    for (const incumbentRiskVerdict of ['reject', 'resize'] as const) {
      const both = refusedOnFirstDay(3).map((d) => ({ ...d, incumbentRiskVerdict }));
      expect(at(both)).toMatchObject({ value: 0, tripped: false });
    }
  });
});

describe('armStats', () => {
  it("summarises each arm's nets and counts the decisions it acted on", () => {
    const decisions = realDecisions();
    const candidate = armStats(decisions, 'candidate', 'cand v2', '1d');
    const incumbent = armStats(decisions, 'incumbent', 'prod v1', '1d');
    const acted = decisions.filter((d) => d.candidateActed).length;
    expect(candidate).toMatchObject({ label: 'cand v2', decisions: decisions.length, acted });
    expect(incumbent).toMatchObject({
      label: 'prod v1',
      decisions: decisions.length,
      acted: decisions.length - acted,
    });
    const sharpe = performanceStats(
      Float64Array.from(decisions, (d) => d.candidateNet),
      { periodsPerYear: 252 },
    ).sharpe;
    expect(candidate.sharpe).toBeCloseTo(sharpe, 12);
    expect(candidate.meanNet).toBeCloseTo(
      decisions.reduce((s, d) => s + d.candidateNet, 0) / decisions.length,
      15,
    );
    expect(armStats(decisions.slice(0, 1), 'candidate', 'c', '1d')).toMatchObject({
      sharpe: null,
      decisions: 1,
    });
    expect(armStats([], 'incumbent', 'i', '1d')).toMatchObject({ meanNet: null, sharpe: null, acted: 0 });
    const flat = decisions.map((d) => ({ ...d, incumbentNet: 0 }));
    expect(armStats(flat, 'incumbent', 'i', '1h').sharpe).toBeNull();
  });
});
