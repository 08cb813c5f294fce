/** Decision forensics: explanations computed after the decision, from its own model versions. */
export { ExplanationError, explainDecisions, FORENSICS_BASELINE, ROWS_PER_TARGET } from './explain-decision';
export { ForensicsModelCache, type ForensicsModelSource } from './forensics-models';
