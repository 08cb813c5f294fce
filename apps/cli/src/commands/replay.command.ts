import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseTime,
  PORTFOLIO_ID_PATTERN,
  SYMBOL_PATTERN,
  TimeError,
  TIMEFRAME_MS,
  timeframeSchema,
  type Timeframe,
} from '@tradeplane/contracts';
import { openRepositories, type Repositories } from '@tradeplane/db';
import { riskLimitsFromConfig } from '@tradeplane/risk';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliConfig } from '../config';
import { httpEngineClient } from '../replay/engine-client';
import { runReplay, type ReplayEvent, type ReplayOptions } from '../replay/replay-driver';
import { buildReplayReport, formatReplayReport } from '../replay/replay-report';
import { CliInputError } from './price-file';

/** A decision names a basket, not a market: the engine's cap on symbols per predict. */
const MAX_SYMBOLS = 50;
/** Most decisions the ledger summary of a replay reads. */
const LEDGER_READ_LIMIT = 100_000;

const HELP = `
How it runs:
  1. POST /api/v1/replays on the engine: the bars after --from of these series (and of the regime
     benchmark, whose probabilities would otherwise carry the future) are hidden from every
     decision until they are played.
  2. The stored bars in [--from, --to] are read from PostgreSQL and played bar time by bar time
     through POST /api/v1/bars (source replay:<id>): the engine appends them and publishes them to
     Kafka market-data, as a live feed does.
  3. After each bar time the paper trading client asks POST /api/v1/predict for one decision on
     the universe (asOf = the bar, portfolio = the book it holds, drifted with the prices) and
     trades its paper book to the targets, paying --cost-bps per unit of turnover.
  4. The replay is ended (the stored series show again) and the command waits for the outcome
     ledger (the workers' outcome consumer) to record what each decision earned.

Speed: "max" (default) plays as fast as engine and client go; "Nx" plays N × real time, a bar
lasting its timeframe ÷ N (1d at 500x: 172.8 s a bar, so 500x suits intraday bars; use 100000x
or max for daily ones). Ctrl-C stops after the bar in flight and still ends the replay.

Run replays on a paper engine, not on the one a live trading client uses: while a replay runs,
its series are hidden after --from for every client of that engine.

The report: equity, Sharpe ± its standard error and max drawdown of the paper book; risk
verdicts; bars whose held book breached an exposure limit (goal 0); the ledger's decisions
recorded / waiting (a decision with no stored bar after it waits by design); and regime
disruption: mean one-way turnover of the book on regime transition bars (the filtered argmax
changes) against other bars, beside the proposals with the raw filtered and the hard-switch
regime the engine scored on the same decisions (goal < 3% on transitions).

Examples:
  tradeplane replay --from 2018-01-02 --to 2018-04-11
  tradeplane replay --from 2019-01-02 --to 2019-12-09 --symbols SPY --json`;

export interface ReplayCommandOptions {
  from: number;
  to: number;
  symbols?: string[];
  timeframe: Timeframe;
  speed: number | 'max';
  costBps?: number;
  portfolioId?: string;
  engineUrl?: string;
  ledgerWait: number;
  json?: boolean;
}

export const parseTimeOption = (option: string) => (value: string) => {
  const ms = parseTime(option, value);
  if (ms instanceof TimeError) throw new InvalidArgumentError(ms.reason);
  return ms;
};

/** `max`, or `Nx` / `N` with N > 0 (×real time). */
export function parseSpeed(value: string): number | 'max' {
  if (value === 'max') return 'max';
  const m = /^(\d+(?:\.\d+)?)x?$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!(n > 0 && Number.isFinite(n)))
    throw new InvalidArgumentError('must be max or a multiple of real time like 500x');
  return n;
}

/** Comma-separated, each by the one symbol rule, upper-cased, no repeats, at most MAX_SYMBOLS. */
export function parseSymbols(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(',').map((s) => s.trim())) {
    if (!SYMBOL_PATTERN.test(raw))
      throw new InvalidArgumentError(`'${raw}' must match ${SYMBOL_PATTERN.source}`);
    const symbol = raw.toUpperCase();
    if (out.includes(symbol)) throw new InvalidArgumentError(`${symbol} is listed twice`);
    out.push(symbol);
  }
  if (out.length > MAX_SYMBOLS)
    throw new InvalidArgumentError(`at most ${MAX_SYMBOLS} symbols (one decision each bar)`);
  return out;
}

function parsePortfolioId(value: string): string {
  if (!PORTFOLIO_ID_PATTERN.test(value))
    throw new InvalidArgumentError(`must match ${PORTFOLIO_ID_PATTERN.source}`);
  return value;
}

function parseTimeframe(value: string): Timeframe {
  const parsed = timeframeSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`must be one of ${timeframeSchema.options.join(', ')}`);
  return parsed.data;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0 && n <= 1000))
    throw new InvalidArgumentError('must be a number in [0, 1000]');
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError('must be a number of seconds ≥ 0');
  return n;
}

/** ENGINE_API_KEY, else the key `npm start` generated for this checkout. */
export function engineApiKey(config: CliConfig['replay']): string {
  if (config.ENGINE_API_KEY) return config.ENGINE_API_KEY;
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  const file = path.join(config.TP_STACK_DIR ?? path.join(repoRoot, '.stack'), 'app', 'engine-api-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new CliInputError(
      `no engine API key: set ENGINE_API_KEY, or run \`npm start\` once (it writes ${file})`,
    );
  }
}

/** The universe when --symbols is not given: every instrument with bars in range, bar the benchmark. */
async function defaultSymbols(repos: Repositories, timeframe: Timeframe, fromMs: number, toMs: number) {
  const { rows } = await repos.db.pool.query<{ symbol: string }>(
    `SELECT i.symbol FROM instruments i
      WHERE i.symbol <> 'SPY' AND EXISTS (
        SELECT 1 FROM bars b WHERE b.instrument_id = i.id AND b.timeframe = $1
           AND b.ts >= to_timestamp($2 / 1000.0) AND b.ts <= to_timestamp($3 / 1000.0))
      ORDER BY i.symbol`,
    [timeframe, fromMs, toMs],
  );
  return rows.map((r) => r.symbol);
}

function progressLine(event: ReplayEvent): string | null {
  switch (event.kind) {
    case 'started':
      return `replay ${event.replay.id}: ${event.barTimes} bar times, ${event.barsToPlay} bars to play (${event.replay.series.join(', ')})${event.expectedMs === null ? '' : `, about ${Math.round(event.expectedMs / 1000)} s`}`;
    case 'bar': {
      if (event.n % 10 !== 0 && event.n !== event.of) return null;
      const d = event.decision;
      return `  ${event.n}/${event.of} ${new Date(event.ts).toISOString().slice(0, 10)} equity ${event.bar.equity.toFixed(4)} verdict ${d.risk.verdict}${d.risk.bindingRule ? ` (${d.risk.bindingRule})` : ''} ${d.timings.totalMs.toFixed(2)} ms`;
    }
    case 'ledger':
      return `ledger: ${event.decisions}/${event.expected} decisions, ${event.recorded} recorded, ${event.waiting} waiting`;
  }
}

export function registerReplay(program: Command, config: CliConfig): void {
  program
    .command('replay')
    .description(
      'Market replay with a paper trading client: stored bars after a cut-off played to the engine as if live',
    )
    .requiredOption(
      '--from <time>',
      'first bar time played (YYYY-MM-DD, ISO date-time with zone, or epoch ms)',
      parseTimeOption('--from'),
    )
    .requiredOption('--to <time>', 'last bar time played, inclusive (same forms)', parseTimeOption('--to'))
    .option(
      '--symbols <list>',
      `comma-separated universe, at most ${MAX_SYMBOLS} (default: every instrument with bars in range except SPY)`,
      parseSymbols,
    )
    .option('--timeframe <tf>', timeframeSchema.options.join(' | '), parseTimeframe, '1d')
    .option('--speed <speed>', 'max | Nx (N × real time)', parseSpeed, 'max')
    .option(
      '--cost-bps <bps>',
      'paper trading cost per unit turnover (default OUTCOME_COST_BPS, 5)',
      parseNonNegative,
    )
    .option('--portfolio-id <id>', 'the book the decisions are for (default paper-<time>)', parsePortfolioId)
    .option('--engine-url <url>', 'the decision engine (default ENGINE_URL, http://127.0.0.1:7070)')
    .option('--ledger-wait <s>', 'how long to wait for the ledger to record every outcome', parseSeconds, 120)
    .option('--json', 'one JSON object on stdout (progress on stderr)')
    .addHelpText('after', HELP)
    .action(async (opts: ReplayCommandOptions) => {
      if (opts.to < opts.from) throw new CliInputError('--to: must not be before --from');
      const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 2 });
      try {
        const symbols = opts.symbols ?? (await defaultSymbols(repos, opts.timeframe, opts.from, opts.to));
        if (symbols.length === 0)
          throw new CliInputError(
            `--from/--to: no ${opts.timeframe} bars stored in that range (import data first)`,
          );
        if (symbols.length > MAX_SYMBOLS)
          throw new CliInputError(
            `--symbols: ${symbols.length} instruments have bars in range; name at most ${MAX_SYMBOLS}`,
          );
        const options: ReplayOptions = {
          symbols,
          timeframe: opts.timeframe,
          fromMs: opts.from,
          toMs: opts.to,
          speed: opts.speed,
          costBps: opts.costBps ?? config.replay.OUTCOME_COST_BPS,
          portfolioId:
            opts.portfolioId ?? `paper-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`,
          ledgerWaitMs: opts.ledgerWait * 1000,
          limits: riskLimitsFromConfig(config.risk),
        };
        if (opts.speed !== 'max' && TIMEFRAME_MS[opts.timeframe] / opts.speed > 60_000)
          console.error(
            `note: at ${opts.speed}x a ${opts.timeframe} bar lasts ${Math.round(TIMEFRAME_MS[opts.timeframe] / opts.speed / 1000)} s`,
          );
        const engine = httpEngineClient(
          opts.engineUrl ?? config.replay.ENGINE_URL,
          engineApiKey(config.replay),
        );
        const abort = new AbortController();
        const onSigint = () => {
          console.error('stopping after the bar in flight…');
          abort.abort();
        };
        process.once('SIGINT', onSigint);
        const log = (line: string) => (opts.json ? console.error(line) : console.log(line));
        let run;
        try {
          run = await runReplay(options, {
            engine,
            storedBars: async (s, tf) => (await repos.bars.loadUniverseColumns(s, tf)).series,
            ledger: repos.outcomes,
            signal: abort.signal,
            onEvent: (e) => {
              const line = progressLine(e);
              if (line) log(line);
            },
          });
        } finally {
          process.off('SIGINT', onSigint);
        }
        const ledgerRows = await repos.outcomes.decisionReturns(
          { portfolioId: options.portfolioId, timeframe: options.timeframe },
          LEDGER_READ_LIMIT,
        );
        const report = buildReplayReport(
          run,
          options,
          ledgerRows.filter((r) => r.arm !== 'shadow'),
        );
        if (opts.json) console.log(JSON.stringify(report));
        else console.log(`\n${formatReplayReport(report)}`);
        if (!run.ended)
          throw new Error(
            `the replay ${run.replay.id} could not be ended: DELETE /api/v1/replays/${run.replay.id}`,
          );
        if (!run.ledger.complete) process.exitCode = 3;
      } finally {
        await repos.db.close();
      }
    });
}
