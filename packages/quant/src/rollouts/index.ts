export {
  confidenceHalfWidth,
  EVIDENCE_CAP,
  mixtureEvidence,
  neweyWestVariance,
  pairedCurve,
  pairedTest,
  type PairedTestResult,
} from './sequential-test';
export { armStats, evaluateGuards, type GuardInputs, type PairedDecision } from './guards';
export { analyseRollout, decideStep, type StepDecision, type StepState } from './step-decision';
