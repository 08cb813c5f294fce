import { liveStages } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { ArtifactStoreError, sha256Of, type ArtifactStore } from '@tradeplane/tracking';
import { bootstrapModelSet } from '../bootstrap/bootstrap';
import type { ModelVersionRef } from './model-arms';

/**
 * What the engine serves: the versions of the decision models in a live stage (staging, shadow,
 * canary, production) and the canary share of the active rollout (running or paused), null while
 * none is active (the engine's ENGINE_CANARY_PERCENT applies then).
 */
export interface LiveModelState {
  versions: ModelVersionRef[];
  canaryPercent: number | null;
}

/** Where the engine's model catalog finds the versions to serve and their ONNX bytes. */
export interface ModelRegistrySource {
  /** The live versions of `names` and the active rollout's canary share, read together. */
  liveState(names: readonly string[]): Promise<LiveModelState>;
  /** The ONNX bytes of a version and its label (`bootstrap`, or the run that trained it). */
  load(ref: ModelVersionRef): Promise<{ bytes: Uint8Array; label: string }>;
}

export class ModelArtifactError extends Error {
  readonly code = 'MODEL_ARTIFACT_MISSING' as const;
}

/**
 * The model registry (PostgreSQL) and the content-addressed artifact store as the catalog's
 * source. A version's label is its training run's `label` tag (`bootstrap` for the bootstrap
 * run), else `run:<id>`. The store re-checks each file's sha256 on read.
 *
 * The bootstrap files are rebuilt from code, byte for byte, when the store has lost them (a
 * fresh checkout against an existing database): the registry's sha256 says they are the same.
 */
export function registryModelSource(
  repos: Pick<Repositories, 'registry' | 'runQueries' | 'rollouts'>,
  artifacts: Pick<ArtifactStore, 'get'>,
): ModelRegistrySource & {
  /** Any registered version by name and number, whatever its stage (forensics reruns old ones). */
  loadVersion(name: string, version: number): Promise<{ bytes: Uint8Array; label: string }>;
} {
  const live = new Set<string>(liveStages);
  let bootstrapBytes: Map<string, Uint8Array> | null = null;
  const rebuilt = (sha256: string) => {
    bootstrapBytes ??= new Map(bootstrapModelSet().map((m) => [sha256Of(m.bytes), m.bytes]));
    return bootstrapBytes.get(sha256);
  };
  const read = async (sha256: string) => {
    try {
      return await artifacts.get(sha256);
    } catch (err) {
      const bytes =
        err instanceof ArtifactStoreError && err.code === 'ARTIFACT_NOT_FOUND' ? rebuilt(sha256) : undefined;
      if (!bytes) throw err;
      return bytes;
    }
  };
  const load = async (ref: ModelVersionRef) => {
    const what = `${ref.name}@v${ref.version}`;
    if (!ref.artifactId) throw new ModelArtifactError(`${what} has no artifact`);
    const [artifact, run] = await Promise.all([
      repos.runQueries.artifact(ref.artifactId),
      ref.runId ? repos.runQueries.getRun(ref.runId) : Promise.resolve(null),
    ]);
    if (!artifact) throw new ModelArtifactError(`${what}: artifact ${ref.artifactId} is not recorded`);
    const bytes = await read(artifact.sha256);
    const label = run?.tags.label ?? (ref.runId ? `run:${ref.runId}` : 'unknown');
    return { bytes, label };
  };
  return {
    async liveState(names) {
      const [rollout, ...models] = await Promise.all([
        repos.rollouts.active(),
        ...names.map((name) => repos.registry.getModel(name)),
      ]);
      const versions = models.flatMap((m) =>
        (m?.versions ?? [])
          .filter((v) => live.has(v.stage))
          .map((v): ModelVersionRef => ({
            name: v.modelName,
            version: v.version,
            stage: v.stage,
            artifactId: v.artifactId,
            runId: v.runId,
          })),
      );
      return { versions, canaryPercent: rollout?.canaryPercent ?? null };
    },
    load,
    async loadVersion(name, version) {
      const v = await repos.registry.getVersion(name, version);
      if (!v) throw new ModelArtifactError(`${name}@v${version} is not registered`);
      return load({ name, version, stage: v.stage, artifactId: v.artifactId, runId: v.runId });
    },
  };
}
