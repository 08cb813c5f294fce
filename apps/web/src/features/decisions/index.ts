/** The Decisions section's pages. */
export { DecisionDetailPage } from './DecisionDetailPage';
export { DecisionsPage } from './DecisionsPage';
