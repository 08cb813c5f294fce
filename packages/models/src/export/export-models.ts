/**
 * Trained parameters → ONNX bytes, each checked in ONNX Runtime against the training code's
 * float64 forward pass on the held-out (test-window) batch, and against the engine's tensor
 * contract. A model whose worst difference exceeds the tolerance fails the job: a version
 * that would trade differently from what was backtested must never be registered.
 */
import type { ModelSignature } from '@tradeplane/contracts';
import { trainedMetaControllerGraph, trainedSpecialistGraph } from '../graphs/from-trained';
import {
  FEATURE_COUNT,
  metaControllerSignature,
  REGIME_COUNT,
  signatureMismatches,
  specialistSignature,
} from '../graphs/signatures';
import { createModelSession, floatTensor } from '../onnx/model-session';
import { encodeOnnxModel } from '../onnx/onnx-model';
import { metaControllerForward, specialistForward, type TrainedModelSet } from '@tradeplane/quant';

export const PARITY_TOLERANCE = 1e-5;

export interface ExportedModel {
  /** Specialist name, or `meta-controller`. */
  role: string;
  bytes: Uint8Array;
  signature: ModelSignature;
  /** Worst |ONNX − float64 reference| over the held-out batch. */
  parityError: number;
  /** Meta-controller only: the specialist of each weight column, in order. */
  specialists?: readonly string[];
}

export function exportAndCheck(trained: TrainedModelSet): ExportedModel[] {
  const n = trained.heldOut.size;
  if (n === 0) throw new Error('splits: the test window has no samples, parity cannot be checked');
  // The engine feeds float32; the reference pass reads the same float32 values.
  const features = Float32Array.from(trained.heldOut.features);
  const regime = Float32Array.from(trained.heldOut.regime);
  const featureFeed = floatTensor(features, [n, FEATURE_COUNT]);
  const out: ExportedModel[] = [];

  for (const s of trained.specialists) {
    const bytes = encodeOnnxModel({ graph: trainedSpecialistGraph(s.name, s.params) });
    const signal = runChecked(bytes, specialistSignature, s.name, (session) =>
      session.run({ features: featureFeed }, ['signal']),
    ).signal!;
    let worst = 0;
    for (let i = 0; i < n; i++)
      worst = Math.max(
        worst,
        Math.abs(signal[i]! - specialistForward(s.params, features, i * FEATURE_COUNT)),
      );
    out.push(checked({ role: s.name, bytes, signature: specialistSignature, parityError: worst }));
  }

  const params = trained.metaController.params;
  const S = params.specialists.length;
  const bytes = encodeOnnxModel({ graph: trainedMetaControllerGraph(params) });
  const signature = metaControllerSignature(S);
  const weights = runChecked(bytes, signature, 'meta-controller', (session) =>
    session.run({ regime: floatTensor(regime, [n, REGIME_COUNT]), features: featureFeed }, ['weights']),
  ).weights!;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const w = metaControllerForward(params, regime, features, i * REGIME_COUNT, i * FEATURE_COUNT);
    for (let k = 0; k < S; k++) worst = Math.max(worst, Math.abs(weights[i * S + k]! - w[k]!));
  }
  out.push(
    checked({
      role: 'meta-controller',
      bytes,
      signature,
      parityError: worst,
      specialists: params.specialists,
    }),
  );
  return out;
}

/** Runs one batch in a fresh CPU session after checking the graph against its signature. */
export function runChecked(
  bytes: Uint8Array,
  signature: ModelSignature,
  role: string,
  run: (session: ReturnType<typeof createModelSession>) => Record<string, Float32Array>,
) {
  const session = createModelSession(bytes, { executionProviders: ['cpu'] });
  try {
    const problems = signatureMismatches(signature, session);
    if (problems.length) throw new Error(`${role}: ONNX signature mismatch: ${problems.join('; ')}`);
    return run(session);
  } finally {
    session.dispose();
  }
}

function checked(model: ExportedModel): ExportedModel {
  if (!(model.parityError <= PARITY_TOLERANCE)) {
    throw new Error(
      `${model.role}: ONNX parity ${model.parityError.toExponential(2)} exceeds ${PARITY_TOLERANCE} on the held-out batch`,
    );
  }
  return model;
}
