/**
 * The outcome ledger through the gateway, on the real stack: a paper book's decisions on SPY's
 * real 2019 closes (../shared/data) are stored with repos.outcomes as the outcome consumer
 * stores them (acting arm and shadow on the same opportunity, results from quant's
 * targetOutcome, the last decision still waiting for its next bar), then read back as a viewer
 * through GraphQL: cursor pages, the summary against summarizeOutcomes, the equity curve,
 * Decision.outcome, the outcomeRecorded subscription and refusals naming the bad argument.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { channels, modelLabel, type OutcomeRecorded } from '@tradeplane/contracts';
import { openRepositories, type NewOutcomeRow } from '@tradeplane/db';
import { ulidFactory } from '@tradeplane/engine';
import { bootstrapModelSetInput, ModelSet } from '@tradeplane/models';
import { spyDecision } from '@tradeplane/models/testing';
import { createLogger, createQueueConnection, hashPassword } from '@tradeplane/platform';
import { assetReturn, summarizeOutcomes, targetOutcome, tradeCost } from '@tradeplane/quant';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sharedData, testEnv } from '../../../test/stack';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { graphqlBrowser, type GqlResult } from './graphql-browser';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 4 });
const redis = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
const ADMIN = { email: 'admin@tradeplane.local', password: 'admin-password-for-tests' };
const VIEWER = { email: 'viewer@outcomes.test', password: 'outcomes-password' };
const SUFFIX = randomBytes(3).toString('hex').toUpperCase();
const PORTFOLIO = `paper-gql-${SUFFIX}`;
/** SPY's closes under a symbol of this run: no bars are stored for it, so the last row keeps waiting. */
const SYMBOL = `OQ${SUFFIX}`;
const COST_BPS = 10;
const N = 40;
const ACTED = { momentum: 2, mean_reversion: 1 };
const SHADOW = { momentum: 3, mean_reversion: 1 };

/** SPY's first N + 1 closes of 2019 (real data). */
const closes = readFileSync(path.join(sharedData, 'daily/spy_prices.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .filter(([date]) => date! >= '2019-01-01')
  .slice(0, N + 1)
  .map(([date, close]) => ({ date: date!, close: Number(close) }));

const ulid = (ms: number) => ulidFactory(() => ms)();
const T0 = Date.now() - 30 * 60_000;
const ids = Array.from({ length: N }, (_, k) => ulid(T0 + k * 1000));
/** The book's weights: a real decision's shape (changing weight, some resized), deterministic. */
const weight = (k: number) => Math.round(100 * (0.2 + 0.15 * Math.sin(k / 3))) / 100;
const shadowWeight = (k: number) => Math.round(100 * (0.2 + 0.15 * Math.cos(k / 4))) / 100;

function row(k: number, arm: 'production' | 'shadow'): NewOutcomeRow {
  const currentWeight = k === 0 ? 0 : weight(k - 1);
  const targetWeight = arm === 'production' ? weight(k) : shadowWeight(k);
  const trade = { currentWeight, targetWeight };
  const waiting = k === N - 1;
  const o = targetOutcome(trade, assetReturn(closes[k]!.close, closes[k + 1]!.close), COST_BPS);
  const versions = arm === 'production' ? ACTED : SHADOW;
  return {
    decisionId: ids[k]!,
    symbol: SYMBOL,
    arm,
    acted: arm === 'production',
    modelVersions: versions,
    modelLabel: modelLabel(versions),
    portfolioId: PORTFOLIO,
    requestKey: `outcomes-gql-${SUFFIX}-${k}`,
    timeframe: '1d',
    asOfMs: Date.parse(`${closes[k]!.date}T21:00:00Z`),
    barTimeMs: Date.parse(`${closes[k]!.date}T00:00:00Z`),
    currentWeight,
    targetWeight,
    costBps: COST_BPS,
    cost: tradeCost(trade, COST_BPS).cost,
    riskVerdict: k % 7 === 3 ? 'resize' : 'approve',
    bindingRule: k % 7 === 3 ? 'max_position' : null,
    servedMs: arm === 'production' ? 0.9 : null,
    result: waiting
      ? null
      : {
          nextBarTimeMs: Date.parse(`${closes[k + 1]!.date}T00:00:00Z`),
          assetReturn: o.assetReturn,
          gross: o.gross,
          net: o.net,
        },
  };
}

const rows = ids.flatMap((_, k) => [row(k, 'production'), row(k, 'shadow')]);
const recorded = (arm: string) => rows.filter((r) => r.arm === arm && r.result);

let gateway: RunningGateway;
const set = ModelSet.create(bootstrapModelSetInput(), { executionProviders: ['cpu'] });
const browser = () => graphqlBrowser(() => gateway.url);
const errorOf = (r: GqlResult) => r.errors?.[0]?.extensions;

async function signedIn(user = VIEWER) {
  const b = browser();
  const r = await b.gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id } }', {
    e: user.email,
    p: user.password,
  });
  expect(r.errors).toBeUndefined();
  return b;
}

beforeAll(async () => {
  await repos.db.pool.query('DELETE FROM users WHERE email = $1', [VIEWER.email]);
  await repos.users.create(VIEWER.email, await hashPassword(VIEWER.password), 'viewer');
  expect(closes).toHaveLength(N + 1);
  expect(await repos.outcomes.storeMany(rows)).toHaveLength(rows.length);
  gateway = await startGateway(
    loadGatewayConfig({
      ...testEnv,
      GATEWAY_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    }),
    createLogger('test', 'silent'),
  );
  // Two of the book's decisions in the mirror, as the engine made them: Decision.outcome reads the ledger.
  await gateway.services.decisions.add(
    [0, N - 1].map((k) =>
      spyDecision(set, {
        id: ids[k]!,
        targets: [{ symbol: SYMBOL, date: closes[k]!.date }],
        regime: { bull: 0.5, bear: 0.2, sideways: 0.3 },
        requestKey: `outcomes-gql-${SUFFIX}-${k}`,
      }),
    ),
  );
});

afterAll(async () => {
  await gateway?.stop();
  set.dispose();
  await repos.db.pool.query('DELETE FROM decision_outcomes WHERE portfolio_id = $1', [PORTFOLIO]);
  await repos.db.pool.query('DELETE FROM users WHERE email = $1', [VIEWER.email]);
  redis.disconnect();
  await repos.db.close();
});

describe('outcomes', () => {
  it('pages through every row of the book, newest decision first, each once', async () => {
    const b = await signedIn();
    const seen: Array<{ decisionId: string; arm: string; status: string }> = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const r: GqlResult = await b.gql(
        `query($f: OutcomeFilter, $after: String) {
           outcomes(filter: $f, first: 7, after: $after) {
             items { decisionId arm acted status net modelLabel modelVersions { name version } weightChange }
             pageInfo { hasNextPage endCursor }
           }
         }`,
        { f: { portfolioId: PORTFOLIO }, after },
      );
      expect(r.errors).toBeUndefined();
      seen.push(...r.data.outcomes.items);
      if (!r.data.outcomes.pageInfo.hasNextPage) break;
      after = r.data.outcomes.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(rows.length);
    expect(new Set(seen.map((s) => `${s.decisionId}/${s.arm}`)).size).toBe(rows.length);
    expect(seen[0]!).toMatchObject({ decisionId: ids[N - 1], status: 'WAITING', net: null });
    const decisionOrder = seen.map((s) => s.decisionId).filter((id, i, a) => a.indexOf(id) === i);
    expect(decisionOrder).toEqual([...ids].reverse());

    const waiting = await b.gql(
      'query($f: OutcomeFilter){ outcomes(filter: $f){ items { decisionId arm } pageInfo { hasNextPage } } }',
      { f: { portfolioId: PORTFOLIO, status: 'WAITING', arm: 'shadow' } },
    );
    expect(waiting.data.outcomes.items).toEqual([{ decisionId: ids[N - 1], arm: 'shadow' }]);
  });
});

describe('outcomeSummary', () => {
  it('per arm equals summarizeOutcomes over the recorded decisions, with the waiting one counted', async () => {
    const b = await signedIn();
    const r = await b.gql(
      `query($f: OutcomeSummaryFilter){ outcomeSummary(filter: $f, groupBy: ARM) {
         groupBy truncated
         groups { group arm modelLabel timeframe decisions totalNet meanNet sharpe sharpeStdErr hitRate
                  meanTurnover maxDrawdown riskRuleHits recorded waiting }
       } }`,
      { f: { portfolioId: PORTFOLIO } },
    );
    expect(r.errors).toBeUndefined();
    const { groups, groupBy, truncated } = r.data.outcomeSummary;
    expect({ groupBy, truncated }).toEqual({ groupBy: 'ARM', truncated: false });
    expect(groups.map((g: any) => [g.group, g.recorded, g.waiting])).toEqual([
      ['production', N - 1, 1],
      ['shadow', N - 1, 1],
    ]);
    for (const g of groups) {
      const rs = recorded(g.group);
      const expected = summarizeOutcomes(
        Float64Array.from(rs, (x) => x.result!.net),
        Float64Array.from(rs, (x) => Math.abs(x.targetWeight - x.currentWeight)),
        {
          periodsPerYear: 252,
          riskRuleHits: rs.filter((x) => x.acted && x.riskVerdict !== 'approve').length,
        },
      );
      expect(g.decisions).toBe(expected.decisions);
      for (const k of [
        'totalNet',
        'meanNet',
        'sharpe',
        'sharpeStdErr',
        'hitRate',
        'meanTurnover',
        'maxDrawdown',
      ] as const)
        expect(g[k], `${g.group} ${k}`).toBeCloseTo(expected[k], 9);
      expect(g.riskRuleHits).toBe(expected.riskRuleHits);
      expect(g.arm).toBe(g.group);
    }
    expect(groups[0].riskRuleHits).toBeGreaterThan(0);
    expect(groups[1].riskRuleHits).toBe(0);
  });

  it('per model versions and per day', async () => {
    const b = await signedIn();
    const q = `query($f: OutcomeSummaryFilter, $by: OutcomeGrouping){ outcomeSummary(filter: $f, groupBy: $by) {
       groups { group arm modelLabel decisions recorded waiting } } }`;
    const models = await b.gql(q, { f: { portfolioId: PORTFOLIO }, by: 'MODEL_VERSION' });
    expect(models.data.outcomeSummary.groups).toEqual([
      {
        group: `${modelLabel(ACTED)} (production)`,
        arm: 'production',
        modelLabel: modelLabel(ACTED),
        decisions: N - 1,
        recorded: N - 1,
        waiting: 1,
      },
      {
        group: `${modelLabel(SHADOW)} (shadow)`,
        arm: 'shadow',
        modelLabel: modelLabel(SHADOW),
        decisions: N - 1,
        recorded: N - 1,
        waiting: 1,
      },
    ]);
    const days = await b.gql(q, { f: { portfolioId: PORTFOLIO, arm: 'production' }, by: 'DAY' });
    const byDay = days.data.outcomeSummary.groups;
    expect(byDay.map((g: any) => g.group)).toEqual(closes.slice(0, N).map((c) => c.date));
    expect(byDay.at(-1)).toMatchObject({ arm: null, decisions: 0, recorded: 0, waiting: 1 });
    expect(byDay[0]).toMatchObject({ decisions: 1, recorded: 1, waiting: 0 });
  });
});

describe('decisionOutcome and Decision.outcome', () => {
  const q = `query($id: ID!){ decisionOutcome(decisionId: $id) {
    decisionId status net
    arms { arm acted status net gross cost turnover modelLabel modelVersions { name version } }
    rows { symbol arm weightChange assetReturn gross cost net status nextBarTime }
  } }`;

  it('a recorded decision: its net and every arm, the acting arm first', async () => {
    const b = await signedIn();
    const r = await b.gql(q, { id: ids[5]!.toLowerCase() });
    expect(r.errors).toBeUndefined();
    const o = r.data.decisionOutcome;
    const [acted, shadow] = [row(5, 'production'), row(5, 'shadow')];
    expect(o).toMatchObject({ decisionId: ids[5], status: 'RECORDED' });
    expect(o.net).toBeCloseTo(acted.result!.net, 12);
    expect(o.arms.map((a: any) => [a.arm, a.acted, a.status])).toEqual([
      ['production', true, 'RECORDED'],
      ['shadow', false, 'RECORDED'],
    ]);
    expect(o.arms[1].net).toBeCloseTo(shadow.result!.net, 12);
    expect(o.arms[0].modelVersions).toEqual(
      expect.arrayContaining([
        { name: 'momentum', version: 2 },
        { name: 'mean_reversion', version: 1 },
      ]),
    );
    expect(o.rows[0]).toMatchObject({ symbol: SYMBOL, arm: 'production', status: 'RECORDED' });
    expect(o.rows[0].weightChange).toBeCloseTo(acted.targetWeight - acted.currentWeight, 12);
    expect(o.rows[0].assetReturn).toBeCloseTo(closes[6]!.close / closes[5]!.close - 1, 12);
  });

  it('the last decision waits for its next bar; an unknown one is null', async () => {
    const b = await signedIn();
    const r = await b.gql(q, { id: ids[N - 1] });
    expect(r.data.decisionOutcome).toMatchObject({ status: 'WAITING', net: null });
    expect(r.data.decisionOutcome.rows.every((x: any) => x.status === 'WAITING' && x.net === null)).toBe(
      true,
    );
    const unknown = await b.gql(q, { id: ulid(T0 - 60_000) });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data.decisionOutcome).toBeNull();
  });

  it('is on the decision itself', async () => {
    const b = await signedIn();
    const d = async (id: string) =>
      (await b.gql('query($id: ID!){ decision(id: $id){ id outcome { status net rows { arm } } } }', { id }))
        .data.decision;
    const first = await d(ids[0]!);
    expect(first.outcome.status).toBe('RECORDED');
    expect(first.outcome.net).toBeCloseTo(row(0, 'production').result!.net, 12);
    expect(first.outcome.rows).toHaveLength(2);
    expect((await d(ids[N - 1]!)).outcome).toMatchObject({ status: 'WAITING', net: null });
  });
});

describe('outcomePortfolios and portfolioEquity', () => {
  it('lists the book with its counts', async () => {
    const b = await signedIn();
    const r = await b.gql(
      'query{ outcomePortfolios(first: 100){ portfolioId decisions recorded waiting firstAsOf lastAsOf } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.outcomePortfolios.find((p: any) => p.portfolioId === PORTFOLIO)).toEqual({
      portfolioId: PORTFOLIO,
      decisions: N,
      recorded: N - 1,
      waiting: 1,
      firstAsOf: `${closes[0]!.date}T21:00:00.000Z`,
      lastAsOf: `${closes[N - 1]!.date}T21:00:00.000Z`,
    });
  });

  it('compounds the acting arm’s nets in asOf order, downsampled to maxPoints', async () => {
    const b = await signedIn();
    const q = `query($p: String!, $m: Int){ portfolioEquity(portfolioId: $p, maxPoints: $m) {
      portfolioId decisions finalEquity points { decisionId asOf equity net riskVerdict } } }`;
    const full = (await b.gql(q, { p: PORTFOLIO })).data.portfolioEquity;
    const nets = recorded('production').map((x) => x.result!.net);
    const expected = nets.reduce((e, n) => e * (1 + n), 1);
    expect(full.decisions).toBe(N);
    expect(full.points).toHaveLength(N);
    expect(full.finalEquity).toBeCloseTo(expected, 12);
    expect(full.points.map((p: any) => p.decisionId)).toEqual(ids);
    expect(full.points.at(-1)).toMatchObject({ net: null });
    expect(full.points.at(-1).equity).toBeCloseTo(expected, 12);

    const few = (await b.gql(q, { p: PORTFOLIO, m: 5 })).data.portfolioEquity;
    expect(few.points).toHaveLength(5);
    expect(few.points[0].decisionId).toBe(ids[0]);
    expect(few.points.at(-1).decisionId).toBe(ids[N - 1]);
    expect(few.finalEquity).toBeCloseTo(expected, 12);

    const unknown = (await b.gql(q, { p: `nobody-${SUFFIX}` })).data.portfolioEquity;
    expect(unknown).toEqual({ portfolioId: `nobody-${SUFFIX}`, decisions: 0, finalEquity: 1, points: [] });
  });
});

describe('outcomeRecorded', () => {
  it('streams the recorded outcomes of one book as the workers publish them', async () => {
    const b = await signedIn();
    const cookie = b.cookie;
    const ws = createClient({
      url: gateway.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie } });
        }
      },
    });
    const received = new Promise<any>((resolve, reject) => {
      ws.subscribe(
        {
          query: `subscription($p: String){ outcomeRecorded(portfolioId: $p) {
            decisionId portfolioId asOf nextBarTime arms { arm modelLabel net turnover } } }`,
          variables: { p: PORTFOLIO },
        },
        {
          next: (msg: { data?: any }) => resolve(msg.data?.outcomeRecorded),
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await new Promise((r) => setTimeout(r, 300)); // subscription registered
    const message = (portfolioId: string, decisionId: string): OutcomeRecorded => ({
      decisionId,
      portfolioId,
      timeframe: '1d',
      asOf: `${closes[3]!.date}T21:00:00.000Z`,
      nextBarTime: `${closes[4]!.date}T00:00:00.000Z`,
      recordedAt: new Date().toISOString(),
      arms: [
        {
          arm: 'production',
          modelLabel: modelLabel(ACTED),
          gross: 0.001,
          cost: 1e-4,
          net: 9e-4,
          turnover: 0.1,
        },
      ],
    });
    // Another book's, one this gateway cannot read, then the book's own.
    await redis.publish(channels.outcomeRecorded, JSON.stringify(message(`other-${SUFFIX}`, ids[2]!)));
    await redis.publish(channels.outcomeRecorded, JSON.stringify({ decisionId: ids[1], arms: [] }));
    await redis.publish(channels.outcomeRecorded, JSON.stringify(message(PORTFOLIO, ids[3]!)));
    const event = await received;
    await ws.dispose();
    expect(event).toEqual({
      decisionId: ids[3],
      portfolioId: PORTFOLIO,
      asOf: `${closes[3]!.date}T21:00:00.000Z`,
      nextBarTime: `${closes[4]!.date}T00:00:00.000Z`,
      arms: [{ arm: 'production', modelLabel: modelLabel(ACTED), net: 9e-4, turnover: 0.1 }],
    });
  });
});

describe('refusals', () => {
  it('names the bad argument', async () => {
    const b = await signedIn();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['query{ outcomes(first: 501){ items { decisionId } } }', {}, 'first'],
      ['query{ outcomes(after: "not-a-cursor"){ items { decisionId } } }', {}, 'after'],
      [
        'query($f: OutcomeFilter){ outcomes(filter: $f){ items { decisionId } } }',
        { f: { from: '2019-02-30' } },
        'filter.from',
      ],
      [
        'query($f: OutcomeFilter){ outcomes(filter: $f){ items { decisionId } } }',
        { f: { from: '2019-03-01', to: '2019-02-01' } },
        'filter.to',
      ],
      [
        'query($f: OutcomeFilter){ outcomes(filter: $f){ items { decisionId } } }',
        { f: { timeframe: '2d' } },
        'filter.timeframe',
      ],
      [
        'query($f: OutcomeFilter){ outcomes(filter: $f){ items { decisionId } } }',
        { f: { symbol: "x' OR 1=1" } },
        'filter.symbol',
      ],
      [
        'query($f: OutcomeSummaryFilter){ outcomeSummary(filter: $f){ truncated } }',
        { f: { portfolioId: "'; DROP TABLE decision_outcomes; --" } },
        'filter.portfolioId',
      ],
      ['query{ portfolioEquity(portfolioId: "p", maxPoints: 100000){ decisions } }', {}, 'maxPoints'],
      ['query{ portfolioEquity(portfolioId: "p", maxPoints: 0){ decisions } }', {}, 'maxPoints'],
      ['query{ outcomePortfolios(first: 1000){ portfolioId } }', {}, 'first'],
      ['query{ decisionOutcome(decisionId: "nope"){ status } }', {}, 'decisionId'],
    ];
    for (const [query, variables, field] of cases) {
      const r = await b.gql(query, variables);
      expect(errorOf(r), query).toEqual({ code: 'BAD_USER_INPUT', field });
    }
    // A cursor of another list is not this one's.
    const forensics = Buffer.from(
      JSON.stringify({ k: 'forensics', p: { decidedAtMs: 1, id: ids[0] } }),
    ).toString('base64url');
    const r = await b.gql('query($a: String){ outcomes(after: $a){ items { decisionId } } }', {
      a: forensics,
    });
    expect(errorOf(r)).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('asks for a session', async () => {
    const r = await browser().gql('query{ outcomePortfolios { portfolioId } }');
    expect(errorOf(r)?.code).toBe('UNAUTHENTICATED');
  });
});
