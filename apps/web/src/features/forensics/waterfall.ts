import type { TargetExplanation } from './operations';

/**
 * A waterfall: a start bar from 0, steps that each move the running total, and a total bar
 * from 0. For a target the forensics algebra guarantees the steps land on the total:
 *   baselineContribution + Σ featureContributions + interactionContribution = blendedSignal
 *   Σ over specialists of weight × signal = blendedSignal
 *   currentWeight + (proposed − current) + riskAdjustment = targetWeight
 */
export interface WaterfallStep {
  key: string;
  label: string;
  kind: 'start' | 'step' | 'total';
  /** The bar spans from → to; `value` is the step's size (or the start's and total's level). */
  from: number;
  to: number;
  value: number;
  /** Shown on hover. */
  note?: string;
}

function build(
  start: { key: string; label: string; value: number; note?: string },
  steps: readonly { key: string; label: string; value: number; note?: string }[],
  total: { key: string; label: string; value: number; note?: string },
): WaterfallStep[] {
  const out: WaterfallStep[] = [{ ...start, kind: 'start', from: 0, to: start.value }];
  let level = start.value;
  for (const s of steps) {
    out.push({ ...s, kind: 'step', from: level, to: level + s.value });
    level += s.value;
  }
  out.push({ ...total, kind: 'total', from: 0, to: total.value });
  return out;
}

/** Baseline → each feature's contribution, largest |value| first → interaction → blended signal. */
export function featureWaterfall(t: TargetExplanation): WaterfallStep[] {
  const features = [...t.featureContributions].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  return build(
    {
      key: 'baseline',
      label: 'baseline',
      value: t.baselineContribution,
      note: 'Σ weight × signal with every feature at its baseline (a calm, trendless market)',
    },
    [
      ...features.map((f) => ({ key: `feature:${f.name}`, label: f.name, value: f.value })),
      {
        key: 'interaction',
        label: 'interaction',
        value: t.interactionContribution,
        note: 'what single-feature occlusion leaves unexplained (the features acting together)',
      },
    ],
    { key: 'blend', label: 'blended signal', value: t.blendedSignal },
  );
}

/** 0 → each specialist's weight × signal, in the decision's order → blended signal. */
export function specialistWaterfall(t: TargetExplanation): WaterfallStep[] {
  return build(
    { key: 'zero', label: 'zero', value: 0 },
    t.specialists.map((s) => ({
      key: `specialist:${s.name}`,
      label: s.name,
      value: s.contribution,
      note: `weight ${s.weight.toFixed(4)} × signal ${s.signal.toFixed(4)}`,
    })),
    { key: 'blend', label: 'blended signal', value: t.blendedSignal },
  );
}

/** Current weight → what the models proposed → what the risk check took off → target weight. */
export function riskWaterfall(t: TargetExplanation): WaterfallStep[] {
  return build(
    { key: 'current', label: 'current weight', value: t.currentWeight },
    [
      {
        key: 'models',
        label: 'models',
        value: t.proposedWeight - t.currentWeight,
        note: 'proposed − current',
      },
      { key: 'risk', label: 'risk check', value: t.riskAdjustment, note: 'target − proposed' },
    ],
    { key: 'target', label: 'target weight', value: t.targetWeight },
  );
}

/** About `count` round ticks covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}
