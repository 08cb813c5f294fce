/**
 * The models one decision uses: the specialists and the meta-controller, each its own ONNX
 * session (the registry's unit: a specialist is retrained, versioned and rolled out on its
 * own), run one after the other for one row.
 *
 * Why four runs and not one fused graph: the bench (bench/models.bench.ts) puts the four
 * synchronous runs at ≈ 0.03 ms p50 / 0.07 ms p99 per decision on the dev machine's CPU,
 * under a tenth of the sub-millisecond budget. One fused graph runs in ≈ 0.016 ms, but it
 * would tie the specialists' versions together and need graph surgery (renaming, opset
 * reconciliation) on every trained export. Fusing stays possible later without changing
 * the signatures.
 */
import type { ModelSignature } from '@tradeplane/contracts';
import {
  createModelSession,
  floatTensor,
  ModelError,
  type ModelSession,
  type ModelSessionOptions,
  type ProviderFallback,
} from '../onnx/model-session';
import { normaliseWeights, type WeightsCheck } from './normalise-weights';
import {
  FEATURE_COUNT,
  metaControllerSignature,
  REGIME_COUNT,
  signatureMismatches,
  specialistSignature,
  TENSOR_NAMES,
} from '../graphs/signatures';

/** A model as the registry hands it over. */
export interface ModelArtifact {
  name: string;
  version: number;
  /** e.g. 'bootstrap' for the parameter-built version 1, or the training run that made it. */
  label: string;
  bytes: Uint8Array;
}

export interface ModelSetInput {
  /** Order matters: column i of the meta-controller's weights is specialist i. */
  specialists: readonly ModelArtifact[];
  metaController: ModelArtifact;
}

export interface LoadedModelInfo {
  role: 'specialist' | 'meta-controller';
  name: string;
  version: number;
  label: string;
  signature: ModelSignature;
  provider: string;
}

export interface ModelDecision {
  /** One per specialist, in the set's order, each in [-1, 1]. */
  signals: Float64Array;
  /** The meta-controller's weights after the simplex guard. */
  weights: Float64Array;
  /** Σ weights[i] · signals[i], in [-1, 1]. */
  blend: number;
  /** Whether the weights had to be fixed (count it, alert on it). */
  weightsCheck: WeightsCheck;
  /** Specialist outputs that were NaN (→ 0) or outside [-1, 1] (→ clamped). */
  signalsClamped: number;
}

const SIGNAL_FETCH = [TENSOR_NAMES.signal] as const;
const WEIGHTS_FETCH = [TENSOR_NAMES.weights] as const;

export class ModelSet {
  /** The execution provider(s) in use, e.g. 'cpu' or 'cuda' ('cuda+cpu' if models differ). */
  readonly provider: string;
  /** Providers passed over while loading, and why. */
  readonly fallbacks: readonly ProviderFallback[];
  readonly models: readonly LoadedModelInfo[];

  private readonly featureData = new Float32Array(FEATURE_COUNT);
  private readonly regimeData = new Float32Array(REGIME_COUNT);
  private readonly specialistFeeds = {
    [TENSOR_NAMES.features]: floatTensor(this.featureData, [1, FEATURE_COUNT]),
  };
  private readonly metaFeeds = {
    [TENSOR_NAMES.regime]: floatTensor(this.regimeData, [1, REGIME_COUNT]),
    ...this.specialistFeeds,
  };
  private disposed = false;

  private constructor(
    private readonly specialists: readonly ModelSession[],
    private readonly meta: ModelSession,
    models: LoadedModelInfo[],
  ) {
    this.models = models;
    const providers = [...new Set([...specialists, meta].map((s) => s.provider))];
    this.provider = providers.join('+');
    this.fallbacks = [...specialists, meta].flatMap((s) => s.fallbacks);
  }

  /**
   * Loads every model, checks each against its signature (signatures.ts) and fails with
   * SIGNATURE_MISMATCH / MODEL_SET_INVALID naming the model. Providers are tried in order for
   * the first model; the rest start from the provider it got, so a missing CUDA is found once.
   */
  static create(input: ModelSetInput, options: ModelSessionOptions): ModelSet {
    const names = input.specialists.map((s) => s.name);
    if (names.length === 0)
      throw new ModelError('MODEL_SET_INVALID', 'a model set needs at least one specialist');
    if (new Set(names).size !== names.length) {
      throw new ModelError('MODEL_SET_INVALID', `specialist names repeat: ${names.join(', ')}`);
    }
    const opened: ModelSession[] = [];
    const models: LoadedModelInfo[] = [];
    let providers = options.executionProviders;
    const open = (artifact: ModelArtifact, role: LoadedModelInfo['role'], signature: ModelSignature) => {
      const session = createModelSession(artifact.bytes, { ...options, executionProviders: providers });
      opened.push(session);
      providers = providers.slice(providers.indexOf(session.provider));
      const problems = signatureMismatches(signature, session);
      if (problems.length > 0) {
        throw new ModelError(
          'SIGNATURE_MISMATCH',
          `${role} '${artifact.name}' v${artifact.version}: ${problems.join('; ')}`,
        );
      }
      const { name, version, label } = artifact;
      models.push({ role, name, version, label, signature, provider: session.provider });
      return session;
    };
    try {
      const specialists = input.specialists.map((s) => open(s, 'specialist', specialistSignature));
      const meta = open(input.metaController, 'meta-controller', metaControllerSignature(names.length));
      return new ModelSet(specialists, meta, models);
    } catch (err) {
      for (const session of opened) session.dispose();
      throw err;
    }
  }

  /** Specialist names, in weight-column order. */
  get specialistNames(): string[] {
    return this.models.filter((m) => m.role === 'specialist').map((m) => m.name);
  }

  /**
   * One decision row: every specialist's signal, the meta-controller's weights (guarded by
   * normaliseWeights) and their blend. `features` is a feature row (featureRow: contract
   * order, null → 0); `regime` is P(bull), P(bear), P(sideways). Synchronous; no allocation
   * beyond the result and ONNX Runtime's output tensors.
   */
  decide(features: ArrayLike<number>, regime: ArrayLike<number>): ModelDecision {
    if (this.disposed) throw new ModelError('MODEL_SET_INVALID', 'model set is disposed');
    if (features.length !== FEATURE_COUNT) {
      throw new ModelError('BAD_INPUT', `features: expected ${FEATURE_COUNT} values, got ${features.length}`);
    }
    if (regime.length !== REGIME_COUNT) {
      throw new ModelError('BAD_INPUT', `regime: expected ${REGIME_COUNT} values, got ${regime.length}`);
    }
    this.featureData.set(features);
    this.regimeData.set(regime);

    const n = this.specialists.length;
    const signals = new Float64Array(n);
    let signalsClamped = 0;
    for (let i = 0; i < n; i++) {
      const out = this.specialists[i]!.run(this.specialistFeeds, SIGNAL_FETCH)[TENSOR_NAMES.signal]!;
      if (out.length !== 1) throw this.shapeError(i, out.length);
      const s = out[0]!;
      if (s >= -1 && s <= 1) signals[i] = s;
      else {
        signalsClamped++;
        signals[i] = Number.isNaN(s) ? 0 : Math.min(1, Math.max(-1, s));
      }
    }

    const raw = this.meta.run(this.metaFeeds, WEIGHTS_FETCH)[TENSOR_NAMES.weights]!;
    if (raw.length !== n) throw this.shapeError(n, raw.length);
    const weights = Float64Array.from(raw);
    const weightsCheck = normaliseWeights(weights);
    let blend = 0;
    for (let i = 0; i < n; i++) blend += weights[i]! * signals[i]!;
    return { signals, weights, blend, weightsCheck, signalsClamped };
  }

  /**
   * Many rows in one run per model (a decision on a basket, the forensics consumer's
   * occlusions): `features` is rows × FEATURE_COUNT and `regime` rows × REGIME_COUNT,
   * row-major. Signals and weights get the same guards as `decide` (clamp, normaliseWeights)
   * row by row, reported per row in `checks` and `clamped`. It allocates its tensors per call
   * (a few hundred bytes), which costs far less than one model run per row.
   */
  decideBatch(
    features: Float32Array,
    regime: Float32Array,
    rows: number,
  ): {
    signals: Float64Array;
    weights: Float64Array;
    blends: Float64Array;
    checks: WeightsCheck[];
    clamped: Int32Array;
  } {
    if (this.disposed) throw new ModelError('MODEL_SET_INVALID', 'model set is disposed');
    if (features.length !== rows * FEATURE_COUNT || regime.length !== rows * REGIME_COUNT) {
      throw new ModelError('BAD_INPUT', `batch of ${rows} rows: features or regime has the wrong length`);
    }
    const n = this.specialists.length;
    const featureTensor = floatTensor(features, [rows, FEATURE_COUNT]);
    const signals = new Float64Array(rows * n);
    const clamped = new Int32Array(rows);
    for (let i = 0; i < n; i++) {
      const out = this.specialists[i]!.run({ [TENSOR_NAMES.features]: featureTensor }, SIGNAL_FETCH)[
        TENSOR_NAMES.signal
      ]!;
      if (out.length !== rows) throw this.shapeError(i, out.length / Math.max(rows, 1));
      for (let r = 0; r < rows; r++) {
        const s = out[r]!;
        if (s >= -1 && s <= 1) signals[r * n + i] = s;
        else {
          clamped[r]!++;
          signals[r * n + i] = Number.isNaN(s) ? 0 : Math.min(1, Math.max(-1, s));
        }
      }
    }
    const raw = this.meta.run(
      {
        [TENSOR_NAMES.regime]: floatTensor(regime, [rows, REGIME_COUNT]),
        [TENSOR_NAMES.features]: featureTensor,
      },
      WEIGHTS_FETCH,
    )[TENSOR_NAMES.weights]!;
    if (raw.length !== rows * n) throw this.shapeError(n, raw.length / Math.max(rows, 1));
    const weights = Float64Array.from(raw);
    const blends = new Float64Array(rows);
    const checks: WeightsCheck[] = new Array<WeightsCheck>(rows);
    for (let r = 0; r < rows; r++) {
      const w = weights.subarray(r * n, (r + 1) * n);
      checks[r] = normaliseWeights(w);
      let blend = 0;
      for (let i = 0; i < n; i++) blend += w[i]! * signals[r * n + i]!;
      blends[r] = blend;
    }
    return { signals, weights, blends, checks, clamped };
  }

  /** Releases every session; safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const session of [...this.specialists, this.meta]) session.dispose();
  }

  private shapeError(index: number, length: number): ModelError {
    const model = this.models[index]!;
    const want = model.role === 'specialist' ? 1 : this.specialists.length;
    return new ModelError(
      'SIGNATURE_MISMATCH',
      `${model.role} '${model.name}' v${model.version} returned ${length} values for one row, expected ${want}`,
    );
  }
}
