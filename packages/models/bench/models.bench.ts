/**
 * npx tsx packages/models/bench/models.bench.ts — the model part of one decision, in process.
 *
 * Measures, on real SPY feature rows (the bootstrap models, one row per call):
 *   - decide: ModelSet.decide — three specialist runs + the meta-controller run, synchronous,
 *     plus the weight guard and the blend (what the engine does per request);
 *   - public_async: the same four runs through onnxruntime-node's public
 *     `await session.run()` (one setImmediate hop per run): the baseline the sync path beats;
 *   - fused: the same maths as ONE graph (specialists + meta-controller + blend), one run: what
 *     fusing would save.
 * Prints one JSON object on the last line (per-call latencies in milliseconds).
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  attr,
  bootstrapModelSetInput,
  createModelSession,
  encodeOnnxModel,
  equalWeightMetaParams,
  FEATURE_COUNT,
  floatTensor,
  metaControllerGraph,
  ModelSet,
  parseExecutionProviders,
  REGIME_COUNT,
  DEFAULT_SPECIALIST_PARAMS,
  specialistGraph,
  specialistNames,
  type OnnxGraph,
} from '@tradeplane/models';
import { spyFeatures } from '@tradeplane/models/testing';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 50_000);
const WARMUP = 2_000;
const log = (msg: string) => console.error(`[bench:models] ${msg}`);

function percentiles(samplesMs: Float64Array) {
  const s = Float64Array.from(samplesMs).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    p50_ms: round(at(0.5)),
    p95_ms: round(at(0.95)),
    p99_ms: round(at(0.99)),
    max_ms: round(s[s.length - 1]!),
  };
}

async function measure(run: (i: number) => unknown | Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const samples = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    const r = run(i);
    if (r instanceof Promise) await r;
    samples[i] = performance.now() - t0;
  }
  return percentiles(samples);
}

/** The bootstrap graphs merged into one: names prefixed per model, signals concatenated, blended. */
function fusedGraph(): OnnxGraph {
  const shared = new Set(['features', 'regime']);
  const parts = [
    ...specialistNames.map((n) => specialistGraph(n, DEFAULT_SPECIALIST_PARAMS[n])),
    metaControllerGraph(equalWeightMetaParams(specialistNames)),
  ].map((g, k) => {
    const rename = (v: string) => (shared.has(v) || v === '' ? v : `m${k}/${v}`);
    return {
      nodes: g.nodes.map((n) => ({ ...n, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) })),
      initializers: g.initializers.map((t) => ({ ...t, name: rename(t.name) })),
    };
  });
  const meta = parts.length - 1;
  return {
    name: 'decision',
    inputs: [
      { name: 'regime', shape: ['N', REGIME_COUNT] },
      { name: 'features', shape: ['N', FEATURE_COUNT] },
    ],
    outputs: [
      { name: 'signals', shape: ['N', 3] },
      { name: `m${meta}/weights`, shape: ['N', 3] },
      { name: 'blend', shape: ['N', 1] },
    ],
    nodes: [
      ...parts.flatMap((p) => p.nodes),
      {
        opType: 'Concat',
        inputs: specialistNames.map((_, k) => `m${k}/signal`),
        outputs: ['signals'],
        attributes: { axis: attr.int(1) },
      },
      { opType: 'Mul', inputs: ['signals', `m${meta}/weights`], outputs: ['contributions'] },
      {
        opType: 'ReduceSum',
        inputs: ['contributions', 'blend_axes'],
        outputs: ['blend'],
        attributes: { keepdims: attr.int(1) },
      },
    ],
    initializers: [
      ...parts.flatMap((p) => p.initializers),
      { name: 'blend_axes', dims: [1], data: [1], type: 'int64' },
    ],
  };
}

async function main() {
  const spy = spyFeatures();
  const first = 40; // past every feature's warm-up
  const rows = Array.from({ length: spy.dates.length - first }, (_, i) => spy.row(first + i));
  const regime = Float32Array.from([0.6, 0.15, 0.25]);
  const providers = parseExecutionProviders(process.env.ENGINE_EXECUTION_PROVIDERS);
  const row = (i: number) => rows[i % rows.length]!;

  const input = bootstrapModelSetInput();
  const set = ModelSet.create(input, { executionProviders: providers });
  log(`provider ${set.provider}; ${ITERATIONS} calls per variant over ${rows.length} SPY rows`);
  let sink = 0;
  const decide = await measure((i) => (sink += set.decide(row(i), regime).blend));

  const sessions = await Promise.all(
    [...input.specialists, input.metaController].map((m) =>
      InferenceSession.create(m.bytes, {
        executionProviders: [set.provider.split('+')[0]!],
        intraOpNumThreads: 1,
      }),
    ),
  );
  const publicAsync = await measure(async (i) => {
    const features = new Tensor('float32', row(i), [1, FEATURE_COUNT]);
    for (let k = 0; k < 3; k++) await sessions[k]!.run({ features });
    await sessions[3]!.run({ features, regime: new Tensor('float32', regime, [1, REGIME_COUNT]) });
  });

  const fused = createModelSession(encodeOnnxModel({ graph: fusedGraph() }), {
    executionProviders: providers,
  });
  const featureData = new Float32Array(FEATURE_COUNT);
  const feeds = {
    features: floatTensor(featureData, [1, FEATURE_COUNT]),
    regime: floatTensor(regime, [1, REGIME_COUNT]),
  };
  const fetches = ['blend'];
  const fusedRun = await measure((i) => {
    featureData.set(row(i));
    sink += fused.run(feeds, fetches).blend![0]!;
  });

  set.dispose();
  fused.dispose();
  await Promise.all(sessions.map((s) => s.release()));
  if (!Number.isFinite(sink)) throw new Error('non-finite blend');

  console.log(
    JSON.stringify({
      benchmark: 'models',
      provider: set.provider,
      iterations: ITERATIONS,
      session_runs_per_decision: 4,
      decide_p50_ms: decide.p50_ms,
      decide_p95_ms: decide.p95_ms,
      decide_p99_ms: decide.p99_ms,
      decide_max_ms: decide.max_ms,
      public_async_p50_ms: publicAsync.p50_ms,
      public_async_p95_ms: publicAsync.p95_ms,
      public_async_p99_ms: publicAsync.p99_ms,
      fused_p50_ms: fusedRun.p50_ms,
      fused_p95_ms: fusedRun.p95_ms,
      fused_p99_ms: fusedRun.p99_ms,
      budget_ms: 1,
    }),
  );
}

await main();
