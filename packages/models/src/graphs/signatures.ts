/**
 * The tensor contract between the engine and every model it runs. The bootstrap graphs are
 * built to it, and a trained specialist or meta-controller exported later (PyTorch, sklearn
 * via onnxmltools …) must keep the same input/output names, element types and shapes:
 *
 *   specialist       features float32[N, F]                      → signal  float32[N, 1] in [-1, 1]
 *   meta-controller  regime float32[N, 3], features float32[N, F] → weights float32[N, S] on the simplex
 *
 * F = featureNames.length (contract order, null → 0), columns of `regime` are REGIME_LABELS
 * order (bull, bear, sideways), column i of `weights` belongs to the i-th specialist the
 * meta-controller names in its `specialists` metadata. N is dynamic (the dimension is named
 * `N` in the graph, -1 in the registry's signature).
 */
import { featureNames, type ModelSignature } from '@tradeplane/contracts';
import { REGIME_LABELS } from '@tradeplane/quant';

/** Features per row: the contract's `featureNames`, in that order. */
export const FEATURE_COUNT = featureNames.length;
/** Regime probabilities per row: bull, bear, sideways. */
export const REGIME_COUNT = REGIME_LABELS.length;
/** Name of the dynamic batch dimension inside the graphs. */
export const BATCH_DIM = 'N';

export const TENSOR_NAMES = {
  features: 'features',
  regime: 'regime',
  signal: 'signal',
  weights: 'weights',
  /** Outputs of the fused decision graph (see decision-graph.ts). */
  signals: 'signals',
  blend: 'blend',
} as const;

/** ONNX Runtime's name for the one element type the contract uses. */
const FLOAT32 = 'float32';

export const specialistSignature: ModelSignature = {
  inputs: [{ name: TENSOR_NAMES.features, type: FLOAT32, shape: [-1, FEATURE_COUNT] }],
  outputs: [{ name: TENSOR_NAMES.signal, type: FLOAT32, shape: [-1, 1] }],
};

export function metaControllerSignature(specialistCount: number): ModelSignature {
  return {
    inputs: [
      { name: TENSOR_NAMES.regime, type: FLOAT32, shape: [-1, REGIME_COUNT] },
      { name: TENSOR_NAMES.features, type: FLOAT32, shape: [-1, FEATURE_COUNT] },
    ],
    outputs: [{ name: TENSOR_NAMES.weights, type: FLOAT32, shape: [-1, specialistCount] }],
  };
}

/**
 * Compares the signature a session reports (ONNX Runtime's input/output metadata, shapes with
 * symbolic dims as strings) with the expected one; returns the mismatches, empty when it fits.
 * Extra outputs are allowed (a trained model may expose intermediate values).
 */
export function signatureMismatches(
  expected: ModelSignature,
  actual: { inputs: readonly ActualTensor[]; outputs: readonly ActualTensor[] },
): string[] {
  const problems: string[] = [];
  const check = (kind: 'input' | 'output', want: ModelSignature['inputs'][number], have?: ActualTensor) => {
    if (!have) return problems.push(`missing ${kind} '${want.name}'`);
    if (have.type !== want.type)
      problems.push(`${kind} '${want.name}' is ${have.type}, expected ${want.type}`);
    const shape = have.shape ?? [];
    const fits =
      shape.length === want.shape.length && want.shape.every((d, i) => d === null || d < 0 || shape[i] === d);
    if (!fits) {
      problems.push(
        `${kind} '${want.name}' has shape [${shape.join(', ')}], expected [${want.shape.map((d) => (d === null || d < 0 ? 'N' : d)).join(', ')}]`,
      );
    }
    return undefined;
  };
  if (actual.inputs.length !== expected.inputs.length) {
    problems.push(`has ${actual.inputs.length} inputs, expected ${expected.inputs.length}`);
  }
  for (const want of expected.inputs)
    check(
      'input',
      want,
      actual.inputs.find((t) => t.name === want.name),
    );
  for (const want of expected.outputs)
    check(
      'output',
      want,
      actual.outputs.find((t) => t.name === want.name),
    );
  return problems;
}

/** What a session reports about one of its inputs or outputs. */
export interface ActualTensor {
  name: string;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}
