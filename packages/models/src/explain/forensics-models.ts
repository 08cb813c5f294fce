import type { DecisionEvent } from '@tradeplane/contracts';
import { SPECIALIST_MODEL_NAMES } from '../registry/model-arms';
import { bootstrapModelSet, BOOTSTRAP_LABEL, META_CONTROLLER_NAME } from '../bootstrap/bootstrap';
import { ModelError, type ModelSessionOptions } from '../onnx/model-session';
import { ModelSet, type ModelArtifact } from '../model-set/model-set';

/** Any registered version's bytes, whatever its stage now (registryModelSource's loadVersion). */
export interface ForensicsModelSource {
  loadVersion(name: string, version: number): Promise<{ bytes: Uint8Array; label: string }>;
}

/**
 * The model sets decisions were made with, by exact versions (the decision's
 * `models.versions`), loaded once and kept for the next decisions of the same arm. A version
 * long archived still explains: versions are loaded by number, not by stage. A decision the
 * engine made with its built-in bootstrap set (registry unreachable) is explained with the
 * same set built from code.
 */
export class ForensicsModelCache {
  private readonly sets = new Map<string, Promise<ModelSet>>();
  private bootstrap: Map<string, ModelArtifact> | null = null;

  constructor(
    private readonly source: ForensicsModelSource,
    private readonly sessions: ModelSessionOptions,
    /** Sets kept (each a few small ONNX sessions); the least recently used goes first. */
    private readonly maxSets = 8,
  ) {}

  /** The decision's model set; rejects naming the version that could not be loaded. */
  forDecision(decision: DecisionEvent): Promise<ModelSet> {
    const names = [...SPECIALIST_MODEL_NAMES, META_CONTROLLER_NAME];
    const missing = names.filter((name) => decision.models.versions[name] === undefined);
    if (missing.length > 0) {
      return Promise.reject(
        new ModelError('MODEL_SET_INVALID', `decision names no version of ${missing.join(', ')}`),
      );
    }
    const key = names.map((name) => `${name}@${decision.models.versions[name]}`).join(',');
    let set = this.sets.get(key);
    if (set) {
      // Re-insert: Map order is the recency order.
      this.sets.delete(key);
      this.sets.set(key, set);
      return set;
    }
    set = this.load(decision, names);
    this.sets.set(key, set);
    set.catch(() => this.sets.delete(key));
    while (this.sets.size > this.maxSets) {
      const [oldest, evicted] = this.sets.entries().next().value!;
      this.sets.delete(oldest);
      void evicted.then((s) => s.dispose()).catch(() => undefined);
    }
    return set;
  }

  /** Releases every loaded set. */
  async close(): Promise<void> {
    const sets = [...this.sets.values()];
    this.sets.clear();
    await Promise.all(sets.map((s) => s.then((set) => set.dispose()).catch(() => undefined)));
  }

  private async load(decision: DecisionEvent, names: string[]): Promise<ModelSet> {
    const artifacts = await Promise.all(
      names.map(async (name): Promise<ModelArtifact> => {
        const version = decision.models.versions[name]!;
        if (decision.models.labels?.[name] === BOOTSTRAP_LABEL) {
          const built = this.bootstrapModel(name, version);
          if (built) return built;
        }
        const { bytes, label } = await this.source.loadVersion(name, version);
        return { name, version, label, bytes };
      }),
    );
    return ModelSet.create(
      { specialists: artifacts.slice(0, -1), metaController: artifacts[artifacts.length - 1]! },
      this.sessions,
    );
  }

  private bootstrapModel(name: string, version: number): ModelArtifact | undefined {
    this.bootstrap ??= new Map(bootstrapModelSet().map((m) => [`${m.name}@${m.version}`, m]));
    return this.bootstrap.get(`${name}@${version}`);
  }
}
