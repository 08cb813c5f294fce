/**
 * The bootstrap model set: what the engine runs while the registry holds no trained models.
 * Real ONNX graphs built from the default parameters (specialists.ts, meta-controller.ts),
 * registered as version 1 with the label 'bootstrap' so no one mistakes them for a trained
 * model; the label and the parameters also travel inside each file's metadata.
 */
import type { ModelSignature } from '@tradeplane/contracts';
import {
  equalWeightMetaParams,
  metaControllerGraph,
  type MetaControllerParams,
} from '../graphs/meta-controller';
import type { ModelSetInput } from '../model-set/model-set';
import { encodeOnnxModel, type OnnxGraph } from '../onnx/onnx-model';
import { metaControllerSignature, specialistSignature } from '../graphs/signatures';
import {
  DEFAULT_SPECIALIST_PARAMS,
  specialistGraph,
  specialistNames,
  type SpecialistName,
  type SpecialistParamsByName,
} from '../graphs/specialists';

export const BOOTSTRAP_VERSION = 1;
export const BOOTSTRAP_LABEL = 'bootstrap';
/** Registry name of the meta-controller model. */
export const META_CONTROLLER_NAME = 'meta-controller';

export interface BootstrapModel {
  name: SpecialistName | typeof META_CONTROLLER_NAME;
  role: 'specialist' | 'meta-controller';
  version: typeof BOOTSTRAP_VERSION;
  label: typeof BOOTSTRAP_LABEL;
  /** ONNX ModelProto bytes. */
  bytes: Uint8Array;
  /** In the registry's format (`modelSignature` in @tradeplane/contracts). */
  signature: ModelSignature;
  /** The parameters the graph was built from (logged with the registered version). */
  params: SpecialistParamsByName[SpecialistName] | MetaControllerParams;
}

function encode(graph: OnnxGraph, name: string, params: unknown): Uint8Array {
  return encodeOnnxModel({
    graph,
    modelVersion: BOOTSTRAP_VERSION,
    doc: `Tradeplane bootstrap ${name}: built from hand-set parameters, not trained.`,
    metadata: {
      name,
      version: String(BOOTSTRAP_VERSION),
      label: BOOTSTRAP_LABEL,
      params: JSON.stringify(params),
    },
  });
}

/**
 * The three bootstrap specialists (momentum, mean-reversion, defensive) and the equal-weight
 * meta-controller, in that order, built from their default parameters. Deterministic: the
 * same code gives the same bytes.
 */
export function bootstrapModelSet(): BootstrapModel[] {
  const specialists = specialistNames.map((name): BootstrapModel => {
    const params = DEFAULT_SPECIALIST_PARAMS[name];
    return {
      name,
      role: 'specialist',
      version: BOOTSTRAP_VERSION,
      label: BOOTSTRAP_LABEL,
      bytes: encode(specialistGraph(name, params), name, params),
      signature: specialistSignature,
      params,
    };
  });
  const metaParams = equalWeightMetaParams(specialistNames);
  return [
    ...specialists,
    {
      name: META_CONTROLLER_NAME,
      role: 'meta-controller',
      version: BOOTSTRAP_VERSION,
      label: BOOTSTRAP_LABEL,
      bytes: encode(metaControllerGraph(metaParams), META_CONTROLLER_NAME, metaParams),
      signature: metaControllerSignature(specialistNames.length),
      params: metaParams,
    },
  ];
}

/** The bootstrap set in the shape ModelSet.create takes. */
export function bootstrapModelSetInput(models: BootstrapModel[] = bootstrapModelSet()): ModelSetInput {
  const meta = models.find((m) => m.role === 'meta-controller');
  if (!meta) throw new Error('bootstrap set has no meta-controller');
  return { specialists: models.filter((m) => m.role === 'specialist'), metaController: meta };
}
