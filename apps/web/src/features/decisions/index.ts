/** The Decisions section's pages, and the pieces the Forensics explorer shows decisions with. */
export { DecisionDetailPage } from './DecisionDetailPage';
export { DecisionsPage } from './DecisionsPage';
export { formatClock } from './decisionList';
export type { RiskRuleVerdict, RiskVerdict } from './operations';
export { RegimeBar } from './RegimeBar';
export { VerdictChip } from './VerdictChip';
