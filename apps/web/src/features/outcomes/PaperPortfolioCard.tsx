'use client';

import { useMemo, useState } from 'react';
import { formatDate, formatInt, formatPercent } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { EquityChart } from './EquityChart';
import { OUTCOME_PORTFOLIOS, PORTFOLIO_PERFORMANCE, type OutcomePortfolio } from './operations';
import { actedGroups, chosenPortfolio, formatNet, formatSharpe } from './outcomeFormat';
import styles from './outcomes.module.css';

/** Points of the equity curve asked for (the gateway downsamples evenly, first and last kept). */
const MAX_POINTS = 800;

/** A paper book (or a client's) as the outcome ledger measured it: equity curve and figures of the held arm. */
export function PaperPortfolioCard() {
  const books = useQuery(OUTCOME_PORTFOLIOS, {});
  const [wanted, setWanted] = useState<string | null>(null);
  const list = books.data?.outcomePortfolios ?? [];
  const book = chosenPortfolio(list, wanted);

  let body;
  if (books.error && books.data === undefined)
    body = <ErrorState error={books.error} onRetry={books.reload} />;
  else if (books.data === undefined) body = <Loading>Loading paper portfolios…</Loading>;
  else if (!book)
    body = (
      <Empty>
        No portfolio in the outcome ledger yet. Decisions asked for with a portfolioId (a paper trading
        replay, a client’s book) appear here once booked.
      </Empty>
    );
  else body = <PortfolioPerformance book={book} />;

  return (
    <Card
      title={
        <>
          Paper portfolio
          {book && (
            <span className={styles.meta}>
              {' '}
              {formatDate(book.firstAsOf)} → {formatDate(book.lastAsOf)}
            </span>
          )}
        </>
      }
      actions={
        list.length > 0 && (
          <>
            <label className={styles.toolbarLabel} htmlFor="outcome-portfolio">
              Portfolio
            </label>
            <select
              id="outcome-portfolio"
              className={`input ${styles.select}`}
              value={book?.portfolioId ?? ''}
              onChange={(e) => setWanted(e.target.value)}
              data-testid="outcome-portfolio"
            >
              {list.map((b) => (
                <option key={b.portfolioId} value={b.portfolioId}>
                  {b.portfolioId}
                </option>
              ))}
            </select>
            <button type="button" className="btn btn-sm" onClick={books.reload}>
              Refresh
            </button>
          </>
        )
      }
      testId="paper-portfolio"
    >
      {body}
    </Card>
  );
}

function PortfolioPerformance({ book }: { book: OutcomePortfolio }) {
  const vars = useMemo(() => ({ portfolioId: book.portfolioId, maxPoints: MAX_POINTS }), [book.portfolioId]);
  const q = useQuery(PORTFOLIO_PERFORMANCE, vars);
  if (q.error && q.data === undefined) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (q.data === undefined) return <Loading>Loading {book.portfolioId}…</Loading>;
  const { portfolioEquity: equity, outcomeSummary: summary } = q.data;
  const held = actedGroups(summary.groups);
  const net = equity.decisions > 0 ? equity.finalEquity - 1 : null;
  return (
    <div data-testid="paper-portfolio-body" data-portfolio={book.portfolioId}>
      <dl className={styles.stats}>
        <div>
          <dt>Net P&amp;L</dt>
          <dd className={net == null ? '' : net >= 0 ? styles.up : styles.down} data-testid="portfolio-net">
            {formatNet(net, 2)}
          </dd>
        </div>
        {held.map((g) => (
          <div key={`${g.group}|${g.timeframe}`} data-testid="portfolio-arm" data-arm={g.arm}>
            <dt>Sharpe ± SE{held.length > 1 ? ` · ${g.group} ${g.timeframe}` : ''}</dt>
            <dd data-testid="portfolio-sharpe">{formatSharpe(g.sharpe, g.sharpeStdErr)}</dd>
          </div>
        ))}
        {held.map((g) => (
          <div key={`dd-${g.group}|${g.timeframe}`}>
            <dt>Max drawdown{held.length > 1 ? ` · ${g.group} ${g.timeframe}` : ''}</dt>
            <dd data-testid="portfolio-max-dd">{formatPercent(g.maxDrawdown)}</dd>
          </div>
        ))}
        <div>
          <dt>Decisions</dt>
          <dd data-testid="portfolio-decisions">{formatInt(book.decisions)}</dd>
        </div>
        <div>
          <dt>Recorded / waiting</dt>
          <dd data-testid="portfolio-recorded">
            {formatInt(book.recorded)} / {formatInt(book.waiting)}
          </dd>
        </div>
        <div>
          <dt>Risk-rule hits</dt>
          <dd>{formatInt(held.reduce((a, g) => a + g.riskRuleHits, 0))}</dd>
        </div>
      </dl>
      {equity.points.length > 0 ? (
        <EquityChart portfolioId={book.portfolioId} points={equity.points} />
      ) : (
        <Empty>No decision of this book on the curve yet.</Empty>
      )}
    </div>
  );
}
