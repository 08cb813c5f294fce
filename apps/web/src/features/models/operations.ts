import { operation } from '@/shared/graphql/client';
import type { ModelStage } from './stagePolicy';

/** Contract: apps/gateway/src/schema/tracking/tracking.graphql. */

export interface TensorSpec {
  name: string;
  type: string;
  shape: (number | null)[];
}

export interface StageTransition {
  id: string;
  from: ModelStage;
  to: ModelStage;
  actor: string;
  reason: string | null;
  at: string;
}

export interface ModelVersion {
  id: string;
  modelName: string;
  version: number;
  stage: ModelStage;
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  metrics: Record<string, unknown>;
  description: string | null;
  createdBy: string;
  createdAt: string;
  run: { id: string; name: string; experimentName: string } | null;
  artifact: { path: string; sha256: string; size: number; contentType: string } | null;
  stageHistory: StageTransition[];
}

export interface StageHolder {
  version: number;
  createdAt: string;
}

export interface RegisteredModelSummary {
  name: string;
  description: string | null;
  createdBy: string;
  createdAt: string;
  versions: { version: number }[];
  staging: StageHolder | null;
  shadow: StageHolder | null;
  canary: StageHolder | null;
  production: StageHolder | null;
}

export interface RegisteredModel {
  name: string;
  description: string | null;
  createdBy: string;
  createdAt: string;
  versions: ModelVersion[];
}

const HOLDER = '{ version createdAt }';

export const REGISTERED_MODELS = operation<{ registeredModels: RegisteredModelSummary[] }>(
  `query RegisteredModels {
  registeredModels {
    name description createdBy createdAt
    versions { version }
    staging ${HOLDER} shadow ${HOLDER} canary ${HOLDER} production ${HOLDER}
  }
}`,
);

export const REGISTERED_MODEL = operation<{ registeredModel: RegisteredModel | null }, { name: string }>(
  `query RegisteredModel($name: String!) {
  registeredModel(name: $name) {
    name description createdBy createdAt
    versions {
      id modelName version stage metrics description createdBy createdAt
      signature { inputs { name type shape } outputs { name type shape } }
      run { id name experimentName }
      artifact { path sha256 size contentType }
      stageHistory { id from to actor reason at }
    }
  }
}`,
);

/** Model names for the register form's suggestions. */
export const MODEL_NAMES = operation<{ registeredModels: { name: string }[] }>(
  `query ModelNames { registeredModels { name } }`,
);

export interface RegisterModelVersionInput {
  modelName: string;
  runId: string;
  artifactPath: string;
  signature: unknown;
  description: string | null;
}

export const REGISTER_MODEL_VERSION = operation<
  { registerModelVersion: { id: string; modelName: string; version: number; stage: ModelStage } },
  { input: RegisterModelVersionInput }
>(`mutation RegisterModelVersion($input: RegisterModelVersionInput!) {
  registerModelVersion(input: $input) { id modelName version stage }
}`);

export const MOVE_MODEL_STAGE = operation<
  {
    moveModelStage: {
      version: { version: number; stage: ModelStage };
      archived: { version: number } | null;
    };
  },
  { input: { modelName: string; version: number; to: ModelStage; reason: string } }
>(`mutation MoveModelStage($input: MoveModelStageInput!) {
  moveModelStage(input: $input) {
    version { version stage }
    archived { version }
  }
}`);
