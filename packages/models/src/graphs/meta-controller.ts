/**
 * The meta-controller: a softmax policy over the specialists, conditioned on the regime
 * probabilities and the features (the contextual-bandit form the training job fits):
 *
 *   weights = softmax(regime · Wr + features · Wf + b)      regime [N, 3], features [N, F] → [N, S]
 *
 * Softmax keeps the weights on the simplex by construction; the engine still guards them
 * (normaliseWeights) because a trained replacement is only bound by the signature.
 * The bootstrap version has Wr = 0, Wf = 0, b = 0, so every row gets exactly 1/S: a real
 * graph whose parameters a trained version replaces.
 */
import type { OnnxGraph } from '../onnx/onnx-model';
import { BATCH_DIM, FEATURE_COUNT, REGIME_COUNT, TENSOR_NAMES } from './signatures';

export interface MetaControllerParams {
  /** Column order of `weights`: the specialists' registry names. */
  specialists: string[];
  /** [REGIME_COUNT][S], rows bull, bear, sideways. */
  regimeWeights: number[][];
  /** [FEATURE_COUNT][S], rows in feature contract order. */
  featureWeights: number[][];
  /** [S] */
  bias: number[];
}

/** All-zero parameters: the equal-weight meta-controller. */
export function equalWeightMetaParams(specialists: readonly string[]): MetaControllerParams {
  const s = specialists.length;
  const zeros = (rows: number) => Array.from({ length: rows }, () => new Array<number>(s).fill(0));
  return {
    specialists: [...specialists],
    regimeWeights: zeros(REGIME_COUNT),
    featureWeights: zeros(FEATURE_COUNT),
    bias: new Array<number>(s).fill(0),
  };
}

function checkShapes(p: MetaControllerParams): void {
  const s = p.specialists.length;
  const ok = (m: number[][], rows: number) => m.length === rows && m.every((r) => r.length === s);
  if (s === 0) throw new RangeError('meta-controller: no specialists');
  if (!ok(p.regimeWeights, REGIME_COUNT))
    throw new RangeError(`meta-controller: regimeWeights must be ${REGIME_COUNT}×${s}`);
  if (!ok(p.featureWeights, FEATURE_COUNT))
    throw new RangeError(`meta-controller: featureWeights must be ${FEATURE_COUNT}×${s}`);
  if (p.bias.length !== s) throw new RangeError(`meta-controller: bias must have ${s} values`);
}

export function metaControllerGraph(p: MetaControllerParams): OnnxGraph {
  checkShapes(p);
  const s = p.specialists.length;
  const R = TENSOR_NAMES.regime;
  const X = TENSOR_NAMES.features;
  return {
    name: 'meta-controller',
    doc: `softmax(regime·Wr + features·Wf + b) over [${p.specialists.join(', ')}]`,
    inputs: [
      { name: R, shape: [BATCH_DIM, REGIME_COUNT] },
      { name: X, shape: [BATCH_DIM, FEATURE_COUNT] },
    ],
    outputs: [{ name: TENSOR_NAMES.weights, shape: [BATCH_DIM, s] }],
    nodes: [
      { opType: 'MatMul', inputs: [R, 'regime_weights'], outputs: ['regime_logits'] },
      { opType: 'MatMul', inputs: [X, 'feature_weights'], outputs: ['feature_logits'] },
      { opType: 'Add', inputs: ['regime_logits', 'feature_logits'], outputs: ['logits_raw'] },
      { opType: 'Add', inputs: ['logits_raw', 'bias'], outputs: ['logits'] },
      {
        opType: 'Softmax',
        inputs: ['logits'],
        outputs: [TENSOR_NAMES.weights],
        attributes: { axis: { type: 'int', value: -1 } },
      },
    ],
    initializers: [
      { name: 'regime_weights', dims: [REGIME_COUNT, s], data: p.regimeWeights.flat() },
      { name: 'feature_weights', dims: [FEATURE_COUNT, s], data: p.featureWeights.flat() },
      { name: 'bias', dims: [s], data: p.bias },
    ],
  };
}

/** The same maths in plain TypeScript (parameters and inputs rounded to float32 like the graph). */
export function metaControllerWeights(
  p: MetaControllerParams,
  regime: ArrayLike<number>,
  features: ArrayLike<number>,
): number[] {
  checkShapes(p);
  const f32 = Math.fround;
  const logits = p.bias.map((b, j) => {
    let z = f32(b);
    for (let i = 0; i < REGIME_COUNT; i++) z += f32(regime[i]!) * f32(p.regimeWeights[i]![j]!);
    for (let i = 0; i < FEATURE_COUNT; i++) z += f32(features[i]!) * f32(p.featureWeights[i]![j]!);
    return z;
  });
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
