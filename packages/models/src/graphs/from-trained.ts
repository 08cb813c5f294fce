/**
 * Trained parameters (plain arrays from @tradeplane/quant's training core, which must not
 * depend on the engine) → the engine's ONNX graphs. A trained specialist is the general
 * linear model clip(tanh(features · w + b), −1, 1): the same graph shape as the bootstrap
 * mean-reversion and defensive specialists, with every feature weight free. The trained
 * meta-controller's params already have the builder's shape (Wr [3, S], Wf [F, S], b [S]).
 */
import type { LinearTanhParams, MetaControllerWeights } from '@tradeplane/quant';
import { metaControllerGraph, type MetaControllerParams } from './meta-controller';
import type { OnnxGraph } from '../onnx/onnx-model';
import { FEATURE_COUNT } from './signatures';
import { linearTanhGraph } from './specialists';

export function trainedSpecialistGraph(name: string, params: LinearTanhParams): OnnxGraph {
  if (params.weights.length !== FEATURE_COUNT || !params.weights.every(Number.isFinite))
    throw new RangeError(`${name}: weights must be ${FEATURE_COUNT} finite numbers`);
  if (!Number.isFinite(params.bias)) throw new RangeError(`${name}: bias ${params.bias} is not finite`);
  return linearTanhGraph(
    name,
    'clip(tanh(features · w + b), -1, 1), trained (regime-weighted mean-variance utility)',
    [...params.weights],
    params.bias,
  );
}

export function trainedMetaControllerParams(params: MetaControllerWeights): MetaControllerParams {
  return {
    specialists: [...params.specialists],
    regimeWeights: params.regimeWeights.map((r) => [...r]),
    featureWeights: params.featureWeights.map((r) => [...r]),
    bias: [...params.bias],
  };
}

export function trainedMetaControllerGraph(params: MetaControllerWeights): OnnxGraph {
  return metaControllerGraph(trainedMetaControllerParams(params));
}
