/**
 * The rollout's guards: the seed's four rollback triggers, each judged on its own window and
 * acting at once whatever the sequential test says (contracts `rolloutGuards` has their
 * parameters and defaults). On their own they are weak statistics (a 5-day Sharpe has a
 * standard error near 7 in annual units); they catch breakage, the test judges the model.
 */
import {
  rolloutGuardNames,
  type RolloutArmStats,
  type RolloutGuardName,
  type RolloutGuards,
  type RolloutGuardState,
} from '@tradeplane/contracts';
import { performanceStats } from '../backtest';
import { periodsPerYear, utcDay } from '../outcomes';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** One decision with both arms' realized results on the same opportunity. */
export interface PairedDecision {
  decisionId: string;
  asOfMs: number;
  decidedAtMs: number;
  candidateNet: number;
  incumbentNet: number;
  candidateActed: boolean;
  candidateRiskVerdict: 'approve' | 'resize' | 'reject';
  /** The incumbent's verdict on the same decision: a limit both sets met comes from the book, not the candidate. */
  incumbentRiskVerdict: 'approve' | 'resize' | 'reject';
  servedMs: number | null;
}

export interface GuardInputs {
  now: number; // epoch ms
  /** Paired decisions (rollout order): candidate and incumbent net, asOf ms, decided-at ms, whether the candidate acted, the candidate's risk verdict, its engine totalMs when it acted (null otherwise). */
  decisions: readonly PairedDecision[];
  timeframe: string; // for periodsPerYear (packages/quant/src/outcomes periodsPerYear)
  /** Engine processes that died without a clean stop, with the time each was noticed (epoch ms). */
  crashes: readonly number[];
}

/** Annualised Sharpe (sample sd, risk-free 0, as performanceStats); null under 2 values or zero spread. */
function sharpeOrNull(net: Float64Array, timeframe: string): number | null {
  if (net.length < 2) return null;
  const sharpe = performanceStats(net, { periodsPerYear: periodsPerYear(timeframe) }).sharpe;
  return Number.isFinite(sharpe) ? sharpe : null;
}

export function armStats(
  decisions: readonly PairedDecision[],
  side: 'candidate' | 'incumbent',
  label: string,
  timeframe: string,
): RolloutArmStats {
  const net = Float64Array.from(decisions, (d) => (side === 'candidate' ? d.candidateNet : d.incumbentNet));
  let sum = 0;
  for (const x of net) sum += x;
  // The incumbent acts on every decision the candidate does not.
  const acted = decisions.filter((d) => d.candidateActed === (side === 'candidate')).length;
  return {
    label,
    decisions: decisions.length,
    acted,
    meanNet: net.length > 0 ? sum / net.length : null,
    sharpe: sharpeOrNull(net, timeframe),
  };
}

/** Type 7 quantile (linear between order statistics, NumPy's default), as historicalVar reads it. */
function quantile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (lo + 1 < sorted.length ? (h - lo) * (sorted[lo + 1]! - sorted[lo]!) : 0);
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);

function sharpeDropGuard(input: GuardInputs, g: RolloutGuards['sharpeDrop']): RolloutGuardState {
  const latest = input.decisions.reduce((m, d) => Math.max(m, d.asOfMs), -Infinity);
  const from = latest - g.windowDays * MS_PER_DAY;
  const inWindow = input.decisions.filter((d) => d.asOfMs >= from);
  const candidate = sharpeOrNull(
    Float64Array.from(inWindow, (d) => d.candidateNet),
    input.timeframe,
  );
  const incumbent = sharpeOrNull(
    Float64Array.from(inWindow, (d) => d.incumbentNet),
    input.timeframe,
  );
  // The floor the candidate's Sharpe must stay at or above.
  const floor = incumbent === null ? 0 : incumbent - (g.maxDropPct / 100) * Math.abs(incumbent);
  const base = { guard: 'sharpeDrop' as const, samples: inWindow.length, threshold: floor };
  const days = `${g.windowDays} d`;
  if (inWindow.length < g.minDecisions)
    return {
      ...base,
      value: null,
      tripped: false,
      detail: `${inWindow.length} decisions in the last ${days} (needs ${g.minDecisions} to judge the Sharpe drop)`,
    };
  if (candidate === null || incumbent === null)
    return {
      ...base,
      value: null,
      tripped: false,
      detail: `no Sharpe over ${inWindow.length} decisions in the last ${days}: the ${candidate === null ? 'candidate' : 'incumbent'}'s net returns do not vary`,
    };
  return {
    ...base,
    value: candidate,
    tripped: candidate < floor,
    detail: `candidate Sharpe ${fmt(candidate)} vs incumbent ${fmt(incumbent)} over ${inWindow.length} decisions in the last ${days} (floor ${fmt(floor)}: at most ${g.maxDropPct}% below the incumbent)`,
  };
}

function latencyGuard(input: GuardInputs, g: RolloutGuards['latency']): RolloutGuardState {
  const from = input.now - g.windowMinutes * MS_PER_MINUTE;
  const served = Float64Array.from(
    input.decisions.filter(
      (d) => d.candidateActed && d.servedMs !== null && d.decidedAtMs >= from && d.decidedAtMs <= input.now,
    ),
    (d) => d.servedMs!,
  );
  const base = { guard: 'latency' as const, threshold: g.p95Ms, samples: served.length };
  const window = `${g.windowMinutes} min`;
  if (served.length < g.minDecisions)
    return {
      ...base,
      value: null,
      tripped: false,
      detail: `${served.length} candidate decisions in ${window} (needs ${g.minDecisions} for a P95; limit ${g.p95Ms} ms)`,
    };
  const p95 = quantile(served, 0.95);
  return {
    ...base,
    value: p95,
    tripped: p95 > g.p95Ms,
    detail: `P95 ${fmt(p95, 1)} ms over ${served.length} candidate decisions in ${window} (limit ${g.p95Ms} ms)`,
  };
}

function crashesGuard(input: GuardInputs, g: RolloutGuards['crashes']): RolloutGuardState {
  const from = input.now - g.windowHours * MS_PER_HOUR;
  const count = input.crashes.filter((t) => t >= from && t <= input.now).length;
  return {
    guard: 'crashes',
    value: count,
    threshold: g.maxCrashes,
    samples: count,
    tripped: count > g.maxCrashes,
    detail: `${count} engine crashes in ${g.windowHours} h (limit ${g.maxCrashes})`,
  };
}

function riskViolationsGuard(input: GuardInputs, g: RolloutGuards['riskViolations']): RolloutGuardState {
  // Every candidate proposal is risk-checked, acted on or not (in shadow too). A violation is a
  // proposal that breached a limit, which the pre-trade check had to cut (resize) or refuse. Both
  // count: on a book inside its limits the check never refuses (it scales the move down to the
  // limit), and that book is the incumbent's, so refusals alone would never show a candidate that
  // asks for too much. It counts only where the incumbent's proposal on the same decision passed
  // unchanged: a book already at a limit holds back both sets, and that is not the candidate's doing.
  // A session is the market's day (the UTC day of the bars decided on), as the Sharpe window is
  // the market's days: live it is the trading day; in a replay it is the bar's day, not the few
  // minutes of wall clock that years of bars take.
  const perDay = new Map<string, number>();
  for (const d of input.decisions)
    if (d.candidateRiskVerdict !== 'approve' && d.incumbentRiskVerdict === 'approve') {
      const day = utcDay(new Date(d.asOfMs));
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
  let worstDay: string | null = null;
  let worst = 0;
  for (const [day, count] of [...perDay].sort(([a], [b]) => a.localeCompare(b)))
    if (count > worst) [worstDay, worst] = [day, count];
  return {
    guard: 'riskViolations',
    value: worst,
    threshold: g.maxViolations,
    samples: input.decisions.length,
    tripped: worst > g.maxViolations,
    detail:
      worstDay === null
        ? `no candidate proposal over the risk limits in ${input.decisions.length} decisions (limit ${g.maxViolations} per session)`
        : `${worst} candidate proposals over the risk limits (cut or refused; the incumbent's passed) on ${worstDay} (limit ${g.maxViolations} per session)`,
  };
}

function evaluateGuard(name: RolloutGuardName, input: GuardInputs, guards: RolloutGuards): RolloutGuardState {
  switch (name) {
    case 'sharpeDrop':
      return sharpeDropGuard(input, guards.sharpeDrop);
    case 'latency':
      return latencyGuard(input, guards.latency);
    case 'crashes':
      return crashesGuard(input, guards.crashes);
    case 'riskViolations':
      return riskViolationsGuard(input, guards.riskViolations);
  }
}

/** Every guard, one per rolloutGuardNames, in that order. */
export function evaluateGuards(input: GuardInputs, guards: RolloutGuards): RolloutGuardState[] {
  return rolloutGuardNames.map((name) => evaluateGuard(name, input, guards));
}
