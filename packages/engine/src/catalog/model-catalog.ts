/**
 * The model sets decisions run, loaded from the registry and swapped without a failed or slowed
 * request.
 *
 * `active` is one immutable object (production, canary and shadow arms); a predict reads it
 * once, in the synchronous part of the decision, and never sees half a swap. A sync (on a
 * `tp:model-stage-changed` message, on the engine's poll, at start) reads the live versions,
 * and when they changed: reads the artifact bytes, creates the ONNX Runtime sessions, warms
 * them with a few runs, then replaces `active` in one assignment. The canary share in force is
 * part of `active` too: the active rollout's (read with the versions; a `tp:rollout-changed`
 * message syncs) or, while none is active, ENGINE_CANARY_PERCENT. A share change alone swaps
 * `active` with the loaded sets as they are. Everything slow happens
 * before that assignment and off any request; session creation is synchronous (≈ 0.6 ms per
 * model), so the catalog yields to the event loop between arms. An arm whose versions did not
 * change keeps its loaded set. Replaced sets are released after a grace period, long after
 * any decision that picked them up has finished.
 */
import type { Logger } from '@tradeplane/platform';
import {
  type ArmName,
  type ArmPlan,
  BOOTSTRAP_LABEL,
  BOOTSTRAP_VERSION,
  bootstrapModelSet,
  bootstrapModelSetInput,
  DECISION_MODEL_NAMES,
  FEATURE_COUNT,
  liveFingerprint,
  type ModelArtifact,
  type ModelRegistrySource,
  type ModelSessionOptions,
  ModelSet,
  type ModelVersionRef,
  planArms,
  REGIME_COUNT,
} from '@tradeplane/models';

/** Where versions and their bytes come from (the registry and the artifact store). */
export interface ArmModels {
  arm: ArmName;
  key: string;
  set: ModelSet;
  /** name → registry version. */
  versions: Record<string, number>;
  /** name → label, e.g. `bootstrap`. */
  labels: Record<string, string>;
}

/** Where the canary share in force came from: the active rollout, or ENGINE_CANARY_PERCENT. */
type CanaryShareSource = 'rollout' | 'env';

export interface ActiveModels {
  production: ArmModels;
  canary: ArmModels | null;
  shadow: ArmModels | null;
  /** Percent of request keys routed to the canary arm while one exists. */
  canaryPercent: number;
  canaryPercentSource: CanaryShareSource;
  /** `built-in`: the bootstrap set built from code while the registry could not be read. */
  source: 'registry' | 'built-in';
  since: string;
}

export interface ModelCatalogOptions {
  sessions: ModelSessionOptions;
  /** How long a replaced set is kept before its sessions are released, ms. */
  graceMs: number;
  /** The canary share while no rollout is active (ENGINE_CANARY_PERCENT). */
  defaultCanaryPercent: number;
}

export class ModelCatalogError extends Error {
  readonly code = 'NO_PRODUCTION_MODELS' as const;
}

const WARM_RUNS = 3;

export class ModelCatalog {
  private current: ActiveModels | null = null;
  private fingerprint: string | null = null;
  private syncing: Promise<boolean> | null = null;
  private again = false;
  private readonly retiring = new Set<{ sets: ModelSet[]; timer: NodeJS.Timeout }>();
  private stopped = false;
  readonly stats = { swaps: 0, failures: 0 };
  lastError: string | null = null;

  constructor(
    private readonly source: ModelRegistrySource,
    private readonly options: ModelCatalogOptions,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** The sets in force; throws before `init()`. */
  get active(): ActiveModels {
    if (!this.current) throw new Error('model catalog used before init()');
    return this.current;
  }

  /**
   * The first load: the registry's versions, or, when they cannot be read or loaded, the
   * bootstrap set built from code (labelled `bootstrap`, source `built-in`) so the engine can
   * serve; later syncs replace it as soon as the registry answers.
   */
  async init(): Promise<ActiveModels> {
    try {
      await this.sync();
    } catch (err) {
      this.lastError = (err as Error).message;
    }
    if (!this.current) {
      this.log.warn(
        { reason: this.lastError },
        'serving the built-in bootstrap models until the registry answers',
      );
      this.install(this.builtIn(), null);
    }
    return this.current!;
  }

  /**
   * Reloads when the live versions changed; resolves true when it swapped. Concurrent calls
   * share one sync, and one arriving during a sync makes it run once more.
   */
  sync(): Promise<boolean> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      let swapped = false;
      try {
        do {
          this.again = false;
          swapped = (await this.syncOnce()) || swapped;
        } while (this.again && !this.stopped);
        return swapped;
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /** Releases every session now (engine stop). Safe to call twice. */
  stop(): void {
    this.stopped = true;
    for (const r of this.retiring) {
      clearTimeout(r.timer);
      for (const s of r.sets) s.dispose();
    }
    this.retiring.clear();
    if (this.current) for (const s of setsOf(this.current)) s.dispose();
  }

  /** For /healthz: versions per arm, labels, the canary share and its source, the execution provider. */
  health(): string {
    const active = this.active;
    const arm = (a: ArmModels | null) =>
      a
        ? DECISION_MODEL_NAMES.map((n) => `${n}@${a.versions[n]}${labelNote(a.labels[n]!)}`).join(' ')
        : 'none';
    const error = this.lastError ? `; last sync failed: ${this.lastError}` : '';
    return (
      `${active.source === 'built-in' ? 'built-in bootstrap set (registry models not loaded)' : 'registry'} on ` +
      `${active.production.set.provider}; production: ${arm(active.production)}; canary: ${arm(active.canary)} ` +
      `at ${active.canaryPercent}% (${active.canaryPercentSource === 'rollout' ? 'active rollout' : 'ENGINE_CANARY_PERCENT'}); ` +
      `shadow: ${arm(active.shadow)}${error}`
    );
  }

  private async syncOnce(): Promise<boolean> {
    let live: ModelVersionRef[];
    let share: Pick<ActiveModels, 'canaryPercent' | 'canaryPercentSource'>;
    try {
      const state = await this.source.liveState(DECISION_MODEL_NAMES);
      live = state.versions;
      share =
        state.canaryPercent === null
          ? { canaryPercent: this.options.defaultCanaryPercent, canaryPercentSource: 'env' }
          : { canaryPercent: state.canaryPercent, canaryPercentSource: 'rollout' };
    } catch (err) {
      this.lastError = `registry: ${(err as Error).message}`;
      if (!this.current) throw err;
      return false;
    }
    const fingerprint = `${liveFingerprint(live)}|canary ${share.canaryPercent}% ${share.canaryPercentSource}`;
    if (fingerprint === this.fingerprint && this.current?.source === 'registry') return false;

    const plan = planArms(live);
    if (!plan.production) {
      const message = `no production version of ${plan.missingProduction.join(', ')}`;
      if (this.lastError !== message)
        this.log.error({ missing: plan.missingProduction }, `${message}; keeping the models in force`);
      this.lastError = message;
      if (!this.current) throw new ModelCatalogError(message);
      return false;
    }

    const started = performance.now();
    const previous = this.current?.source === 'registry' ? this.current : null;
    const bytes = new Map<string, Promise<{ bytes: Uint8Array; label: string }>>();
    const load = (ref: ModelVersionRef) => {
      const key = `${ref.name}@${ref.version}`;
      let pending = bytes.get(key);
      if (!pending) bytes.set(key, (pending = this.source.load(ref)));
      return pending;
    };
    const reusable = (plan: ArmPlan) =>
      [previous?.production, previous?.canary, previous?.shadow].find((a) => a?.key === plan.key) ?? null;

    const created: ModelSet[] = [];
    const build = async (armPlan: ArmPlan): Promise<ArmModels> => {
      const reused = reusable(armPlan);
      if (reused) return { ...reused, arm: armPlan.arm };
      const artifacts = await Promise.all(
        armPlan.models.map(async (ref): Promise<ModelArtifact> => ({
          ...(await load(ref)),
          name: ref.name,
          version: ref.version,
        })),
      );
      // One arm's sessions at a time, then back to the event loop before the next.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const set = ModelSet.create(
        { specialists: artifacts.slice(0, -1), metaController: artifacts.at(-1)! },
        this.options.sessions,
      );
      created.push(set);
      warm(set);
      return {
        arm: armPlan.arm,
        key: armPlan.key,
        set,
        versions: Object.fromEntries(artifacts.map((a) => [a.name, a.version])),
        labels: Object.fromEntries(artifacts.map((a) => [a.name, a.label])),
      };
    };

    let production: ArmModels;
    try {
      production = await build(plan.production);
    } catch (err) {
      for (const s of created) s.dispose();
      this.stats.failures++;
      const message = `production ${plan.production.key}: ${(err as Error).message}`;
      // Retried on every poll; logged once per distinct failure.
      if (message !== this.lastError)
        this.log.error(
          { err, versions: plan.production.key },
          'could not load the production models; keeping the models in force',
        );
      this.lastError = message;
      if (!this.current) throw err;
      return false;
    }
    // A broken canary or shadow leaves its arm empty; production keeps serving.
    let optionalError: string | null = null;
    const optional = async (armPlan: ArmPlan | null) => {
      if (!armPlan) return null;
      try {
        return await build(armPlan);
      } catch (err) {
        this.stats.failures++;
        optionalError = `${armPlan.arm} ${armPlan.key}: ${(err as Error).message}`;
        this.log.error(
          { err, arm: armPlan.arm, versions: armPlan.key },
          'could not load a model arm; it stays empty',
        );
        return null;
      }
    };
    const canary = await optional(plan.canary);
    const shadow = await optional(plan.shadow);

    if (this.stopped) {
      for (const s of created) s.dispose();
      return false;
    }
    const next: ActiveModels = {
      production,
      canary,
      shadow,
      ...share,
      source: 'registry',
      since: new Date(this.clock()).toISOString(),
    };
    this.install(next, fingerprint);
    this.lastError = optionalError;
    this.log.info(
      {
        production: production.key,
        canary: canary?.key ?? null,
        shadow: shadow?.key ?? null,
        canaryPercent: share.canaryPercent,
        canaryPercentSource: share.canaryPercentSource,
        provider: production.set.provider,
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'model sets swapped in',
    );
    return true;
  }

  /** The atomic swap; sets no longer used are released after the grace period. */
  private install(next: ActiveModels, fingerprint: string | null): void {
    const previous = this.current;
    this.current = next;
    this.fingerprint = fingerprint;
    if (previous) this.stats.swaps++;
    if (!previous) return;
    const keep = new Set(setsOf(next));
    const old = setsOf(previous).filter((s) => !keep.has(s));
    if (old.length === 0) return;
    const entry = {
      sets: old,
      timer: setTimeout(() => {
        this.retiring.delete(entry);
        for (const s of old) s.dispose();
      }, this.options.graceMs),
    };
    entry.timer.unref();
    this.retiring.add(entry);
  }

  private builtIn(): ActiveModels {
    const set = ModelSet.create(bootstrapModelSetInput(bootstrapModelSet()), this.options.sessions);
    warm(set);
    const versions = Object.fromEntries(DECISION_MODEL_NAMES.map((n) => [n, BOOTSTRAP_VERSION]));
    const labels = Object.fromEntries(DECISION_MODEL_NAMES.map((n) => [n, BOOTSTRAP_LABEL]));
    const key = DECISION_MODEL_NAMES.map((n) => `${n}@${BOOTSTRAP_VERSION}`).join(',');
    return {
      production: { arm: 'production', key, set, versions, labels },
      canary: null,
      shadow: null,
      canaryPercent: this.options.defaultCanaryPercent,
      canaryPercentSource: 'env',
      source: 'built-in',
      since: new Date(this.clock()).toISOString(),
    };
  }
}

/** A few runs so the first real decision does not pay ONNX Runtime's first-run allocations. */
function warm(set: ModelSet): void {
  const features = new Float32Array(FEATURE_COUNT);
  const regime = new Float32Array(REGIME_COUNT).fill(1 / REGIME_COUNT);
  for (let i = 0; i < WARM_RUNS; i++) set.decide(features, regime);
}

function setsOf(active: ActiveModels): ModelSet[] {
  return [...new Set([active.production, active.canary, active.shadow].flatMap((a) => (a ? [a.set] : [])))];
}

function labelNote(label: string): string {
  return label === BOOTSTRAP_LABEL ? ' (bootstrap)' : '';
}
