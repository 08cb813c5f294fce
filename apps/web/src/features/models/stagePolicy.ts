/**
 * Stages and who may move a version between them. Mirrors `rolesForStageMove` in
 * packages/contracts/src/tracking.ts (the gateway enforces it; the console only decides which
 * buttons to offer). Kept here because the console does not depend on @tradeplane/contracts,
 * whose index pulls zod and the job schemas into the browser bundle.
 */
export const MODEL_STAGES = ['none', 'staging', 'shadow', 'canary', 'production', 'archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** Stages a version can be moved to from the console, in promotion order. */
export const TARGET_STAGES: readonly ModelStage[] = ['staging', 'shadow', 'canary', 'production', 'archived'];

type Role = 'viewer' | 'quant' | 'pm' | 'admin';

export function rolesForStageMove(from: ModelStage, to: ModelStage): readonly Role[] {
  const guarded = (s: ModelStage) => s === 'canary' || s === 'production';
  return guarded(from) || guarded(to) ? ['pm', 'admin'] : ['quant', 'pm', 'admin'];
}

/** The targets `role` may move a version in stage `from` to (none for a viewer). */
export function allowedTargets(from: ModelStage, role: Role | null): ModelStage[] {
  if (!role) return [];
  return TARGET_STAGES.filter((to) => to !== from && rolesForStageMove(from, to).includes(role));
}
