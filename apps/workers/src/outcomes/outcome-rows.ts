/**
 * A decision event as ledger rows: one per target and arm. The acted arm (the decision's
 * routing arm) holds `targetWeight`; the set scored beside it (the shadow, or during a canary the
 * other acting set), when the decision carries one, holds its `targetWeight` (its proposal after
 * its own pre-trade check; the proposal itself on events from before that was recorded) from the
 * same current weight and over the same bars with its own risk verdict, so both are measured on
 * one opportunity, each on what it would have traded. Pure: the closes come in, the rows go out.
 */
import {
  isOutcomeArm,
  modelLabel,
  outcomeArms,
  parseTime,
  TimeError,
  type ArmResult,
  type DecisionEvent,
  type OutcomeRecorded,
} from '@tradeplane/contracts';
import type { BarCloses, BarKey, NewOutcomeRow, OutcomeRecord, OutcomeResult } from '@tradeplane/db';
import { assetReturn, decisionResult, targetOutcome, tradeCost } from '@tradeplane/quant';

/** Rows of a decision before its bars are looked up, or why the event cannot be booked. */
export function outcomeRows(
  event: DecisionEvent,
  costBps: number,
): { ok: true; rows: NewOutcomeRow[] } | { ok: false; reason: string } {
  const arm = event.models.arm;
  if (!isOutcomeArm(arm) || arm === 'shadow')
    return { ok: false, reason: `models.arm: '${arm}' is not an acting arm (${outcomeArms.join(', ')})` };
  const asOfMs = parseTime('asOf', event.asOf);
  if (asOfMs instanceof TimeError) return { ok: false, reason: asOfMs.message };
  const barTimes: number[] = [];
  for (const [i, t] of event.targets.entries()) {
    const barTimeMs = parseTime(`targets.${i}.barTime`, t.barTime);
    if (barTimeMs instanceof TimeError) return { ok: false, reason: barTimeMs.message };
    barTimes.push(barTimeMs);
  }
  const common = {
    decisionId: event.id,
    portfolioId: event.portfolioId ?? null,
    requestKey: event.requestKey,
    timeframe: event.timeframe,
    asOfMs,
    costBps,
    riskVerdict: event.risk.verdict,
    bindingRule: event.risk.bindingRule,
    result: null,
  };
  const rows: NewOutcomeRow[] = event.targets.map((t, i) => ({
    ...common,
    symbol: t.symbol,
    arm,
    acted: true,
    modelVersions: event.models.versions,
    modelLabel: modelLabel(event.models.versions),
    barTimeMs: barTimes[i]!,
    currentWeight: t.currentWeight,
    targetWeight: t.targetWeight,
    cost: tradeCost(t, costBps).cost,
    servedMs: event.timings.totalMs,
  }));
  if (event.shadow) {
    const { versions } = event.shadow;
    const besideArm = event.shadow.arm ?? 'shadow';
    if (besideArm === arm)
      return {
        ok: false,
        reason: `shadow.arm: '${besideArm}' is the acting arm; a set scored beside it needs another`,
      };
    const risk = event.shadow.risk ?? { verdict: event.risk.verdict, bindingRule: event.risk.bindingRule };
    for (const s of event.shadow.targets) {
      const i = event.targets.findIndex((t) => t.symbol === s.symbol);
      if (i < 0)
        return { ok: false, reason: `shadow.targets: ${s.symbol} is not one of the decision's targets` };
      const currentWeight = event.targets[i]!.currentWeight;
      const trade = { currentWeight, targetWeight: s.targetWeight ?? s.proposedWeight };
      rows.push({
        ...common,
        symbol: s.symbol,
        arm: besideArm,
        acted: false,
        modelVersions: versions,
        modelLabel: modelLabel(versions),
        barTimeMs: barTimes[i]!,
        currentWeight,
        targetWeight: trade.targetWeight,
        cost: tradeCost(trade, costBps).cost,
        riskVerdict: risk.verdict,
        bindingRule: risk.bindingRule,
        servedMs: null,
      });
    }
  }
  return { ok: true, rows };
}

/** The bar a row's features used: where its closes are looked up. */
export const rowBar = (row: Pick<NewOutcomeRow, 'symbol' | 'timeframe' | 'barTimeMs'>): BarKey => ({
  symbol: row.symbol,
  timeframe: row.timeframe,
  barTimeMs: row.barTimeMs,
});

export const barKeyText = (k: BarKey) => `${k.symbol}|${k.timeframe}|${k.barTimeMs}`;

/** The result of holding `targetWeight` over the next bar, or null while it is not stored. */
export function resultFromCloses(
  trade: { currentWeight: number; targetWeight: number; costBps: number },
  closes: BarCloses | undefined,
): OutcomeResult | null {
  if (!closes?.next) return null;
  const o = targetOutcome(trade, assetReturn(closes.close, closes.next.close), trade.costBps);
  return { nextBarTimeMs: closes.next.tsMs, assetReturn: o.assetReturn, gross: o.gross, net: o.net };
}

/**
 * The `outcomeRecorded` message of a decision whose rows are all recorded (null otherwise):
 * per arm the sums over its targets, the acting arm first.
 */
export function outcomeRecordedMessage(rows: readonly OutcomeRecord[]): OutcomeRecorded | null {
  const first = rows[0];
  if (!first || rows.some((r) => r.status !== 'recorded')) return null;
  const byArm = new Map<string, OutcomeRecord[]>();
  for (const r of rows) byArm.set(r.arm, [...(byArm.get(r.arm) ?? []), r]);
  const arms: ArmResult[] = [...byArm.values()]
    .sort((a, b) => Number(b[0]!.acted) - Number(a[0]!.acted))
    .map((armRows) => {
      const sum = decisionResult(
        armRows.map((r) => ({
          gross: r.gross!,
          cost: r.cost,
          net: r.net!,
          turnover: Math.abs(r.targetWeight - r.currentWeight),
        })),
      );
      return { arm: armRows[0]!.arm, modelLabel: armRows[0]!.modelLabel, ...sum };
    });
  const recordedAt = Math.max(...rows.map((r) => r.recordedAt!.getTime()));
  const nextBarTime = Math.max(...rows.map((r) => r.nextBarTime!.getTime()));
  return {
    decisionId: first.decisionId,
    portfolioId: first.portfolioId,
    timeframe: first.timeframe,
    asOf: first.asOf.toISOString(),
    nextBarTime: new Date(nextBarTime).toISOString(),
    recordedAt: new Date(recordedAt).toISOString(),
    arms,
  };
}
