export {
  confidenceHalfWidth,
  EVIDENCE_CAP,
  mixtureEvidence,
  neweyWestVariance,
  pairedCurve,
  pairedTest,
  type PairedTestResult,
} from './sequential-test';
