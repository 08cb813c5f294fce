/**
 * bench:rollout — replay throughput with a rollout in progress against the same replay without
 * one, the controller's CPU per tick, and trigger-to-rollback time (a rollback committed to the
 * engine routing nothing to the candidate). Self-contained: starts the local stack when it is
 * not running (and leaves it as it found it), an engine and a workers process on a fresh
 * database holding the real daily bars; prints one JSON object on its last line.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { actOnRollout } from '@tradeplane/models';
import { healthz, waitFor } from '../../../test/decision-stack';
import { repoRoot } from '../../../test/stack';
import { nearIncumbent, startRolloutStack } from '../test/rollout-stack';

const stackScript = path.join(repoRoot, 'infra/stack.sh');
const wasUp = (() => {
  try {
    execFileSync('bash', [stackScript, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!wasUp) execFileSync('bash', [stackScript, 'up'], { stdio: 'inherit' });

const PM = { by: 'pm@rollout.bench', auditActor: 'user:rollout-bench' };
const FROM = Date.UTC(2017, 0, 3);
const TO = Date.UTC(2017, 11, 29);
const ROLLBACKS = 5;

async function metricSum(url: string, name: string): Promise<number> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name) && !line.startsWith('#')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

const stack = await startRolloutStack('tradeplane_bench_rollout');
try {
  const cores = (await import('node:os')).cpus().length;
  // Baseline: the same replay with no rollout (no set scored beside, controller idle).
  const baseline = await stack.replay({ fromMs: FROM, toMs: TO });
  const baselinePerS = baseline.decisions.length / (baseline.elapsedMs / 1000);

  // With a rollout at a 50 % canary: both sets scored on every decision, the controller judging.
  const candidate = await stack.registerCandidate('bench candidate', nearIncumbent(0.002));
  const rollout = await stack.start(
    candidate,
    { steps: [{ percent: 50, minDecisions: 1_000_000, maxDurationMinutes: 600 }] },
    'bench: rollout in progress',
  );
  const ticksBefore = await metricSum(stack.workers.url, 'tp_rollout_controller_tick_seconds_count');
  const tickSecondsBefore = await metricSum(stack.workers.url, 'tp_rollout_controller_tick_seconds_sum');
  const withRollout = await stack.replay({ fromMs: FROM, toMs: TO });
  const withPerS = withRollout.decisions.length / (withRollout.elapsedMs / 1000);
  const ticks =
    (await metricSum(stack.workers.url, 'tp_rollout_controller_tick_seconds_count')) - ticksBefore;
  const tickSeconds =
    (await metricSum(stack.workers.url, 'tp_rollout_controller_tick_seconds_sum')) - tickSecondsBefore;
  const snapshot = (await stack.repos.rollouts.latestSnapshot(rollout.id))!;

  // Trigger to rollback in effect at the engine: the rollback committed and announced, then the
  // engine's /healthz shows no canary (it routes every request to the incumbent).
  const announce = (await import('@tradeplane/platform')).createQueueConnection(stack.env.REDIS_QUEUE_URL!);
  const rollbackMs: number[] = [];
  let current = rollout;
  for (let i = 0; i < ROLLBACKS; i++) {
    if (i > 0) {
      const c = await stack.registerCandidate(`bench candidate ${i}`, nearIncumbent(0.002 + i / 1000));
      current = await stack.start(
        c,
        { steps: [{ percent: 50, minDecisions: 1_000_000, maxDurationMinutes: 600 }] },
        'bench: rollback timing',
      );
      await waitFor(
        async () => ((await healthz(stack.engine.url)).models?.canary ? true : undefined),
        30_000,
        20,
      );
    }
    const t0 = performance.now();
    await actOnRollout(
      { repos: stack.repos, announce: (ch, m) => void announce.publish(ch, JSON.stringify(m)) },
      current.id,
      'abort',
      PM,
      { reason: 'bench: rollback timing' },
    );
    await waitFor(
      async () => ((await healthz(stack.engine.url)).models?.canary === null ? true : undefined),
      10_000,
      2,
    );
    rollbackMs.push(performance.now() - t0);
  }
  announce.disconnect();
  rollbackMs.sort((a, b) => a - b);
  const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
  console.log(
    JSON.stringify({
      cores,
      note: `${cores} cores run the stack, engine, workers, the replay client and this bench together: saturated`,
      replay_decisions: withRollout.decisions.length,
      baseline_replay_decisions_per_s: round(baselinePerS, 1),
      rollout_replay_decisions_per_s: round(withPerS, 1),
      rollout_vs_baseline_throughput_ratio: round(withPerS / baselinePerS),
      controller_ticks: ticks,
      controller_tick_mean_ms: ticks > 0 ? round((tickSeconds / ticks) * 1000) : null,
      controller_paired_decisions_judged: snapshot.n,
      trigger_to_rollback_p50_ms: round(rollbackMs[Math.floor(rollbackMs.length / 2)]!),
      trigger_to_rollback_max_ms: round(rollbackMs.at(-1)!),
      rollback_target_ms: 10_000,
      rollback_target_met: rollbackMs.at(-1)! < 10_000,
    }),
  );
} finally {
  await stack.stop();
  if (!wasUp) execFileSync('bash', [stackScript, 'down'], { stdio: 'inherit' });
}
