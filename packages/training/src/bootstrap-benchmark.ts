/**
 * The bootstrap model set (engine models/bootstrap.ts: the parameter-built specialists and the
 * equal-weight meta-controller, what the engine serves before any trained version) traded on
 * the run's test window, so every run says whether it beats what it would replace.
 *
 * It goes through the engine's serving path, batched: the very ONNX bytes the engine loads
 * (and the registry holds as version 1), run by ONNX Runtime on float32 inputs, each signal
 * clamped to [-1, 1] (NaN → 0) and each row of weights guarded by normaliseWeights, blended as
 * Σ w·s, as ModelSet.decide does for one row. The figures come from quant's backtestHeldOut,
 * the function every strategy of the run is measured with: same window, sizing and costs.
 */
import {
  bootstrapModelSet,
  bootstrapModelSetInput,
  FEATURE_COUNT,
  floatTensor,
  metaControllerSignature,
  normaliseWeights,
  REGIME_COUNT,
  specialistSignature,
} from '@tradeplane/models';
import { backtestHeldOut, type HeldOutBatch, type StrategyFigures } from '@tradeplane/quant';
import { runChecked } from '@tradeplane/models';

export interface BootstrapTestResult {
  figures: StrategyFigures;
  /** Per specialist (bootstrap order), the mean weight the meta-controller gave it. */
  meanWeights: number[];
  /** Rows whose weights normaliseWeights had to fix (0 for the softmax bootstrap). */
  weightsFixed: number;
}

export function bootstrapTestFigures(heldOut: HeldOutBatch, costBps: number): BootstrapTestResult {
  const n = heldOut.size;
  const set = bootstrapModelSetInput(bootstrapModelSet());
  const features = floatTensor(Float32Array.from(heldOut.features), [n, FEATURE_COUNT]);
  const regime = floatTensor(Float32Array.from(heldOut.regime), [n, REGIME_COUNT]);
  const signals = set.specialists.map((m) => {
    const out = runChecked(m.bytes, specialistSignature, `bootstrap ${m.name}`, (session) =>
      session.run({ features }, ['signal']),
    ).signal!;
    return Float64Array.from(out, (s) => (Number.isNaN(s) ? 0 : Math.min(1, Math.max(-1, s))));
  });
  const S = signals.length;
  const weights = runChecked(
    set.metaController.bytes,
    metaControllerSignature(S),
    'bootstrap meta-controller',
    (session) => session.run({ regime, features }, ['weights']),
  ).weights!;

  const positions = new Float64Array(n);
  const weightSums = new Array<number>(S).fill(0);
  const row = new Float64Array(S);
  let weightsFixed = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < S; k++) row[k] = weights[i * S + k]!;
    if (normaliseWeights(row).fixed) weightsFixed++;
    let blend = 0;
    for (let k = 0; k < S; k++) {
      blend += row[k]! * signals[k]![i]!;
      weightSums[k] = weightSums[k]! + row[k]!;
    }
    positions[i] = blend;
  }
  return {
    figures: backtestHeldOut(heldOut, positions, costBps),
    meanWeights: weightSums.map((w) => w / n),
    weightsFixed,
  };
}
