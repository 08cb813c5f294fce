import {
  isOutcomeArm,
  outcomeArms,
  parseTime,
  TimeError,
  timeframeSchema,
  type OutcomeArm,
  type Timeframe,
} from '@tradeplane/contracts';
import { openRepositories, type OutcomeFilter } from '@tradeplane/db';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliConfig } from '../config';
import { OUTCOME_GROUPINGS, summarizeDecisionReturns, type OutcomeGrouping } from '@tradeplane/quant';
import { formatOutcomeTable } from './outcomes-summary';

/** Decisions read per summary; the reply says when the ledger had more. */
const DEFAULT_LIMIT = 100_000;

const FIGURES_HELP = `
Figures (recorded decisions only: every target settled by its next bar):
  net        per decision Σ over targets of w·r − cost, w the target weight, r = close[t+1]/close[t] − 1;
             cost = costBps / 10⁴ · |w − w_current| (bps per unit turnover). The column is compounded:
             Π(1 + net) − 1.
  sharpe     annualised Sharpe of the per-decision net (sample sd, risk-free 0; 252 days a year,
             6.5-hour sessions intraday) ± its Lo (2002) standard error √((1 + SR²/2)/T); "–" with
             fewer than 2 decisions (null in --json).
  hit rate   among decisions with net ≠ 0, the fraction with net > 0.
  turnover   mean Σ|Δw| per decision (fraction of equity traded).
  max dd     largest peak-to-trough fall of the compounded net.
  risk hits  decisions the pre-trade risk check resized or rejected (acted arms).
Each timeframe is summarised on its own (annualisation differs).`;

const parseTimeOption = (option: string) => (value: string) => {
  const ms = parseTime(option, value);
  if (ms instanceof TimeError) throw new InvalidArgumentError(ms.reason);
  return new Date(ms);
};

function parseArm(value: string): OutcomeArm {
  if (!isOutcomeArm(value)) throw new InvalidArgumentError(`must be one of ${outcomeArms.join(', ')}`);
  return value;
}

function parseTimeframe(value: string): Timeframe {
  const parsed = timeframeSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`must be one of ${timeframeSchema.options.join(', ')}`);
  return parsed.data;
}

function parseGrouping(value: string): OutcomeGrouping {
  if (!(OUTCOME_GROUPINGS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${OUTCOME_GROUPINGS.join(', ')}`);
  return value as OutcomeGrouping;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

interface SummaryOptions {
  by: OutcomeGrouping;
  portfolio?: string;
  arm?: OutcomeArm;
  from?: Date;
  to?: Date;
  timeframe?: Timeframe;
  limit: number;
  json?: boolean;
}

export function registerOutcomes(program: Command, config: CliConfig): void {
  const open = () => openRepositories({ url: config.db.DATABASE_URL, poolMax: 1 });

  const outcomes = program
    .command('outcomes')
    .description('What decisions earned: the outcome ledger summarised per arm, model or day')
    .option('--by <grouping>', OUTCOME_GROUPINGS.join(' | '), parseGrouping, 'arm')
    .option('--portfolio <id>', 'only decisions of this book')
    .option('--arm <arm>', outcomeArms.join(' | '), parseArm)
    .option(
      '--from <time>',
      'asOf ≥ this (YYYY-MM-DD, ISO date-time with zone, or epoch ms)',
      parseTimeOption('--from'),
    )
    .option('--to <time>', 'asOf < this (same forms as --from)', parseTimeOption('--to'))
    .option('--timeframe <tf>', timeframeSchema.options.join(' | '), parseTimeframe)
    .option('--limit <n>', 'most decisions read, earliest first', parseLimit, DEFAULT_LIMIT)
    .option('--json', 'one JSON object on stdout')
    .addHelpText('after', FIGURES_HELP)
    .action(async (opts: SummaryOptions) => {
      const filter: OutcomeFilter = {
        portfolioId: opts.portfolio,
        arm: opts.arm,
        from: opts.from,
        to: opts.to,
        timeframe: opts.timeframe,
      };
      const repos = open();
      try {
        const rows = await repos.outcomes.decisionReturns(filter, opts.limit);
        const groups = summarizeDecisionReturns(rows, opts.by);
        const truncated = rows.length === opts.limit;
        if (opts.json) {
          const f = { ...filter, from: opts.from?.toISOString(), to: opts.to?.toISOString() };
          return console.log(JSON.stringify({ by: opts.by, filter: f, truncated, groups }));
        }
        console.log(formatOutcomeTable(groups, opts.by));
        if (truncated)
          console.log(`(first ${opts.limit} decisions only: raise --limit or narrow --from/--to)`);
      } finally {
        await repos.db.close();
      }
    });

  outcomes
    .command('portfolios')
    .description('Books with ledger rows: decisions, how many are recorded or still waiting, asOf span')
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      '\nA decision is recorded once every one of its targets has its next bar; waiting while any has not.',
    )
    .action(async (opts: { json?: boolean }) => {
      const repos = open();
      try {
        const books = await repos.outcomes.portfolios();
        const rows = [];
        for (const b of books) {
          const counts = await repos.outcomes.countForPortfolio(b.portfolioId);
          rows.push({
            portfolioId: b.portfolioId,
            ...counts,
            firstAsOf: b.firstAsOf.toISOString(),
            lastAsOf: b.lastAsOf.toISOString(),
          });
        }
        if (opts.json) return console.log(JSON.stringify({ portfolios: rows }));
        if (rows.length === 0) return console.log('no portfolio has ledger rows');
        for (const r of rows)
          console.log(
            `${r.portfolioId}  ${r.decisions} decisions (${r.recorded} recorded, ${r.waiting} waiting)  ` +
              `${r.firstAsOf} … ${r.lastAsOf}`,
          );
      } finally {
        await repos.db.close();
      }
    });
}
