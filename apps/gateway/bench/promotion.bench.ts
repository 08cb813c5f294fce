/**
 * `npm run bench:promotion`: promotion-to-serving time. An engine and a gateway start on a
 * fresh database of the running local stack; a new momentum version is registered and moved
 * to production through the gateway's moveModelStage, PROMOTION_RUNS times (default 10). Each
 * run is timed from the mutation returning to the engine's /healthz serving the version (polled
 * every 2 ms). The engine polls the registry every ENGINE_MODEL_POLL_S seconds (default 5, the
 * engine's own default), so a promotion the engine learns of only by its poll shows here as up
 * to that interval. The last line is JSON.
 */
import { testEnv } from '../../../test/stack';
import { startPromotionStack } from '../test/promotion-stack';

const log = (msg: string) => console.error(`[bench:promotion] ${msg}`);
const runs = Number(process.env.PROMOTION_RUNS ?? 10);
const pollS = Number(process.env.ENGINE_MODEL_POLL_S ?? 5);

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    p50: round(s[Math.floor(s.length / 2)]!),
    max: round(s.at(-1)!),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

async function main() {
  log(`stack at ${testEnv.DATABASE_URL}; engine registry poll ${pollS} s; ${runs} promotions`);
  const stack = await startPromotionStack('tradeplane_bench_promotion', {
    ENGINE_MODEL_POLL_S: String(pollS),
  });
  const serving: number[] = [];
  const mutation: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const version = await stack.registerMomentum();
      // Promotions land at random points of the engine's poll cycle, as they do in use.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * pollS * 1000));
      const timed = await stack.promote(version, pollS * 1000 + 30_000);
      serving.push(timed.servingMs);
      mutation.push(timed.mutationMs);
      log(
        `momentum@${version}: mutation ${timed.mutationMs.toFixed(1)} ms, then serving after ${timed.servingMs.toFixed(1)} ms`,
      );
    }
  } finally {
    await stack.stop();
  }
  const s = summary(serving);
  const m = summary(mutation);
  console.log(
    JSON.stringify({
      runs,
      engine_model_poll_ms: pollS * 1000,
      promotion_to_serving_p50_ms: s.p50,
      promotion_to_serving_mean_ms: s.mean,
      promotion_to_serving_max_ms: s.max,
      mutation_p50_ms: m.p50,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
