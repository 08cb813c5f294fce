/** The outcome ledger in the console: the paper portfolio card, a decision's outcome, its net in lists. */
export { DecisionNetCell, OutcomeCard } from './OutcomeCard';
export type { DecisionNet, DecisionOutcome } from './operations';
export { PaperPortfolioCard } from './PaperPortfolioCard';
