import {
  channels,
  DECISION_ID_PATTERN,
  outcomeArms,
  outcomeRecorded,
  PORTFOLIO_ID_PATTERN,
  type OutcomeArm,
  type OutcomeRecorded,
  type OutcomeStatus,
} from '@tradeplane/contracts';
import type { DecisionNet, OutcomeCursor, OutcomeFilter, OutcomeRecord } from '@tradeplane/db';
import { connection, cursorCodec, cursorParts } from '@tradeplane/platform';
import { summarizeDecisionReturns, type OutcomeGrouping } from '@tradeplane/quant';
import { withFilter } from 'graphql-subscriptions';
import { z } from 'zod';
import { requireUser } from '../../auth/roles';
import type { GatewayContext } from '../../context';
import { DECISION_ID_FORMAT, parseDecisionId } from '../../decisions';
import { badInput } from '../../errors/graphql-errors';
import { pageSize, symbolArg, timeArg, timeframeArg } from '../arguments';
import type { DateTimeArgument } from '../scalars';
import { equityCurve, outcomeArms as armsOf, presentOutcome, summaryGroups } from './present-outcome';

/** Recorded decisions (× arm) one summary reads at most; `truncated` says when more matched. */
const SUMMARY_DECISION_LIMIT = 100_000;

const outcomeCursor = cursorCodec<OutcomeCursor>(
  'outcomes',
  z.object({
    decidedAtMs: cursorParts.epochMs,
    id: z.string().regex(DECISION_ID_PATTERN),
    symbol: cursorParts.text,
    arm: z.enum(outcomeArms),
  }),
);

interface SummaryFilterArgs {
  portfolioId?: string | null;
  arm?: OutcomeArm | null;
  modelLabel?: string | null;
  timeframe?: string | null;
  from?: DateTimeArgument | null;
  to?: DateTimeArgument | null;
}

interface FilterArgs extends SummaryFilterArgs {
  symbol?: string | null;
  status?: OutcomeStatus | null;
}

const PORTFOLIO_ID_RULE = 'a letter or digit, then up to 63 of letters, digits, ".", "_", ":" or "-"';

/** A book id argument (absent → undefined); BAD_USER_INPUT naming it when it is not one. */
function portfolioIdArg(value: string | null | undefined, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (!PORTFOLIO_ID_PATTERN.test(value)) throw badInput(field, `${field} must be ${PORTFOLIO_ID_RULE}`);
  return value;
}

/** Model labels are `name@vN` joined by `+`; anything printable up to 512 characters is looked up. */
function modelLabelArg(value: string | null | undefined, field: string): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  // eslint-disable-next-line no-control-regex
  if (value.length > 512 || /[\u0000-\u001f\u007f]/.test(value))
    throw badInput(field, `${field} must be a model label (name@vN joined by +), at most 512 characters`);
  return value;
}

/** The repository filter of a filter argument, every field checked and named `filter.<field>`. */
function outcomeFilter(args: FilterArgs | null | undefined): OutcomeFilter {
  const f = args ?? {};
  const from = timeArg('filter.from', f.from);
  const to = timeArg('filter.to', f.to);
  if (from && to && from.getTime() >= to.getTime())
    throw badInput('filter.to', 'filter.to must be later than filter.from');
  return {
    portfolioId: portfolioIdArg(f.portfolioId, 'filter.portfolioId'),
    arm: f.arm ?? undefined,
    modelLabel: modelLabelArg(f.modelLabel, 'filter.modelLabel'),
    symbol: symbolArg(f.symbol, 'filter.symbol'),
    status: f.status ?? undefined,
    timeframe: f.timeframe ? timeframeArg(f.timeframe, 'filter.timeframe') : undefined,
    from,
    to,
  };
}

/** A decision's outcome; `rows` when already read, else read by the fields that need them. */
interface DecisionOutcomeParent {
  decisionId: string;
  status: OutcomeStatus;
  net: number | null;
  rows?: OutcomeRecord[];
}

function fromRows(decisionId: string, rows: OutcomeRecord[]): DecisionOutcomeParent | null {
  if (rows.length === 0) return null;
  const acted = armsOf(rows).find((a) => a.acted) ?? armsOf(rows)[0]!;
  return { decisionId, status: acted.status, net: acted.net, rows };
}

const rowsOf = async (parent: DecisionOutcomeParent, ctx: GatewayContext) =>
  (parent.rows ??= await ctx.repos.outcomes.forDecision(parent.decisionId));

/**
 * The acting arm's net of every decision a request resolves `Decision.outcome` for, read in
 * one query: a list of decisions asks for all of them before the next turn of the event loop.
 */
const netBatches = new WeakMap<
  GatewayContext,
  { ids: Set<string>; nets: Promise<Map<string, DecisionNet>> }
>();

function decisionNet(ctx: GatewayContext, decisionId: string): Promise<DecisionNet | undefined> {
  let batch = netBatches.get(ctx);
  if (!batch) {
    const ids = new Set<string>();
    const nets = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      netBatches.delete(ctx);
      return ctx.repos.outcomes.decisionNets([...ids]);
    });
    netBatches.set(ctx, (batch = { ids, nets }));
  }
  batch.ids.add(decisionId);
  return batch.nets.then((nets) => nets.get(decisionId));
}

function presentRecorded(m: OutcomeRecorded) {
  return {
    ...m,
    asOf: new Date(m.asOf),
    nextBarTime: new Date(m.nextBarTime),
    recordedAt: new Date(m.recordedAt),
  };
}

export const outcomeResolvers = {
  // Internal values are the ledger's own, so arguments arrive as the repository takes them.
  OutcomeStatus: { WAITING: 'waiting', RECORDED: 'recorded' },
  OutcomeGrouping: { ARM: 'arm', MODEL_VERSION: 'model', DAY: 'day' },
  Decision: {
    async outcome(parent: { id: string }, _: unknown, ctx: GatewayContext) {
      const net = await decisionNet(ctx, parent.id);
      return net ? { decisionId: parent.id, ...net } : null;
    },
  },
  DecisionOutcome: {
    arms: async (parent: DecisionOutcomeParent, _: unknown, ctx: GatewayContext) =>
      armsOf(await rowsOf(parent, ctx)),
    rows: async (parent: DecisionOutcomeParent, _: unknown, ctx: GatewayContext) =>
      (await rowsOf(parent, ctx)).map(presentOutcome),
  },
  Query: {
    async decisionOutcome(_: unknown, args: { decisionId: string }, ctx: GatewayContext) {
      requireUser(ctx);
      const id = parseDecisionId(args.decisionId);
      if (!id) throw badInput('decisionId', `decisionId must be ${DECISION_ID_FORMAT}`);
      return fromRows(id, await ctx.repos.outcomes.forDecision(id));
    },
    async outcomes(
      _: unknown,
      args: { filter?: FilterArgs | null; first?: number | null; after?: string | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: 50, max: 500 });
      const filter = outcomeFilter(args.filter);
      const after = args.after ? outcomeCursor.decode(args.after) : undefined;
      const page = await ctx.repos.outcomes.list(filter, first, after);
      const { nodes, pageInfo } = connection(page, outcomeCursor.encode);
      return { items: nodes.map(presentOutcome), pageInfo };
    },
    async outcomeSummary(
      _: unknown,
      args: { filter?: SummaryFilterArgs | null; groupBy?: OutcomeGrouping | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const groupBy = args.groupBy ?? 'arm';
      const filter = outcomeFilter(args.filter);
      const [returns, counts] = await Promise.all([
        ctx.repos.outcomes.decisionReturns(filter, SUMMARY_DECISION_LIMIT + 1),
        ctx.repos.outcomes.statusCounts(filter),
      ]);
      const truncated = returns.length > SUMMARY_DECISION_LIMIT;
      const summaries = summarizeDecisionReturns(returns.slice(0, SUMMARY_DECISION_LIMIT), groupBy);
      return { groupBy, groups: summaryGroups(summaries, counts, groupBy), truncated };
    },
    async outcomePortfolios(_: unknown, args: { first?: number | null }, ctx: GatewayContext) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: 50, max: 100 });
      const books = (await ctx.repos.outcomes.portfolios()).slice(0, first);
      return Promise.all(
        books.map(async (b) => ({ ...b, ...(await ctx.repos.outcomes.countForPortfolio(b.portfolioId)) })),
      );
    },
    async portfolioEquity(
      _: unknown,
      args: { portfolioId: string; maxPoints?: number | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const portfolioId = portfolioIdArg(args.portfolioId, 'portfolioId')!;
      const maxPoints = pageSize(args.maxPoints, { defaultSize: 500, max: 5000 }, 'maxPoints');
      const steps = await ctx.repos.outcomes.portfolioEquity(portfolioId);
      return { portfolioId, ...equityCurve(steps, maxPoints) };
    },
  },
  Subscription: {
    outcomeRecorded: {
      subscribe: withFilter<unknown, { portfolioId?: string | null } | undefined, GatewayContext>(
        (_: unknown, args: { portfolioId?: string | null } | undefined, ctx: GatewayContext | undefined) => {
          if (!ctx) throw new Error('subscription without context');
          requireUser(ctx);
          portfolioIdArg(args?.portfolioId, 'portfolioId');
          return ctx.pubsub.asyncIterableIterator<unknown>(channels.outcomeRecorded);
        },
        // The workers publish on Redis: a message this gateway cannot read is not passed on.
        (payload, args) => {
          const parsed = outcomeRecorded.safeParse(payload);
          return parsed.success && (!args?.portfolioId || parsed.data.portfolioId === args.portfolioId);
        },
      ),
      resolve: (payload: unknown) => presentRecorded(outcomeRecorded.parse(payload)),
    },
  },
};
