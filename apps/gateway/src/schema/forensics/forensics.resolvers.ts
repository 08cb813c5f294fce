import {
  DECISION_ID_PATTERN,
  decisionIdTime,
  featureNames,
  type DecisionForensics,
  type FeatureName,
  type ForensicsExplanation,
} from '@tradeplane/contracts';
import type { ForensicsCursor } from '@tradeplane/db';
import { connection, cursorCodec, cursorParts } from '@tradeplane/platform';
import { z } from 'zod';
import { requireUser } from '../../auth/roles';
import type { GatewayContext } from '../../context';
import { badInput } from '../../errors/graphql-errors';
import { STORED_FORENSICS, versionList } from '../decisions/present-decision';
import { pageSize, symbolArg, timeArg } from '../arguments';
import type { DateTimeArgument } from '../scalars';

export interface ForensicsParent {
  id: string;
  [STORED_FORENSICS]?: DecisionForensics;
}

const forensicsCursor = cursorCodec<ForensicsCursor>(
  'forensics',
  z.object({ decidedAtMs: cursorParts.epochMs, id: z.string().regex(DECISION_ID_PATTERN) }),
);

/** A feature map as a list, in the features' contract order. */
const featureList = (values: Partial<Record<FeatureName, number>>) =>
  featureNames.flatMap((name) => {
    const value = values[name];
    return value === undefined ? [] : [{ name, value }];
  });

function presentExplanation(e: ForensicsExplanation) {
  return {
    ...e,
    baseline: featureList(e.baseline),
    targets: e.targets.map((t) => ({
      ...t,
      specialists: t.specialists.map((s) => ({ ...s, attributions: featureList(s.attributions) })),
      featureContributions: featureList(t.featureContributions),
      blendOcclusion: featureList(t.blendOcclusion),
    })),
    models: versionList(e.models),
  };
}

export function presentForensics(f: DecisionForensics) {
  return {
    decisionId: f.decisionId,
    status: f.status,
    decidedAt: new Date(f.decidedAt),
    explainedAt: new Date(f.explainedAt),
    delayMs: f.delayMs,
    explanation: f.explanation && presentExplanation(f.explanation),
    failureReason: f.failureReason,
  };
}

/** A known decision whose explanation is not stored yet. */
function pendingForensics(decisionId: string) {
  return {
    decisionId,
    status: 'pending' as const,
    decidedAt: new Date(decisionIdTime(decisionId)),
    explainedAt: null,
    delayMs: null,
    explanation: null,
    failureReason: null,
  };
}

export const forensicsResolvers = {
  Decision: {
    async forensics(parent: ForensicsParent, _: unknown, ctx: GatewayContext) {
      const stored = parent[STORED_FORENSICS] ?? (await ctx.repos.forensics.get(parent.id));
      return stored ? presentForensics(stored) : pendingForensics(parent.id);
    },
  },
  Query: {
    async forensicsDecisions(
      _: unknown,
      args: {
        symbol?: string | null;
        from?: DateTimeArgument | null;
        to?: DateTimeArgument | null;
        first?: number | null;
        after?: string | null;
      },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: 50, max: 500 });
      const symbol = symbolArg(args.symbol);
      const from = timeArg('from', args.from);
      const to = timeArg('to', args.to);
      if (from && to && from.getTime() >= to.getTime()) throw badInput('to', 'to must be later than from');
      const page = await ctx.repos.forensics.search({
        symbol,
        from,
        to,
        first,
        after: args.after ? forensicsCursor.decode(args.after) : undefined,
      });
      // This list has always answered a null endCursor once nothing follows.
      const { nodes, pageInfo } = connection(page, forensicsCursor.encode, { endCursorOnLastPage: false });
      return { items: nodes, pageInfo };
    },
  },
};
