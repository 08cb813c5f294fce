/**
 * Rollouts through the gateway on the real stack: an engine and a gateway on a fresh database
 * (the registry holds the bootstrap set in production), a pm starts a rollout of a staging
 * momentum version, a quant reads it but may not act, the pm pauses, resumes and aborts it;
 * the registry, the rollout's row, its audit trail and the subscription follow each step. The
 * evidence is the quant analysis of ledger rows made from SPY's real closes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { channels } from '@tradeplane/contracts';
import type { NewOutcomeRow, RolloutRecord } from '@tradeplane/db';
import { ulidFactory } from '@tradeplane/engine';
import { createQueueConnection, hashPassword } from '@tradeplane/platform';
import { analyseRollout, assetReturn, targetOutcome, tradeCost } from '@tradeplane/quant';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '../../../test/decision-stack';
import { sharedData, testEnv } from '../../../test/stack';
import { graphqlBrowser, type GqlResult, type GraphqlBrowser } from './graphql-browser';
import { startPromotionStack, type PromotionStack } from './promotion-stack';

const PM = { email: 'pm@rollouts.test', password: 'rollouts-pm-password' };
const QUANT = { email: 'quant@rollouts.test', password: 'rollouts-quant-password' };
const ROLLOUT_FIELDS = `id kind status stepIndex canaryPercent candidateLabel incumbentLabel createdBy
  statusReason endedAt availableActions
  candidate { name version } incumbent { name version }
  currentStep { index stage state startedAt }
  steps { index percent stage state startedAt endedAt }
  analysis { alpha threshold mixtureSd marginBps minSamples }
  guards { sharpeDrop { windowDays maxDropPct } latency { p95Ms } riskViolations { maxViolations } }`;
const START = `mutation($i: StartRolloutInput!){ startRollout(input: $i){ ${ROLLOUT_FIELDS} } }`;
const ACT = (name: string) =>
  `mutation($id: ID!, $r: String!){ ${name}(id: $id, reason: $r){ ${ROLLOUT_FIELDS} } }`;
const READ = `query($id: ID!){ rollout(id: $id){ ${ROLLOUT_FIELDS}
  events { actor action fromStep toStep fromStatus toStatus reason } } }`;

/** SPY's closes of 2019 (real data): the ledger rows' next-bar returns. */
const spy = readFileSync(path.join(sharedData, 'daily/spy_prices.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .filter(([date]) => date! >= '2019-01-01')
  .map(([date, close]) => ({ date: date!, close: Number(close) }));
const DECISIONS = 120;
const COST_BPS = 5;

let stack: PromotionStack;
let pm: GraphqlBrowser;
let quant: GraphqlBrowser;
let pmId: string;
let candidateVersion: number;
let rolloutId: string;
const redis = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
let subscriber: Client;
const changes: Array<{
  rolloutId: string;
  action: string | null;
  status: string;
  rollout: { id: string } | null;
}> = [];

const errorOf = (r: GqlResult) => ({
  code: r.errors?.[0]?.extensions?.code,
  field: r.errors?.[0]?.extensions?.field,
});

async function signedIn(account: { email: string; password: string }): Promise<GraphqlBrowser> {
  const b = graphqlBrowser(() => stack.gateway.url);
  const r = await b.gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id } }', {
    e: account.email,
    p: account.password,
  });
  expect(r.errors).toBeUndefined();
  return b;
}

/** Subscribes to every rollout's changes as the pm; resolves once a probe published on Redis comes through. */
async function subscribeToChanges(): Promise<void> {
  const cookie = pm.cookie;
  subscriber = createClient({
    url: stack.gateway.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie } });
      }
    },
    retryAttempts: 0,
  });
  subscriber.subscribe(
    {
      query: 'subscription { rolloutChanged { rolloutId action status canaryPercent at rollout { id } } }',
    },
    {
      next: (value) =>
        changes.push((value.data as { rolloutChanged: (typeof changes)[number] }).rolloutChanged),
      error: (err) => {
        throw new Error(`rolloutChanged ended: ${JSON.stringify(err)}`);
      },
      complete: () => undefined,
    },
  );
  const probe = {
    rolloutId: '00000000-0000-4000-8000-000000000000',
    status: 'running',
    stepIndex: 0,
    canaryPercent: 0,
    action: 'analysis',
    at: new Date().toISOString(),
  };
  await waitFor(
    async () => {
      // A message that does not parse is dropped; the probe after it comes through.
      await redis.publish(channels.rolloutChanged, JSON.stringify({ rolloutId: 42, nonsense: true }));
      await redis.publish(channels.rolloutChanged, JSON.stringify(probe));
      return changes.some((c) => c.rolloutId === probe.rolloutId);
    },
    10_000,
    200,
  );
  expect(
    changes.every((c) => c.rolloutId === probe.rolloutId && c.action === null && c.rollout === null),
  ).toBe(true);
}

/** The ledger rows of one decision of the rollout: the incumbent acting, the candidate scored beside it. */
function ledgerRows(rollout: RolloutRecord, k: number, decisionId: string): NewOutcomeRow[] {
  const r = assetReturn(spy[k]!.close, spy[k + 1]!.close);
  const arm = (side: 'incumbent' | 'candidate'): NewOutcomeRow => {
    // Two real books: the incumbent's weight follows a slow cycle, the candidate's a faster one.
    const weight = (j: number) =>
      Math.round(100 * (0.3 + 0.2 * (side === 'incumbent' ? Math.sin(j / 5) : Math.sin(j / 2)))) / 100;
    const trade = { currentWeight: k === 0 ? 0 : weight(k - 1), targetWeight: weight(k) };
    const o = targetOutcome(trade, r, COST_BPS);
    const versions = side === 'incumbent' ? rollout.incumbentVersions : rollout.candidateVersions;
    return {
      decisionId,
      symbol: 'SPY',
      arm: side === 'incumbent' ? 'production' : 'shadow',
      acted: side === 'incumbent',
      modelVersions: versions,
      modelLabel: side === 'incumbent' ? rollout.incumbentLabel : rollout.candidateLabel,
      portfolioId: 'paper-rollouts',
      requestKey: `rollouts-${k}`,
      timeframe: rollout.timeframe,
      asOfMs: Date.parse(`${spy[k]!.date}T21:00:00Z`),
      barTimeMs: Date.parse(`${spy[k]!.date}T00:00:00Z`),
      ...trade,
      costBps: COST_BPS,
      cost: tradeCost(trade, COST_BPS).cost,
      riskVerdict: 'approve',
      bindingRule: null,
      servedMs: side === 'incumbent' ? 0.9 : null,
      result: {
        nextBarTimeMs: Date.parse(`${spy[k + 1]!.date}T00:00:00Z`),
        assetReturn: o.assetReturn,
        gross: o.gross,
        net: o.net,
      },
    };
  };
  return [arm('incumbent'), arm('candidate')];
}

beforeAll(async () => {
  expect(spy.length).toBeGreaterThan(DECISIONS + 1);
  stack = await startPromotionStack('tradeplane_test_rollouts', {});
  const pmUser = await stack.repos.users.create(PM.email, await hashPassword(PM.password), 'pm');
  pmId = pmUser.id;
  await stack.repos.users.create(QUANT.email, await hashPassword(QUANT.password), 'quant');
  pm = await signedIn(PM);
  quant = await signedIn(QUANT);
  candidateVersion = await stack.registerMomentum();
  const staged = await stack.admin.gql(
    `mutation($i:MoveModelStageInput!){ moveModelStage(input:$i){ version{ stage } } }`,
    { i: { modelName: 'momentum', version: candidateVersion, to: 'staging', reason: 'ready for a rollout' } },
  );
  expect(staged.errors).toBeUndefined();
  await subscribeToChanges();
}, 240_000);

afterAll(async () => {
  await subscriber?.dispose();
  await stack?.stop();
  redis.disconnect();
});

const stageOf = async (version: number) =>
  (await stack.repos.registry.getVersion('momentum', version))?.stage;

describe('rollouts over GraphQL', () => {
  it('a pm starts a rollout of a staging candidate: shadow in the registry, stored, audited, announced', async () => {
    const started = await pm.gql(START, {
      i: {
        candidate: [{ name: 'momentum', version: candidateVersion }],
        analysis: { alpha: 0.1 },
        reason: 'momentum retrain: better validation Sharpe',
      },
    });
    expect(started.errors).toBeUndefined();
    const r = started.data.startRollout;
    rolloutId = r.id;
    expect(r).toMatchObject({
      kind: 'ROLLOUT',
      status: 'RUNNING',
      stepIndex: 0,
      canaryPercent: 0,
      createdBy: PM.email,
      availableActions: ['PAUSE', 'PROMOTE', 'ABORT'],
      currentStep: { index: 0, stage: 'SHADOW', state: 'CURRENT' },
      // What the client left out comes from the contracts' defaults.
      analysis: { alpha: 0.1, threshold: 10, mixtureSd: 0.1, marginBps: 2, minSamples: 30 },
      guards: {
        sharpeDrop: { windowDays: 5, maxDropPct: 30 },
        latency: { p95Ms: 200 },
        riskViolations: { maxViolations: 2 },
      },
    });
    expect(r.steps.map((s: { percent: number; state: string }) => [s.percent, s.state])).toEqual([
      [0, 'CURRENT'],
      [5, 'PENDING'],
      [25, 'PENDING'],
      [75, 'PENDING'],
      [100, 'PENDING'],
    ]);
    expect(r.currentStep.startedAt).not.toBeNull();
    expect(r.candidate).toContainEqual({ name: 'momentum', version: candidateVersion });
    expect(r.incumbent).toContainEqual({ name: 'momentum', version: 1 });
    expect(r.candidate.map((v: { name: string }) => v.name)).toEqual(
      [...r.candidate.map((v: { name: string }) => v.name)].sort(),
    );

    expect(await stageOf(candidateVersion)).toBe('shadow');
    expect(await stageOf(1)).toBe('production');
    expect((await stack.repos.rollouts.get(rolloutId))?.status).toBe('running');
    const audit = await stack.repos.db.pool.query<{ actor: string; action: string; reason: string }>(
      'SELECT actor, action, reason FROM audit_log WHERE target = $1 ORDER BY id',
      [`rollout:${rolloutId}`],
    );
    expect(audit.rows).toEqual([
      {
        actor: `user:${pmId}`,
        action: 'rollout.start',
        reason: 'momentum retrain: better validation Sharpe',
      },
    ]);
    expect(
      (await stack.repos.rollouts.events(rolloutId)).map((e) => [e.action, e.actor, e.toStatus]),
    ).toEqual([['start', PM.email, 'running']]);
    await expect
      .poll(() => changes.find((c) => c.rolloutId === rolloutId), { timeout: 5_000 })
      .toMatchObject({ action: 'START', status: 'RUNNING', rollout: { id: rolloutId } });
  });

  it('refuses a second start while one is active, naming the active one', async () => {
    const second = await pm.gql(START, {
      i: { candidate: [{ name: 'momentum', version: candidateVersion }], reason: 'again' },
    });
    expect(errorOf(second).code).toBe('CONFLICT');
    expect(second.errors?.[0]?.message).toContain(rolloutId);
    const active = await quant.gql('query { activeRollout { id status } }');
    expect(active.data.activeRollout).toEqual({ id: rolloutId, status: 'RUNNING' });
  });

  it('lets a quant read it but act on nothing', async () => {
    const read = await quant.gql(READ, { id: rolloutId });
    expect(read.errors).toBeUndefined();
    expect(read.data.rollout).toMatchObject({ id: rolloutId, availableActions: [] });
    const list = await quant.gql(
      'query { rollouts(status: [RUNNING, PAUSED], first: 5){ items { id } pageInfo { hasNextPage } } }',
    );
    expect(list.data.rollouts).toEqual({ items: [{ id: rolloutId }], pageInfo: { hasNextPage: false } });
    const defaults = await quant.gql(
      'query { rolloutPlanDefaults { steps { percent stage state } analysis { threshold } } }',
    );
    expect(defaults.data.rolloutPlanDefaults.steps[0]).toEqual({
      percent: 0,
      stage: 'SHADOW',
      state: 'PENDING',
    });
    expect(defaults.data.rolloutPlanDefaults.analysis.threshold).toBeCloseTo(20, 12);

    const start = await quant.gql(START, {
      i: { candidate: [{ name: 'momentum', version: candidateVersion }], reason: 'a quant tries' },
    });
    expect(errorOf(start).code).toBe('FORBIDDEN');
    for (const name of ['pauseRollout', 'resumeRollout', 'promoteRollout', 'abortRollout']) {
      const acted = await quant.gql(ACT(name), { id: rolloutId, r: 'a quant tries' });
      expect({ name, code: errorOf(acted).code }).toEqual({ name, code: 'FORBIDDEN' });
    }
    expect((await stack.repos.rollouts.events(rolloutId)).map((e) => e.action)).toEqual(['start']);
  });

  it('shows the evidence, its history and the decisions per arm from the ledger', async () => {
    const rollout = (await stack.repos.rollouts.get(rolloutId))!;
    const ulid = ulidFactory(() => Date.now());
    const rows = Array.from({ length: DECISIONS }, (_, k) => ledgerRows(rollout, k, ulid())).flat();
    expect(await stack.repos.outcomes.storeMany(rows)).toHaveLength(rows.length);
    const paired = await stack.repos.rollouts.pairedOutcomes(rollout);
    expect(paired).toHaveLength(DECISIONS);
    const evidenceAt = (n: number) =>
      analyseRollout({
        state: {
          kind: rollout.kind,
          stepIndex: rollout.stepIndex,
          steps: rollout.plan.steps,
          stepStartedAtMs: rollout.stepStartedAt.getTime(),
          stepDecisions: n,
          now: Date.now(),
        },
        decisions: paired.slice(0, n),
        crashes: [],
        timeframe: rollout.timeframe,
        analysis: rollout.plan.analysis,
        guards: rollout.plan.guards,
        candidateLabel: rollout.candidateLabel,
        incumbentLabel: rollout.incumbentLabel,
      });
    const latest = evidenceAt(DECISIONS);
    await stack.repos.rollouts.recordSnapshot(rolloutId, evidenceAt(DECISIONS / 2));
    await stack.repos.rollouts.recordSnapshot(rolloutId, latest);

    const read = await quant.gql(
      `query($id: ID!){ rollout(id: $id){
        evidence { n stepDecisions meanDiff halfWidth minimumDetectableEffect threshold verdict decision reason
          evidenceWorse evidenceNotWorse
          candidate { label decisions acted } incumbent { label decisions acted }
          guards { guard value threshold tripped } curve { n asOf cumulative } }
        evidenceHistory(limit: 10) { n stepIndex evidenceWorse }
        decisionsPerArm { label set acted decisions recorded } } }`,
      { id: rolloutId },
    );
    expect(read.errors).toBeUndefined();
    const { evidence, evidenceHistory, decisionsPerArm } = read.data.rollout;
    expect(evidence).toMatchObject({
      n: DECISIONS,
      meanDiff: latest.meanDiff,
      minimumDetectableEffect: latest.mde,
      threshold: 10,
      verdict: latest.verdict.toUpperCase(),
      decision: latest.decision.toUpperCase(),
      candidate: { label: rollout.candidateLabel, decisions: DECISIONS, acted: 0 },
      incumbent: { label: rollout.incumbentLabel, decisions: DECISIONS, acted: DECISIONS },
    });
    expect(evidence.guards.map((g: { guard: string }) => g.guard)).toEqual([
      'SHARPE_DROP',
      'LATENCY',
      'CRASHES',
      'RISK_VIOLATIONS',
    ]);
    expect(evidence.curve.at(-1).n).toBe(DECISIONS);
    expect(evidenceHistory.map((p: { n: number }) => p.n)).toEqual([DECISIONS / 2, DECISIONS]);
    expect(decisionsPerArm).toEqual(
      expect.arrayContaining([
        {
          label: rollout.candidateLabel,
          set: 'CANDIDATE',
          acted: false,
          decisions: DECISIONS,
          recorded: DECISIONS,
        },
        {
          label: rollout.incumbentLabel,
          set: 'INCUMBENT',
          acted: true,
          decisions: DECISIONS,
          recorded: DECISIONS,
        },
      ]),
    );
    expect(decisionsPerArm).toHaveLength(2);

    const tooMany = await quant.gql(
      'query($id: ID!){ rollout(id: $id){ evidenceHistory(limit: 5000) { n } } }',
      {
        id: rolloutId,
      },
    );
    expect(errorOf(tooMany)).toEqual({ code: 'BAD_USER_INPUT', field: 'limit' });
  });

  it('pauses, resumes and aborts: the candidate back in staging, every step audited in order', async () => {
    const paused = await pm.gql(ACT('pauseRollout'), { id: rolloutId, r: 'waiting for the earnings week' });
    expect(paused.errors).toBeUndefined();
    expect(paused.data.pauseRollout).toMatchObject({
      status: 'PAUSED',
      statusReason: 'waiting for the earnings week',
      availableActions: ['RESUME', 'PROMOTE', 'ABORT'],
    });
    expect(await stageOf(candidateVersion)).toBe('shadow');

    const resumed = await pm.gql(ACT('resumeRollout'), { id: rolloutId, r: 'earnings are out' });
    expect(resumed.data.resumeRollout).toMatchObject({ status: 'RUNNING', statusReason: null });
    const again = await pm.gql(ACT('resumeRollout'), { id: rolloutId, r: 'twice' });
    expect(errorOf(again).code).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toMatch(/paused/);

    const aborted = await pm.gql(ACT('abortRollout'), { id: rolloutId, r: 'the desk wants the old model' });
    expect(aborted.errors).toBeUndefined();
    const r = aborted.data.abortRollout;
    expect(r).toMatchObject({ status: 'ABORTED', canaryPercent: 0, availableActions: [] });
    expect(r.endedAt).not.toBeNull();
    expect(r.steps.map((s: { state: string }) => s.state)).toEqual([
      'DONE',
      'SKIPPED',
      'SKIPPED',
      'SKIPPED',
      'SKIPPED',
    ]);
    expect(r.steps[0].endedAt).not.toBeNull();
    expect(await stageOf(candidateVersion)).toBe('staging');
    expect(await stageOf(1)).toBe('production');

    const read = await quant.gql(READ, { id: rolloutId });
    expect(read.data.rollout.events).toEqual([
      {
        actor: PM.email,
        action: 'START',
        fromStep: null,
        toStep: 0,
        fromStatus: null,
        toStatus: 'RUNNING',
        reason: 'momentum retrain: better validation Sharpe',
      },
      {
        actor: PM.email,
        action: 'PAUSE',
        fromStep: 0,
        toStep: 0,
        fromStatus: 'RUNNING',
        toStatus: 'PAUSED',
        reason: 'waiting for the earnings week',
      },
      {
        actor: PM.email,
        action: 'RESUME',
        fromStep: 0,
        toStep: 0,
        fromStatus: 'PAUSED',
        toStatus: 'RUNNING',
        reason: 'earnings are out',
      },
      {
        actor: PM.email,
        action: 'ABORT',
        fromStep: 0,
        toStep: 0,
        fromStatus: 'RUNNING',
        toStatus: 'ABORTED',
        reason: 'the desk wants the old model',
      },
    ]);
    const audit = await stack.repos.db.pool.query<{ actor: string; action: string }>(
      'SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id',
      [`rollout:${rolloutId}`],
    );
    expect(audit.rows.map((a) => a.action)).toEqual([
      'rollout.start',
      'rollout.pause',
      'rollout.resume',
      'rollout.abort',
    ]);
    expect(new Set(audit.rows.map((a) => a.actor))).toEqual(new Set([`user:${pmId}`]));
    await expect
      .poll(() => changes.filter((c) => c.rolloutId === rolloutId).map((c) => c.action), { timeout: 5_000 })
      .toEqual(['START', 'PAUSE', 'RESUME', 'ABORT']);

    const ended = await pm.gql(ACT('abortRollout'), { id: rolloutId, r: 'once more' });
    expect(errorOf(ended).code).toBe('CONFLICT');
    const active = await pm.gql('query { activeRollout { id } }');
    expect(active.data.activeRollout).toBeNull();
  });

  it('rejects a bad plan or candidate naming the field, and starts nothing', async () => {
    const candidate = [{ name: 'momentum', version: candidateVersion }];
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        {
          candidate,
          steps: [
            { percent: 0, minDecisions: 100, maxDurationMinutes: 60 },
            { percent: 0, minDecisions: 100, maxDurationMinutes: 60 },
          ],
        },
        'input.steps.1.percent',
      ],
      [
        { candidate, steps: [{ percent: 150, minDecisions: 100, maxDurationMinutes: 60 }] },
        'input.steps.0.percent',
      ],
      [{ candidate: [{ name: 'no-such-model', version: 1 }] }, 'input.candidate.0.name'],
      [{ candidate: [{ name: 'momentum', version: 999 }] }, 'input.candidate.0.version'],
      [{ candidate, reason: '   ' }, 'input.reason'],
    ];
    for (const [input, field] of cases) {
      const reply = await pm.gql(START, { i: { reason: 'a bad plan', ...input } });
      expect({ field, error: errorOf(reply) }).toEqual({ field, error: { code: 'BAD_USER_INPUT', field } });
      expect(reply.errors?.[0]?.message).toContain(field);
    }
    const list = await pm.gql('query { rollouts { items { id } } }');
    expect(list.data.rollouts.items).toEqual([{ id: rolloutId }]);
    expect(await stageOf(candidateVersion)).toBe('staging');
  });
});
