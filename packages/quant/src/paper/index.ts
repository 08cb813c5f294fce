export {
  PaperPortfolio,
  type PaperBar,
  type PaperPortfolioOptions,
  type PaperSummary,
} from './paper-portfolio';
