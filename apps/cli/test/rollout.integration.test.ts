/**
 * Rollouts end to end on the real stack and real data: `tradeplane replay`'s paper trading
 * client plays stored daily bars of ten stocks to an engine process while a rollout runs; the
 * workers process books every decision's outcomes for both sets and its rollout controller
 * moves the rollout on the sequential test and the guards. Each case checks what the controller
 * did, the evidence it stored, the registry and the engine afterwards, and that the replay (the
 * incumbent serving throughout) had no failed request.
 */
import type { RolloutRecord } from '@tradeplane/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthz, waitFor } from '../../../test/decision-stack';
import { BOOTSTRAP_LABEL_V1, NEGATED, startRolloutStack, type RolloutStack } from './rollout-stack';

let stack: RolloutStack;

beforeAll(async () => {
  stack = await startRolloutStack('tradeplane_test_rollout_replay');
}, 300_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

/** The rollout once the controller has ended it (or `timeoutMs` passed). */
async function ended(id: string, timeoutMs: number): Promise<RolloutRecord> {
  return waitFor(
    async () => {
      const r = await stack.repos.rollouts.get(id);
      return r && r.endedAt ? r : undefined;
    },
    timeoutMs,
    250,
  );
}

async function stagesOf(candidate: readonly { name: string; version: number }[]) {
  return Promise.all(
    candidate.map(async (c) => (await stack.repos.registry.getVersion(c.name, c.version))!.stage),
  );
}

describe('a candidate whose signals are negated', () => {
  it(
    'is rolled back at shadow on the paired outcomes; the incumbent served every decision',
    { timeout: 600_000 },
    async () => {
      const candidate = await stack.registerCandidate('negated', NEGATED);
      const rollout = await stack.start(
        candidate,
        {
          steps: [
            { percent: 0, minDecisions: 400, maxDurationMinutes: 60 },
            { percent: 25, minDecisions: 100, maxDurationMinutes: 60 },
            { percent: 100, minDecisions: 100, maxDurationMinutes: 60 },
          ],
        },
        'negated signals: must be rolled back',
      );
      expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'shadow'));
      // The replay stops once the controller has ended the rollout.
      const abort = new AbortController();
      const done = ended(rollout.id, 540_000).finally(() => abort.abort());
      const run = await stack.replay({ fromMs: Date.UTC(2012, 0, 3), toMs: Date.UTC(2018, 3, 11) }, abort.signal);
      const final = await done;

      expect(final.status).toBe('rolled_back');
      expect(final.stepIndex).toBe(0);
      expect(final.canaryPercent).toBe(0);
      expect(await stagesOf(candidate)).toEqual(candidate.map(() => 'staging'));
      const events = await stack.repos.rollouts.events(rollout.id);
      expect(events.map((e) => e.action)).toEqual(['start', 'rollback']);
      const evidence = events[1]!.evidence!;
      console.info(`[rollout-it] negated rolled back: ${events[1]!.reason}`);
      expect(events[1]!.actor).toBe('rollout-controller');
      expect(evidence.verdict).toBe('worse');
      expect(evidence.evidenceWorse).toBeGreaterThanOrEqual(evidence.threshold);
      expect(evidence.meanDiff!).toBeLessThan(0);
      expect(evidence.candidate.label).toBe(final.candidateLabel);
      expect(evidence.incumbent.label).toBe(BOOTSTRAP_LABEL_V1);
      expect(evidence.candidate.acted).toBe(0);
      // Every decision was served by the incumbent and none failed.
      expect(run.decisions.length).toBeGreaterThanOrEqual(evidence.n);
      expect(new Set(run.decisions.map((d) => d.models.arm))).toEqual(new Set(['production']));
      expect(await stack.servedProduction()).toBe(BOOTSTRAP_LABEL_V1);
      await waitFor(async () => (await healthz(stack.engine.url)).models?.shadow === null, 15_000, 50);
      console.info(
        `[rollout-it] negated: ${JSON.stringify({ decisions: run.decisions.length, n: evidence.n, meanDiff: evidence.meanDiff, evidenceWorse: evidence.evidenceWorse, elapsedMs: run.elapsedMs })}`,
      );
    },
  );
});
