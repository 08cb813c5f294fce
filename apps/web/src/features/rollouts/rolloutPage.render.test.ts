import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SessionProvider, type SessionUser } from '@/features/auth/session';
import type { RolloutDetail, RolloutSummary } from './operations';
import { RolloutDetailView } from './RolloutDetail';
import { RolloutsTable } from './RolloutsList';

/** A paused rollout as the gateway answers the ROLLOUT query (the shape operations.ts selects). */
function pausedRollout(): RolloutDetail {
  const steps: RolloutDetail['steps'] = [
    {
      index: 0,
      percent: 0,
      stage: 'SHADOW',
      minDecisions: 500,
      maxDurationMinutes: 10_080,
      state: 'DONE',
      startedAt: '2026-12-01T09:00:00Z',
      endedAt: '2026-12-03T09:00:00Z',
    },
    {
      index: 1,
      percent: 5,
      stage: 'CANARY',
      minDecisions: 200,
      maxDurationMinutes: 4320,
      state: 'CURRENT',
      startedAt: '2026-12-03T09:00:00Z',
      endedAt: null,
    },
    {
      index: 2,
      percent: 25,
      stage: 'CANARY',
      minDecisions: 200,
      maxDurationMinutes: 4320,
      state: 'PENDING',
      startedAt: null,
      endedAt: null,
    },
  ];
  return {
    id: '5b0e8d5e-8a1f-4c43-9d7c-2f3c0b0f0a11',
    kind: 'ROLLOUT',
    status: 'PAUSED',
    candidate: [
      { name: 'momentum', version: 7 },
      { name: 'mean-reversion', version: 2 },
    ],
    candidateLabel: 'momentum@7,mean-reversion@2',
    incumbent: [
      { name: 'momentum', version: 6 },
      { name: 'mean-reversion', version: 2 },
    ],
    incumbentLabel: 'momentum@6,mean-reversion@2',
    timeframe: '1d',
    stepIndex: 1,
    stepStartedAt: '2026-12-03T09:00:00Z',
    canaryPercent: 5,
    steps,
    analysis: { alpha: 0.05, threshold: 20, mixtureSd: 0.1, marginBps: 2, minSamples: 30 },
    guards: {
      sharpeDrop: { windowDays: 5, maxDropPct: 30, minDecisions: 20 },
      latency: { p95Ms: 200, windowMinutes: 15, minDecisions: 20 },
      crashes: { maxCrashes: 3, windowHours: 24 },
      riskViolations: { maxViolations: 2 },
    },
    reason: 'retrained momentum on 2019',
    statusReason: 'inconclusive at the step’s maximum duration',
    winner: null,
    createdBy: 'e2e-pm@tradeplane.local',
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-06T09:00:00Z',
    endedAt: null,
    evidence: {
      at: '2026-12-06T09:00:00Z',
      stepIndex: 1,
      stepDecisions: 180,
      n: 412,
      meanDiff: 0.00004,
      sdDiff: 0.0021,
      hacLag: 3,
      cumulativeDiff: 0.0165,
      evidenceWorse: 0.2,
      evidenceNotWorse: 6.4,
      evidenceBetter: 1.1,
      threshold: 20,
      halfWidth: 0.00031,
      minimumDetectableEffect: 0.00031,
      verdict: 'INCONCLUSIVE',
      candidate: {
        label: 'momentum@7,mean-reversion@2',
        decisions: 412,
        acted: 20,
        meanNet: 0.00052,
        sharpe: 1.31,
      },
      incumbent: {
        label: 'momentum@6,mean-reversion@2',
        decisions: 412,
        acted: 392,
        meanNet: 0.00048,
        sharpe: 1.22,
      },
      guards: [
        {
          guard: 'SHARPE_DROP',
          value: 1.31,
          threshold: 0.85,
          samples: 60,
          tripped: false,
          detail: 'candidate 1.31 vs incumbent 1.22',
        },
        {
          guard: 'LATENCY',
          value: 231,
          threshold: 200,
          samples: 40,
          tripped: true,
          detail: 'P95 231 ms over 15 min',
        },
        { guard: 'CRASHES', value: 0, threshold: 3, samples: 0, tripped: false, detail: 'no crash in 24 h' },
        {
          guard: 'RISK_VIOLATIONS',
          value: null,
          threshold: 2,
          samples: 0,
          tripped: false,
          detail: 'no session yet',
        },
      ],
      curve: [
        { n: 100, asOf: '2019-03-01T00:00:00Z', cumulative: 0.002, lower: -0.03, upper: 0.034 },
        { n: 412, asOf: '2019-10-01T00:00:00Z', cumulative: 0.0165, lower: -0.11, upper: 0.143 },
      ],
      decision: 'PAUSE',
      reason: 'inconclusive at the maximum duration of canary 5 %',
    },
    evidenceHistory: [
      {
        at: '2026-12-02T09:00:00Z',
        stepIndex: 0,
        n: 100,
        evidenceWorse: 0.6,
        evidenceNotWorse: 1.8,
        meanDiff: 0.00002,
        halfWidth: 0.0009,
      },
      {
        at: '2026-12-06T09:00:00Z',
        stepIndex: 1,
        n: 412,
        evidenceWorse: 0.2,
        evidenceNotWorse: 6.4,
        meanDiff: 0.00004,
        halfWidth: 0.00031,
      },
    ],
    events: [
      {
        id: 'e1',
        at: '2026-12-01T09:00:00Z',
        actor: 'e2e-pm@tradeplane.local',
        action: 'START',
        fromStep: null,
        toStep: 0,
        fromStatus: null,
        toStatus: 'RUNNING',
        reason: 'retrained momentum on 2019',
      },
      {
        id: 'e2',
        at: '2026-12-03T09:00:00Z',
        actor: 'rollout-controller',
        action: 'ADVANCE',
        fromStep: 0,
        toStep: 1,
        fromStatus: 'RUNNING',
        toStatus: 'RUNNING',
        reason: 'not worse after 500 decisions',
      },
      {
        id: 'e3',
        at: '2026-12-06T09:00:00Z',
        actor: 'rollout-controller',
        action: 'PAUSE',
        fromStep: 1,
        toStep: 1,
        fromStatus: 'RUNNING',
        toStatus: 'PAUSED',
        reason: 'inconclusive at the maximum duration',
      },
    ],
    decisionsPerArm: [
      { label: 'momentum@7,mean-reversion@2', set: 'CANDIDATE', acted: true, decisions: 20, recorded: 19 },
      { label: 'momentum@7,mean-reversion@2', set: 'CANDIDATE', acted: false, decisions: 392, recorded: 390 },
    ],
    availableActions: ['RESUME', 'PROMOTE', 'ABORT'],
  };
}

function render(rollout: RolloutDetail, user: SessionUser): string {
  return renderToStaticMarkup(
    createElement(
      SessionProvider,
      { value: user },
      createElement(RolloutDetailView, { rollout, live: null, onActed: () => {} }),
    ),
  );
}

const pm: SessionUser = { email: 'e2e-pm@tradeplane.local', role: 'pm' };
const quant: SessionUser = { email: 'e2e-quant@tradeplane.local', role: 'quant' };

describe('the rollout page on a mocked gateway answer', () => {
  const html = render(pausedRollout(), pm);

  it('shows where the rollout stands and why it is paused', () => {
    expect(html).toContain('data-testid="rollout-detail"');
    expect(html).toMatch(/data-testid="rollout-current-step"[^>]*>canary 5 % · step 2 of 3</);
    expect(html).toMatch(/data-testid="rollout-status-reason" data-status="PAUSED"/);
    expect(html).toContain('inconclusive at the step’s maximum duration');
  });

  it('shows the step timeline with the current step and the pending ones', () => {
    expect(html.match(/data-testid="rollout-step"/g)).toHaveLength(3);
    expect(html).toMatch(/data-index="1" data-state="CURRENT"/);
    expect(html).toMatch(/data-index="2" data-state="PENDING"/);
  });

  it('states the verdict and the minimum detectable effect in words', () => {
    expect(html).toContain('data-verdict="INCONCLUSIVE"');
    expect(html).toContain('At n = 412 the test would detect a mean difference of ±3.1 bp per decision.');
    expect(html).toContain('Inconclusive: evidence worse 0.20, not worse 6.40; either needs 20.00.');
  });

  it('shows each arm and the decisions acted and scored beside', () => {
    expect(html).toMatch(/data-set="candidate"[\s\S]*?1\.31/);
    expect(html).toContain('scored beside');
    expect(html.match(/data-testid="arm-decisions"/g)).toHaveLength(2);
  });

  it('highlights the tripped guard, and reads the Sharpe drop guard as a floor', () => {
    expect(html).toMatch(/data-guard="LATENCY" data-tripped="true"/);
    expect(html).toMatch(/data-guard="SHARPE_DROP" data-tripped="false"/);
    expect(html).toContain('1.31 (trips below 0.85)');
    expect(html).toContain('231 ms (trips above 200 ms)');
  });

  it('lists the audit trail with who, what and why', () => {
    expect(html.match(/data-testid="rollout-event"/g)).toHaveLength(3);
    expect(html).toContain('data-action="PAUSE" data-actor="rollout-controller"');
    expect(html).toContain('shadow → canary 5 %');
    expect(html).toContain('running → paused');
  });

  it("offers a pm the gateway's available actions, and a quant none", () => {
    expect(html).toContain('data-testid="rollout-action-resume"');
    expect(html).toContain('data-testid="rollout-action-promote"');
    expect(html).toContain('data-testid="rollout-action-abort"');
    expect(html).not.toContain('data-testid="rollout-action-pause"');
    const forQuant = render({ ...pausedRollout(), availableActions: [] }, quant);
    expect(forQuant).not.toContain('data-testid="rollout-actions"');
    expect(forQuant).toContain('Only a pm or admin pauses, resumes, promotes or aborts a rollout');
  });

  it('offers no action on an ended rollout and says how it ended', () => {
    const ended = render(
      {
        ...pausedRollout(),
        status: 'ROLLED_BACK',
        statusReason: 'latency guard tripped',
        endedAt: '2026-12-06T10:00:00Z',
        availableActions: [],
      },
      pm,
    );
    expect(ended).not.toContain('rollout-actions');
    expect(ended).toMatch(/data-status="ROLLED_BACK"[\s\S]*latency guard tripped/);
  });
});

describe('the rollouts list', () => {
  const row = (id: string, status: RolloutSummary['status']): RolloutSummary => ({
    id,
    kind: 'ROLLOUT',
    status,
    candidateLabel: 'momentum@7',
    incumbentLabel: 'momentum@6',
    stepIndex: 2,
    canaryPercent: 25,
    currentStep: { index: 2, percent: 25, stage: 'CANARY' },
    steps: [{ index: 0 }, { index: 1 }, { index: 2 }, { index: 3 }, { index: 4 }],
    createdBy: 'e2e-pm@tradeplane.local',
    createdAt: '2026-12-01T09:00:00Z',
    endedAt: null,
    evidence: { at: '2026-12-06T09:00:00Z', n: 412, verdict: 'NOT_WORSE' },
  });

  it('highlights the active rollout and shows its step and latest verdict', () => {
    const html = renderToStaticMarkup(
      createElement(RolloutsTable, { rows: [row('a', 'RUNNING'), row('b', 'ABORTED')], activeId: 'a' }),
    );
    expect(html).toMatch(/data-rollout-id="a" data-active="true"/);
    expect(html).not.toMatch(/data-rollout-id="b" data-active/);
    expect(html).toContain('canary 25 % · step 3 of 5');
    expect(html).toContain('not worse (n = 412)');
    expect(html).toContain('href="/rollouts/a"');
  });
});
