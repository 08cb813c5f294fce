/**
 * ONNX Runtime sessions for the decision path.
 *
 * Synchronous on purpose: the engine's predict handler is a synchronous fast path, and the
 * public `InferenceSession.run()` of onnxruntime-node wraps the (synchronous, native) run in
 * a Promise resolved from `setImmediate`, so four model calls would cost four event-loop
 * turns per decision. We create the same native session object the public API wraps
 * (`onnxruntime-node/dist/binding.js`: `InferenceSession.loadModel / run`, unchanged since
 * 1.4) and call it directly. Session options are parsed by the same native code, so
 * execution providers and thread settings mean what the ONNX Runtime docs say. package.json
 * holds onnxruntime-node to 1.30.x; model-session.test.ts fails loudly if an upgrade moves
 * the binding.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { binding, initOrt, type Binding } from 'onnxruntime-node/dist/binding.js';
import type { ActualTensor } from '../graphs/signatures';

/** Execution providers the engine knows how to ask for, in ENGINE_EXECUTION_PROVIDERS. */
export const executionProviders = ['cuda', 'cpu'] as const;
export type ExecutionProvider = (typeof executionProviders)[number];
export const DEFAULT_EXECUTION_PROVIDERS = 'cuda,cpu';

export type ModelErrorCode =
  | 'UNKNOWN_EXECUTION_PROVIDER'
  | 'NO_EXECUTION_PROVIDER'
  | 'SIGNATURE_MISMATCH'
  | 'MODEL_SET_INVALID'
  | 'BAD_INPUT';

export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

/**
 * Parses a comma-separated preference list (`ENGINE_EXECUTION_PROVIDERS`, e.g. `cuda,cpu`):
 * trimmed, lower-cased, duplicates dropped. Unknown names are an error naming the value.
 */
export function parseExecutionProviders(raw: string = DEFAULT_EXECUTION_PROVIDERS): ExecutionProvider[] {
  const names = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new ModelError('UNKNOWN_EXECUTION_PROVIDER', 'ENGINE_EXECUTION_PROVIDERS names no provider');
  }
  const out: ExecutionProvider[] = [];
  for (const name of names) {
    if (!(executionProviders as readonly string[]).includes(name)) {
      throw new ModelError(
        'UNKNOWN_EXECUTION_PROVIDER',
        `ENGINE_EXECUTION_PROVIDERS: unknown provider '${name}' (known: ${executionProviders.join(', ')})`,
      );
    }
    if (!out.includes(name as ExecutionProvider)) out.push(name as ExecutionProvider);
  }
  return out;
}

export interface ModelSessionOptions {
  /** Tried in order; the first that loads the model is used. */
  executionProviders: readonly ExecutionProvider[];
  /**
   * Threads inside one run (default 1). The models are microsecond-sized: handing a run to a
   * thread pool costs more than it saves, and spinning pool threads would take cores from
   * the HTTP loop.
   */
  intraOpThreads?: number;
}

/** Why a preferred provider was passed over (logged and shown on /healthz by the caller). */
export interface ProviderFallback {
  provider: ExecutionProvider;
  reason: string;
}

/** One loaded model: a synchronous run over named float32 tensors. */
export interface ModelSession {
  /** The execution provider the session was created with. */
  readonly provider: ExecutionProvider;
  /** Providers tried before it, and why they were not used. */
  readonly fallbacks: readonly ProviderFallback[];
  readonly inputs: readonly ActualTensor[];
  readonly outputs: readonly ActualTensor[];
  /** Runs the model now, on this thread. `feeds` are ONNX Runtime tensors (reuse them). */
  run(feeds: Record<string, Tensor>, fetches: readonly string[]): Record<string, Float32Array>;
  dispose(): void;
}

const ELEMENT_TYPES: Record<number, string> = { 1: 'float32', 7: 'int64', 11: 'float64' };

/**
 * Why this onnxruntime-node install cannot provide CUDA, or null when it may: its install
 * script downloads the CUDA provider library next to the binding (it cannot here: the host is unreachable, and
 * npm skips install scripts). Checked before asking ONNX Runtime, which would otherwise
 * print a native error for every model. A GPU-less machine with the library installed still
 * fails at session creation and falls back the same way.
 */
export function cudaLibraryMissing(): string | null {
  const require = createRequire(import.meta.url);
  const dir = path.join(
    path.dirname(require.resolve('onnxruntime-node/package.json')),
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  if (!existsSync(dir)) return null; // unknown layout: let ONNX Runtime decide
  const libs = ['libonnxruntime_providers_cuda.so', 'onnxruntime_providers_cuda.dll'];
  return libs.some((lib) => existsSync(path.join(dir, lib)))
    ? null
    : `the CUDA provider library is not installed in ${dir} (onnxruntime-node's install script downloads it)`;
}

function providerOptions(provider: ExecutionProvider, threads: number): InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

/**
 * Loads ONNX bytes into a session on the first provider that accepts them. Throws
 * NO_EXECUTION_PROVIDER (with every provider's reason) when none does; a model that is
 * itself broken fails the same way on cpu, with ONNX Runtime's message.
 */
export function createModelSession(bytes: Uint8Array, options: ModelSessionOptions): ModelSession {
  initOrt();
  const threads = options.intraOpThreads ?? 1;
  const fallbacks: ProviderFallback[] = [];
  for (const provider of options.executionProviders) {
    const missing = provider === 'cuda' ? cudaLibraryMissing() : null;
    if (missing) {
      fallbacks.push({ provider, reason: missing });
      continue;
    }
    const native = new binding.InferenceSession();
    try {
      // (A SharedArrayBuffer-backed view would be rejected by the binding; files and buffers never are.)
      native.loadModel(
        bytes.buffer as ArrayBuffer,
        bytes.byteOffset,
        bytes.byteLength,
        providerOptions(provider, threads),
      );
    } catch (err) {
      fallbacks.push({ provider, reason: (err as Error).message });
      continue;
    }
    return wrap(native, provider, fallbacks);
  }
  throw new ModelError(
    'NO_EXECUTION_PROVIDER',
    `no execution provider could load the model: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`,
  );
}

function describe(meta: Binding.ValueMetadata): ActualTensor {
  return {
    name: meta.name,
    type: ELEMENT_TYPES[meta.type] ?? `onnx-type-${meta.type}`,
    shape: meta.shape.map((d, i) => (d === -1 ? (meta.symbolicDimensions[i] ?? '?') : d)),
  };
}

function wrap(
  native: Binding.InferenceSession,
  provider: ExecutionProvider,
  fallbacks: ProviderFallback[],
): ModelSession {
  const noRunOptions = {};
  let disposed = false;
  // The fetch map ONNX Runtime wants ({name: null}), rebuilt only when the caller's list changes.
  let lastFetches: readonly string[] | null = null;
  let wanted: Record<string, null> = {};
  return {
    provider,
    fallbacks,
    inputs: native.inputMetadata.map(describe),
    outputs: native.outputMetadata.map(describe),
    run(feeds, fetches) {
      if (fetches !== lastFetches) {
        wanted = Object.fromEntries(fetches.map((name) => [name, null]));
        lastFetches = fetches;
      }
      const results = native.run(feeds, wanted, noRunOptions);
      const out: Record<string, Float32Array> = {};
      for (const name of fetches) {
        const value = results[name] as Tensor | undefined;
        if (!value || value.type !== 'float32') {
          throw new ModelError('SIGNATURE_MISMATCH', `output '${name}' is not a float32 tensor`);
        }
        out[name] = value.data as Float32Array;
      }
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      native.dispose();
    },
  };
}

/** A float32 ONNX Runtime tensor over `data` (no copy: refill `data` and run again). */
export function floatTensor(data: Float32Array, dims: readonly number[]): Tensor {
  return new Tensor('float32', data, dims);
}
