import { operation } from '@/shared/graphql/client';
import type { ModelStage } from '@/features/models';

/**
 * Contract: apps/gateway/src/schema/rollouts/rollouts.graphql; the meaning of every figure:
 * packages/contracts/src/rollouts.ts.
 */

export type RolloutKind = 'ROLLOUT' | 'AB';
export const ROLLOUT_STATUSES = [
  'RUNNING',
  'PAUSED',
  'PROMOTED',
  'ROLLED_BACK',
  'ABORTED',
  'CONCLUDED',
] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];
export type RolloutAction =
  'START' | 'ADVANCE' | 'PROMOTE' | 'ROLLBACK' | 'PAUSE' | 'RESUME' | 'ABORT' | 'CONCLUDE';
export type RolloutStepState = 'DONE' | 'CURRENT' | 'PENDING' | 'SKIPPED';
export type RolloutVerdict = 'INSUFFICIENT' | 'INCONCLUSIVE' | 'NOT_WORSE' | 'WORSE';
export type RolloutGuardName = 'SHARPE_DROP' | 'LATENCY' | 'CRASHES' | 'RISK_VIOLATIONS';
export type RolloutDecision = 'CONTINUE' | 'ADVANCE' | 'PROMOTE' | 'ROLLBACK' | 'PAUSE' | 'CONCLUDE';
export type RolloutWinner = 'CANDIDATE' | 'INCUMBENT';

export interface ModelVersionRef {
  name: string;
  version: number;
}

export interface RolloutStep {
  index: number;
  /** Canary share, percent; 0 is shadow. */
  percent: number;
  stage: string;
  minDecisions: number;
  maxDurationMinutes: number;
  state: RolloutStepState;
  startedAt: string | null;
  endedAt: string | null;
}

export interface RolloutAnalysisParams {
  alpha: number;
  threshold: number;
  mixtureSd: number;
  marginBps: number;
  minSamples: number;
}

export interface RolloutGuardConfig {
  sharpeDrop: { windowDays: number; maxDropPct: number; minDecisions: number };
  latency: { p95Ms: number; windowMinutes: number; minDecisions: number };
  crashes: { maxCrashes: number; windowHours: number };
  riskViolations: { maxViolations: number };
}

export interface RolloutGuardState {
  guard: RolloutGuardName;
  value: number | null;
  threshold: number;
  samples: number;
  tripped: boolean;
  detail: string;
}

export interface RolloutArmStats {
  label: string;
  decisions: number;
  acted: number;
  meanNet: number | null;
  sharpe: number | null;
}

export interface RolloutCurvePoint {
  n: number;
  asOf: string;
  cumulative: number;
  lower: number;
  upper: number;
}

export interface RolloutEvidence {
  at: string;
  stepIndex: number;
  stepDecisions: number;
  n: number;
  meanDiff: number | null;
  sdDiff: number | null;
  hacLag: number;
  cumulativeDiff: number;
  evidenceWorse: number;
  evidenceNotWorse: number;
  evidenceBetter: number | null;
  threshold: number;
  halfWidth: number | null;
  minimumDetectableEffect: number | null;
  verdict: RolloutVerdict;
  candidate: RolloutArmStats;
  incumbent: RolloutArmStats;
  guards: RolloutGuardState[];
  curve: RolloutCurvePoint[];
  decision: RolloutDecision;
  reason: string;
}

export interface RolloutEvidencePoint {
  at: string;
  stepIndex: number;
  n: number;
  evidenceWorse: number;
  evidenceNotWorse: number;
  meanDiff: number | null;
  halfWidth: number | null;
}

export interface RolloutEvent {
  id: string;
  at: string;
  actor: string;
  action: RolloutAction;
  fromStep: number | null;
  toStep: number | null;
  fromStatus: RolloutStatus | null;
  toStatus: RolloutStatus;
  reason: string;
}

export interface RolloutArmDecisions {
  label: string;
  set: RolloutWinner;
  acted: boolean;
  decisions: number;
  recorded: number;
}

/** A rollout as the list shows it. */
export interface RolloutSummary {
  id: string;
  kind: RolloutKind;
  status: RolloutStatus;
  candidateLabel: string;
  incumbentLabel: string;
  stepIndex: number;
  canaryPercent: number;
  currentStep: Pick<RolloutStep, 'index' | 'percent' | 'stage'>;
  steps: Pick<RolloutStep, 'index'>[];
  createdBy: string;
  createdAt: string;
  endedAt: string | null;
  evidence: Pick<RolloutEvidence, 'at' | 'n' | 'verdict'> | null;
}

/** A rollout as its page shows it. */
export interface RolloutDetail {
  id: string;
  kind: RolloutKind;
  status: RolloutStatus;
  candidate: ModelVersionRef[];
  candidateLabel: string;
  incumbent: ModelVersionRef[];
  incumbentLabel: string;
  timeframe: string;
  stepIndex: number;
  stepStartedAt: string;
  canaryPercent: number;
  steps: RolloutStep[];
  analysis: RolloutAnalysisParams;
  guards: RolloutGuardConfig;
  reason: string;
  statusReason: string | null;
  winner: RolloutWinner | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  evidence: RolloutEvidence | null;
  evidenceHistory: RolloutEvidencePoint[];
  events: RolloutEvent[];
  decisionsPerArm: RolloutArmDecisions[];
  availableActions: RolloutAction[];
}

export interface RolloutPlanDefaults {
  steps: Pick<RolloutStep, 'percent' | 'minDecisions' | 'maxDurationMinutes'>[];
  analysis: RolloutAnalysisParams;
  guards: RolloutGuardConfig;
}

export interface StartRolloutInput {
  kind: RolloutKind;
  candidate: ModelVersionRef[];
  steps: { percent: number; minDecisions: number; maxDurationMinutes: number }[];
  analysis: { alpha: number; mixtureSd: number; marginBps: number; minSamples: number };
  guards: RolloutGuardConfig;
  reason: string;
}

const SUMMARY = `id kind status candidateLabel incumbentLabel stepIndex canaryPercent
    currentStep { index percent stage }
    steps { index }
    createdBy createdAt endedAt
    evidence { at n verdict }`;

const GUARD_CONFIG = `sharpeDrop { windowDays maxDropPct minDecisions }
    latency { p95Ms windowMinutes minDecisions }
    crashes { maxCrashes windowHours }
    riskViolations { maxViolations }`;

const ANALYSIS = 'alpha threshold mixtureSd marginBps minSamples';

const ARM_STATS = 'label decisions acted meanNet sharpe';

const DETAIL = `id kind status
    candidate { name version } candidateLabel
    incumbent { name version } incumbentLabel
    timeframe stepIndex stepStartedAt canaryPercent
    steps { index percent stage minDecisions maxDurationMinutes state startedAt endedAt }
    analysis { ${ANALYSIS} }
    guards { ${GUARD_CONFIG} }
    reason statusReason winner createdBy createdAt updatedAt endedAt
    evidence {
      at stepIndex stepDecisions n meanDiff sdDiff hacLag cumulativeDiff
      evidenceWorse evidenceNotWorse evidenceBetter threshold halfWidth minimumDetectableEffect verdict
      candidate { ${ARM_STATS} } incumbent { ${ARM_STATS} }
      guards { guard value threshold samples tripped detail }
      curve { n asOf cumulative lower upper }
      decision reason
    }
    evidenceHistory(limit: 1000) { at stepIndex n evidenceWorse evidenceNotWorse meanDiff halfWidth }
    events { id at actor action fromStep toStep fromStatus toStatus reason }
    decisionsPerArm { label set acted decisions recorded }
    availableActions`;

export const ROLLOUTS = operation<
  {
    rollouts: {
      items: RolloutSummary[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    activeRollout: { id: string } | null;
  },
  { status: RolloutStatus[] | null; first: number; after: string | null }
>(
  `query Rollouts($status: [RolloutStatus!], $first: Int, $after: String) {
  rollouts(status: $status, first: $first, after: $after) {
    items { ${SUMMARY} }
    pageInfo { hasNextPage endCursor }
  }
  activeRollout { id }
}`,
);

export const ROLLOUT = operation<{ rollout: RolloutDetail | null }, { id: string }>(
  `query Rollout($id: ID!) {
  rollout(id: $id) { ${DETAIL} }
}`,
);

/** What the start form needs: the plan's defaults and the decision models' versions. */
export const ROLLOUT_START_OPTIONS = operation<{
  rolloutPlanDefaults: RolloutPlanDefaults;
  registeredModels: { name: string; versions: { version: number; stage: ModelStage; createdAt: string }[] }[];
  activeRollout: { id: string; candidateLabel: string } | null;
}>(
  `query RolloutStartOptions {
  rolloutPlanDefaults {
    steps { percent minDecisions maxDurationMinutes }
    analysis { ${ANALYSIS} }
    guards { ${GUARD_CONFIG} }
  }
  registeredModels { name versions { version stage createdAt } }
  activeRollout { id candidateLabel }
}`,
);

export const START_ROLLOUT = operation<
  { startRollout: { id: string; status: RolloutStatus } },
  { input: StartRolloutInput }
>(
  `mutation StartRollout($input: StartRolloutInput!) {
  startRollout(input: $input) { id status }
}`,
);

type ActionResult = { id: string; status: RolloutStatus };
type ActionVars = { id: string; reason: string };

export const PAUSE_ROLLOUT = operation<{ pauseRollout: ActionResult }, ActionVars>(
  `mutation PauseRollout($id: ID!, $reason: String!) {
  pauseRollout(id: $id, reason: $reason) { id status }
}`,
);

export const RESUME_ROLLOUT = operation<{ resumeRollout: ActionResult }, ActionVars>(
  `mutation ResumeRollout($id: ID!, $reason: String!) {
  resumeRollout(id: $id, reason: $reason) { id status }
}`,
);

export const PROMOTE_ROLLOUT = operation<{ promoteRollout: ActionResult }, ActionVars>(
  `mutation PromoteRollout($id: ID!, $reason: String!) {
  promoteRollout(id: $id, reason: $reason) { id status }
}`,
);

export const ABORT_ROLLOUT = operation<{ abortRollout: ActionResult }, ActionVars>(
  `mutation AbortRollout($id: ID!, $reason: String!) {
  abortRollout(id: $id, reason: $reason) { id status }
}`,
);

export interface RolloutChangedEvent {
  rolloutId: string;
  status: RolloutStatus;
  stepIndex: number;
  canaryPercent: number;
  action: RolloutAction | null;
  at: string;
}

/** `id` null: every rollout's changes (the list). */
export const ROLLOUT_CHANGED = operation<{ rolloutChanged: RolloutChangedEvent }, { id: string | null }>(
  `subscription RolloutChanged($id: ID) {
  rolloutChanged(id: $id) { rolloutId status stepIndex canaryPercent action at }
}`,
);
