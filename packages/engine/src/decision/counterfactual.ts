/**
 * Counterfactual scoring for a replay: what a decision's models would have proposed with
 * another regime input (the raw filtered or hard-switch regime instead of the smoothed one
 * served), on the same opportunity — the decision's own features and current weights.
 */
import type { DecisionBody } from '@tradeplane/contracts';
import type { ModelSet } from '@tradeplane/models';
import type { RegimePoint } from '../regime';
import { scoreTargets } from './decision-builder';

/**
 * The proposed weight per target symbol `set` gives for `decision`'s features and current
 * weights under `regime`, with `positionScale` (the engine's ENGINE_POSITION_SCALE). With the
 * decision's own regime and models it reproduces each target's `proposedWeight` exactly.
 * Synchronous (ONNX Runtime runs on this thread).
 */
export function counterfactualProposals(
  set: ModelSet,
  decision: DecisionBody,
  regime: { bull: number; bear: number; sideways: number },
  positionScale: number,
): Record<string, number> {
  const input: RegimePoint = {
    bull: regime.bull,
    bear: regime.bear,
    sideways: regime.sideways,
    barTime: null,
    note: null,
  };
  const portfolio: Record<string, number> = {};
  for (const t of decision.targets) portfolio[t.symbol] = t.currentWeight;
  const targets = decision.targets.map((t) => ({ symbol: t.symbol, barTime: t.barTime, values: t.features }));
  const out: Record<string, number> = {};
  for (const t of scoreTargets(set, targets, input, portfolio, positionScale))
    out[t.features.symbol] = t.proposedWeight;
  return out;
}
