/**
 * Which model versions each routing arm runs, from the registry's live stages. Pure: the
 * catalog (model-catalog.ts) reads the registry and loads what this plans.
 *
 * A decision runs one model per registry name: the specialists in `SPECIALIST_MODEL_NAMES`
 * order (column i of the meta-controller's weights is specialist i) and the meta-controller.
 * - production: every name's production version; without one for each name there is no
 *   production arm (the engine keeps what it runs and says so on /healthz);
 * - canary: exists while any name has a canary version; that name runs its canary, the others
 *   their production version, so a canary of one specialist is tested in the production blend;
 * - shadow: the same with shadow versions; scored after the response, never acted on.
 */
import type { ModelStage } from '@tradeplane/contracts';
import { META_CONTROLLER_NAME } from '../bootstrap/bootstrap';
import { specialistNames } from '../graphs/specialists';

export const SPECIALIST_MODEL_NAMES: readonly string[] = specialistNames;
export const DECISION_MODEL_NAMES: readonly string[] = [...specialistNames, META_CONTROLLER_NAME];

export type ArmName = 'production' | 'canary' | 'shadow';

/** A registry version as the engine needs it. */
export interface ModelVersionRef {
  name: string;
  version: number;
  stage: ModelStage;
  artifactId: string | null;
  runId: string | null;
}

export interface ArmPlan {
  arm: ArmName;
  /** One per name of DECISION_MODEL_NAMES, in that order. */
  models: ModelVersionRef[];
  /** `name@version,…`: equal keys run identical models, so a loaded set can be reused. */
  key: string;
}

export interface ArmsPlan {
  production: ArmPlan | null;
  canary: ArmPlan | null;
  shadow: ArmPlan | null;
  /** Names without a production version. */
  missingProduction: string[];
}

export function armKey(models: readonly Pick<ModelVersionRef, 'name' | 'version'>[]): string {
  return models.map((m) => `${m.name}@${m.version}`).join(',');
}

/** Plans the arms from the live versions of the decision models (other names are ignored). */
export function planArms(live: readonly ModelVersionRef[]): ArmsPlan {
  const at = (name: string, stage: ModelStage) => live.find((v) => v.name === name && v.stage === stage);
  const production = DECISION_MODEL_NAMES.map((name) => at(name, 'production'));
  const missingProduction = DECISION_MODEL_NAMES.filter((_, i) => !production[i]);
  if (missingProduction.length > 0)
    return { production: null, canary: null, shadow: null, missingProduction };
  const prod = production as ModelVersionRef[];
  const arm = (stage: 'canary' | 'shadow'): ArmPlan | null => {
    const models = DECISION_MODEL_NAMES.map((name, i) => at(name, stage) ?? prod[i]!);
    if (models.every((m, i) => m === prod[i])) return null;
    return { arm: stage, models, key: armKey(models) };
  };
  return {
    production: { arm: 'production', models: prod, key: armKey(prod) },
    canary: arm('canary'),
    shadow: arm('shadow'),
    missingProduction,
  };
}

/** A stable fingerprint of the live stages: the catalog reloads only when it changes. */
export function liveFingerprint(live: readonly ModelVersionRef[]): string {
  return live
    .filter((v) => DECISION_MODEL_NAMES.includes(v.name))
    .map((v) => `${v.name}@${v.version}:${v.stage}`)
    .sort()
    .join(',');
}
