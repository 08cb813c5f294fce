import { readFileSync } from 'node:fs';
import { regimeFitPayload } from '@tradeplane/contracts';
import {
  checkLimits,
  DEFAULT_REGIME_ALLOCATION,
  DEFAULT_SMOOTHING_HALF_LIFE,
  detectRegimes,
  hrp,
  portfolioVar,
  regimeDisruption,
  simpleReturns,
  smoothRegimeProbabilities,
  type LinkageMethod,
} from '@tradeplane/quant';
import { openRepositories } from '@tradeplane/db';
import { createQueueConnection, JobQueue } from '@tradeplane/platform';
import { QueueEvents } from 'bullmq';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliConfig } from '../config';
import { closeSeries, CliInputError, readPriceFile } from './price-file';

const LINKAGES = ['single', 'complete', 'average', 'ward'] as const;
// The HMM needs enough bars for the 20-bar volatility window and a meaningful fit.
const MIN_REGIME_ROWS = 120;

const print = (value: unknown, json: boolean, human: () => string) =>
  console.log(json ? JSON.stringify(value) : human());
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function parseLinkage(value: string): LinkageMethod {
  if (!(LINKAGES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${LINKAGES.join(', ')}`);
  return value as LinkageMethod;
}

function parseLevel(value: string): number {
  const level = Number(value);
  if (!(level > 0.5 && level < 1))
    throw new InvalidArgumentError('must be a confidence level between 0.5 and 1, e.g. 0.99');
  return level;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return seed;
}

/** Bars; the job payload's own schema decides (positive, at most 260), so CLI and workers agree. */
function parseHalfLife(value: string): number {
  const parsed = regimeFitPayload.shape.smoothingHalfLife.safeParse(
    value.trim() === '' ? NaN : Number(value),
  );
  if (!parsed.success || parsed.data === undefined)
    throw new InvalidArgumentError('must be a number of bars > 0 and ≤ 260, e.g. 10');
  return parsed.data;
}

const HALF_LIFE_HELP = 'half-life in bars of the causal EMA of the regime probabilities (> 0, ≤ 260)';

function readWeights(file: string, columns: string[]): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliInputError(`--weights: cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  const weights = (parsed as { weights?: unknown }).weights ?? parsed; // accepts `risk hrp --json` output too
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
    throw new CliInputError(`--weights ${file}: expected {"SYMBOL": weight, …}`);
  }
  for (const [symbol, w] of Object.entries(weights)) {
    if (!columns.includes(symbol))
      throw new CliInputError(`--weights ${file}: '${symbol}' is not a column of the prices file`);
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw new CliInputError(`--weights ${file}: weight of '${symbol}' is not a number`);
  }
  return weights as Record<string, number>;
}

export function registerQuant(program: Command, config: CliConfig): void {
  const risk = program
    .command('risk')
    .description('Portfolio risk maths on a wide close-price CSV (date + one column per symbol)');

  risk
    .command('hrp')
    .description('Hierarchical risk parity weights (simple daily returns, pairwise-complete covariance)')
    .requiredOption('--prices <csv>', 'wide close-price CSV, e.g. ../shared/data/daily/stock_prices.csv')
    .option('--linkage <method>', `${LINKAGES.join(' | ')}`, parseLinkage, 'single')
    .option('--json', 'one JSON document on stdout')
    .action((opts: { prices: string; linkage: LinkageMethod; json?: boolean }) => {
      const result = hrp(simpleReturns(readPriceFile(opts.prices, { minRows: 3 })), {
        linkage: opts.linkage,
      });
      const out = { weights: result.weights, linkage: result.linkage, order: result.order };
      print(out, !!opts.json, () =>
        result.order.map((s) => `${s.padEnd(8)} ${pct(result.weights[s]!)}`).join('\n'),
      );
    });

  risk
    .command('var')
    .description('Historical and parametric one-day VaR / CVaR of a portfolio (losses as positive fractions)')
    .requiredOption('--prices <csv>', 'wide close-price CSV')
    .option('--weights <json>', 'weights file {"SYMBOL": w} (default: HRP weights, single linkage)')
    .option('--level <p>', 'confidence level', parseLevel, 0.95)
    .option('--json', 'one JSON document on stdout')
    .action((opts: { prices: string; weights?: string; level: number; json?: boolean }) => {
      const table = readPriceFile(opts.prices, { minRows: 3 });
      const returns = simpleReturns(table);
      const weights = opts.weights ? readWeights(opts.weights, table.columns) : hrp(returns).weights;
      const historical = portfolioVar(returns, weights, { level: opts.level, method: 'historical' });
      const parametric = portfolioVar(returns, weights, { level: opts.level, method: 'parametric' });
      const out = {
        level: opts.level,
        weightsFrom: opts.weights ?? 'hrp-single',
        observations: historical.observations,
        historical: { var: historical.var, cvar: historical.cvar },
        parametric: { var: parametric.var, cvar: parametric.cvar },
        breaches: checkLimits(weights),
      };
      print(out, !!opts.json, () =>
        [
          `VaR/CVaR at ${pct(opts.level)} over ${out.observations} days (weights: ${out.weightsFrom})`,
          `  historical  VaR ${pct(out.historical.var)}  CVaR ${pct(out.historical.cvar)}`,
          `  parametric  VaR ${pct(out.parametric.var)}  CVaR ${pct(out.parametric.cvar)}`,
          out.breaches.length
            ? `  limit breaches: ${out.breaches.map((b) => `${b.code} ${b.symbol ?? ''}`).join(', ')}`
            : '  all limits hold',
        ].join('\n'),
      );
    });

  const regime = program
    .command('regime')
    .description('Bull / bear / sideways regimes from a 3-state Gaussian HMM');

  regime
    .command('fit')
    .description(
      'Fit the HMM on [log return, 20-day volatility] of one column; print the causal filtered probabilities',
    )
    .requiredOption('--prices <csv>', 'wide close-price CSV, e.g. ../shared/data/daily/spy_prices.csv')
    .requiredOption('--column <name>', 'the column (symbol) to model, e.g. SPY')
    .option('--seed <n>', 'random seed of the restarts (deterministic)', parseSeed, 42)
    .option(
      '--half-life <bars>',
      `${HALF_LIFE_HELP}; the smoothed latest row is what the engine serves`,
      parseHalfLife,
      DEFAULT_SMOOTHING_HALF_LIFE,
    )
    .option('--json', 'one JSON document on stdout')
    .action((opts: { prices: string; column: string; seed: number; halfLife: number; json?: boolean }) => {
      const { dates, closes } = closeSeries(readPriceFile(opts.prices), opts.column, MIN_REGIME_ROWS);
      const d = detectRegimes(closes, { dates, seed: opts.seed });
      const smoothed = smoothRegimeProbabilities(d.probabilities, opts.halfLife).at(-1)!;
      // Transition matrix re-ordered like `states` (bull, bear, sideways).
      const order = d.states.map((s) => s.state);
      const transition = order.map((i) => order.map((j) => d.fit.params.transition[i]![j]!));
      const out = {
        logLikelihood: d.fit.logLikelihood,
        states: d.states.map((s) => ({ label: s.label, mean: s.mean, var: s.var })),
        transition,
        probabilities: d.probabilities.map((p) => ({
          date: p.date,
          bull: p.bull,
          bear: p.bear,
          sideways: p.sideways,
        })),
        smoothingHalfLife: opts.halfLife,
        latestSmoothed: { bull: smoothed.bull, bear: smoothed.bear, sideways: smoothed.sideways },
      };
      print(out, !!opts.json, () => {
        const last = out.probabilities.at(-1)!;
        return [
          `log-likelihood ${out.logLikelihood.toFixed(2)} (${d.fit.iterations} iterations, seed ${opts.seed})`,
          ...out.states.map(
            (s) =>
              `  ${s.label.padEnd(9)} mean return ${s.mean[0]!.toExponential(2)}  vol ${s.mean[1]!.toExponential(2)}`,
          ),
          `latest ${last.date}: bull ${pct(last.bull)}  bear ${pct(last.bear)}  sideways ${pct(last.sideways)}`,
          `  smoothed (half-life ${opts.halfLife}): bull ${pct(smoothed.bull)}  bear ${pct(smoothed.bear)}  sideways ${pct(smoothed.sideways)}`,
        ].join('\n');
      });
    });

  regime
    .command('disruption')
    .description(
      'Turnover at regime transitions: hard switch on the most likely regime vs probability-blended weights',
    )
    .requiredOption('--prices <csv>', 'wide close-price CSV')
    .requiredOption('--column <name>', 'the column (symbol) to model')
    .option('--seed <n>', 'random seed of the restarts', parseSeed, 42)
    .option(
      '--half-life <bars>',
      `${HALF_LIFE_HELP}, behind the smoothed blend`,
      parseHalfLife,
      DEFAULT_SMOOTHING_HALF_LIFE,
    )
    .option('--json', 'one JSON document on stdout')
    .action((opts: { prices: string; column: string; seed: number; halfLife: number; json?: boolean }) => {
      const { dates, closes } = closeSeries(readPriceFile(opts.prices), opts.column, MIN_REGIME_ROWS);
      const d = regimeDisruption(
        detectRegimes(closes, { dates, seed: opts.seed }).probabilities,
        DEFAULT_REGIME_ALLOCATION,
        {
          smoothingHalfLife: opts.halfLife,
        },
      );
      const out = {
        transitions: d.transitions,
        hardSwitch: d.hardSwitch,
        blended: d.blended,
        blendedSmoothed: d.blendedSmoothed,
        smoothingHalfLife: d.smoothingHalfLife,
      };
      print(
        out,
        !!opts.json,
        () =>
          `${d.transitions} transitions; mean one-way turnover on transition days: hard switch ${pct(d.hardSwitch)}, ` +
          `blended ${pct(d.blended)}, EMA-smoothed blend (half-life ${d.smoothingHalfLife}) ${pct(d.blendedSmoothed)}`,
      );
    });

  regime
    .command('train')
    .description('Fit and store a regime model for an imported symbol on the workers (the console shows it)')
    .requiredOption('--symbol <symbol>', 'an imported symbol with daily bars, e.g. SPY')
    .option('--seed <n>', 'random seed of the restarts', parseSeed, 42)
    .option(
      '--half-life <bars>',
      `${HALF_LIFE_HELP}, stored with the model (default: the workers' ${DEFAULT_SMOOTHING_HALF_LIFE})`,
      parseHalfLife,
    )
    .option('--wait', 'wait for the workers to finish and print the result')
    .action(async (opts: { symbol: string; seed: number; halfLife?: number; wait?: boolean }) => {
      const symbol = opts.symbol.toUpperCase();
      const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 1 });
      const connection = createQueueConnection(config.redis.REDIS_QUEUE_URL);
      const queue = new JobQueue('regime.fit', connection);
      try {
        if (!(await repos.instruments.findBySymbol(symbol)))
          throw new CliInputError(`--symbol: unknown symbol ${symbol}`);
        const jobId = await queue.enqueue({
          symbol,
          timeframe: '1d',
          seed: opts.seed,
          ...(opts.halfLife === undefined ? {} : { smoothingHalfLife: opts.halfLife }),
        });
        if (!opts.wait) return console.log(JSON.stringify({ jobId, status: 'queued' }));
        const events = new QueueEvents(queue.queue.name, { connection: connection.duplicate() });
        try {
          const result = await (await queue.queue.getJob(jobId))!.waitUntilFinished(events, 300_000);
          console.log(JSON.stringify({ jobId, status: 'done', ...result }));
        } finally {
          await events.close();
        }
      } finally {
        await queue.close();
        connection.disconnect();
        await repos.db.close();
      }
    });
}
