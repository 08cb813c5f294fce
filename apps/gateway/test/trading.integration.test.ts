import { randomBytes, randomInt } from 'node:crypto';
import { channels, type DecisionEvent } from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import { createLogger, hashPassword, KafkaAdapter, type EventProducer } from '@tradeplane/platform';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testEnv } from '../../../test/stack';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { graphqlBrowser, type GqlResult } from './graphql-browser';

// Trading halt and live decisions through the gateway, on the real stack: halts in PostgreSQL,
// state changes over Redis pub/sub, decisions produced to the real Kafka `decisions` topic.

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 4 });
const ADMIN = { email: 'admin@tradeplane.local', password: 'admin-password-for-tests' };
const USERS = { quant: 'quant@trading.test', pm: 'pm@trading.test', viewer: 'viewer@trading.test' } as const;
const PASSWORD = 'trading-password';
const SUFFIX = randomBytes(3).toString('hex').toUpperCase();
/** A symbol no other test or process uses, so the mirror's per-symbol list holds only this run's decisions. */
const SYMBOL = `IT${SUFFIX}`;
const SAMPLE_PER_S = 4;

let gateway: RunningGateway;
let kafka: KafkaAdapter;
let producer: EventProducer;
let startedAt: Date;

const browser = () => graphqlBrowser(() => gateway.url);

async function signedIn(email: string, password = PASSWORD) {
  const b = browser();
  const r = await b.gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id } }', {
    e: email,
    p: password,
  });
  expect(r.errors).toBeUndefined();
  return b;
}

function wsClient(cookie: string): Client {
  return createClient({
    url: gateway.url.replace('http', 'ws') + '/graphql',
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie } });
      }
    },
  });
}

/** Collects a subscription's events; `until` waits for one matching event. */
function collect<T>(ws: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: T[] = [];
  const errors: unknown[] = [];
  ws.subscribe<T>(
    { query, variables },
    {
      next: (m) => (m.errors ? errors.push(m.errors) : events.push(m.data as T)),
      error: (err) => errors.push(err),
      complete: () => undefined,
    },
  );
  return {
    events,
    errors,
    async until(match: (e: T) => boolean, timeoutMs = 15_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors[0])}`);
        if (Date.now() > deadline) throw new Error(`no matching event in ${timeoutMs} ms`);
        await sleep(50);
      }
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorOf = (r: GqlResult) => r.errors?.[0]?.extensions;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID: 10 characters of millisecond time, then 16 random ones. */
function ulid(ms = Date.now()): string {
  let time = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[randomInt(32)];
  return time + random;
}

function decision(symbol: string, n: number): DecisionEvent {
  return {
    schemaVersion: 1,
    id: ulid(),
    requestKey: `it-${SUFFIX}-${n}`,
    at: Date.now(),
    timeframe: '1d',
    asOf: '2018-04-11T00:00:00.000Z',
    regime: { bull: 0.6, bear: 0.1, sideways: 0.3 },
    confidence: 0.42,
    targets: [
      {
        symbol,
        barTime: '2018-04-11T00:00:00.000Z',
        features: { ret1: 0.004, rsi14: 55.5, vol20: null },
        specialists: [
          { name: 'trend', version: 3, signal: 0.5, weight: 0.7 },
          { name: 'mean_reversion', version: 1, signal: -0.2, weight: 0.3 },
        ],
        blendedSignal: 0.29,
        currentWeight: 0.1,
        proposedWeight: 0.3,
        targetWeight: 0.25,
        weightsNormalised: false,
      },
    ],
    risk: {
      verdict: 'resize',
      scale: 0.75,
      bindingRule: 'concentration',
      rules: [
        {
          rule: 'concentration',
          passed: false,
          binding: true,
          code: 'CONCENTRATION_EXCEEDS_MAX',
          limit: 0.25,
          actual: 0.1,
          after: 0.25,
          detail: `${symbol} 0.30 > 0.25`,
        },
        {
          rule: 'gross',
          passed: true,
          binding: false,
          code: null,
          limit: 1,
          actual: 0.1,
          after: 0.25,
          detail: 'gross 0.25 ≤ 1',
        },
      ],
    },
    models: { arm: 'production', versions: { trend: 3, mean_reversion: 1, meta: 2 } },
    shadow: null,
    timings: { featuresMs: 0.05, regimeMs: 0.01, modelsMs: 0.12, riskMs: 0.03, totalMs: 0.23 },
  };
}

const send = (events: Array<{ key: string; value: string }>) => producer.send('decisions', events);
const sendDecisions = (ds: DecisionEvent[]) => send(ds.map((d) => ({ key: d.id, value: JSON.stringify(d) })));

async function metric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const DECISION_FIELDS = `id requestKey at timeframe asOf symbols confidence
  regime{ bull bear sideways }
  targets{ symbol barTime features{ name value } specialists{ name version signal weight }
    blendedSignal currentWeight proposedWeight targetWeight weightsNormalised }
  risk{ verdict scale bindingRule rules{ rule passed binding code limit actual after detail } }
  models{ arm versions{ name version } } shadow{ versions{ name version } }
  timings{ featuresMs regimeMs modelsMs riskMs totalMs }`;
const RECENT = `query($n:Int,$s:String){ recentDecisions(first:$n, symbol:$s){ id symbols } }`;

const STATE = 'halted cause actor actorName since';
const HALT = `mutation($r:String!){ haltTrading(reason:$r){ changed state{ ${STATE} } } }`;
const RESUME = `mutation($r:String!){ resumeTrading(reason:$r){ changed state{ ${STATE} } } }`;

async function userId(email: string): Promise<string> {
  return (await repos.users.findByEmail(email))!.id;
}

async function auditRows(action: string) {
  const { rows } = await repos.db.pool.query<{ actor: string; reason: string | null; details: any }>(
    'SELECT actor, reason, details FROM audit_log WHERE action = $1 AND at >= $2 ORDER BY id',
    [action, startedAt],
  );
  return rows;
}

beforeAll(async () => {
  await repos.db.pool.query('DELETE FROM users WHERE email = ANY($1)', [Object.values(USERS)]);
  for (const [role, email] of Object.entries(USERS))
    await repos.users.create(email, await hashPassword(PASSWORD), role as keyof typeof USERS);
  // Start from "trading": a halt left open by an earlier run would change every answer below.
  await repos.tradingHalts.resume('system:test', 'reset before the trading integration test');
  gateway = await startGateway(
    loadGatewayConfig({
      ...testEnv,
      GATEWAY_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DECISION_SAMPLE_PER_S: String(SAMPLE_PER_S),
    }),
    createLogger('test', 'silent'),
  );
  kafka = new KafkaAdapter(testEnv.KAFKA_BROKERS!, 'it-trading');
  producer = kafka.producer();
  startedAt = new Date(Date.now() - 1000);
});

afterAll(async () => {
  await repos.tradingHalts.resume('system:test', 'reset after the trading integration test');
  await gateway?.stop();
  await kafka?.close();
  await repos.db.pool.query('DELETE FROM users WHERE email = ANY($1)', [Object.values(USERS)]);
  await repos.db.close();
});

describe('trading halt', () => {
  it('lets only a pm or admin halt or resume, and requires a reason', async () => {
    expect(errorOf(await browser().gql('{ tradingState{ halted } }'))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    for (const email of [USERS.viewer, USERS.quant]) {
      const b = await signedIn(email);
      expect(errorOf(await b.gql(HALT, { r: 'not mine to halt' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(errorOf(await b.gql(RESUME, { r: 'not mine to resume' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect((await b.gql(`{ tradingState{ ${STATE} } }`)).data.tradingState.halted).toBe(false);
    }
    const pm = await signedIn(USERS.pm);
    expect(errorOf(await pm.gql(HALT, { r: '   ' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(errorOf(await pm.gql(RESUME, { r: '' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(errorOf(await pm.gql(HALT, { r: 'x'.repeat(2001) }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    expect((await pm.gql(`{ tradingState{ halted } }`)).data.tradingState.halted).toBe(false);
    expect(await auditRows('trading.halt')).toEqual([]);
  });

  it('halts, keeps the open halt on a second halt, resumes, and audits both changes', async () => {
    const pm = await signedIn(USERS.pm);
    const admin = await signedIn(ADMIN.email, ADMIN.password);
    const viewer = await signedIn(USERS.viewer);
    const pmId = await userId(USERS.pm);
    const adminId = await userId(ADMIN.email);

    const halted = (await pm.gql(HALT, { r: '  odd fills on the open  ' })).data.haltTrading;
    expect(halted).toMatchObject({
      changed: true,
      state: { halted: true, cause: 'odd fills on the open', actor: `user:${pmId}`, actorName: USERS.pm },
    });
    expect(Date.parse(halted.state.since)).toBeGreaterThan(startedAt.getTime());
    // Everyone reads the state.
    expect((await viewer.gql(`{ tradingState{ ${STATE} } }`)).data.tradingState).toEqual(halted.state);

    // A second halt while halted changes nothing and returns the open halt.
    const again = (await admin.gql(HALT, { r: 'me too' })).data.haltTrading;
    expect(again).toEqual({ changed: false, state: halted.state });
    expect(await auditRows('trading.halt')).toEqual([
      { actor: `user:${pmId}`, reason: 'odd fills on the open', details: { since: halted.state.since } },
    ]);

    const resumed = (await admin.gql(RESUME, { r: 'fills reconciled' })).data.resumeTrading;
    expect(resumed).toMatchObject({
      changed: true,
      state: { halted: false, cause: null, actor: `user:${adminId}`, actorName: ADMIN.email },
    });
    expect((await viewer.gql(`{ tradingState{ ${STATE} } }`)).data.tradingState).toEqual(resumed.state);
    expect((await pm.gql(RESUME, { r: 'again' })).data.resumeTrading.changed).toBe(false);
    expect(await auditRows('trading.resume')).toEqual([
      {
        actor: `user:${adminId}`,
        reason: 'fills reconciled',
        details: {
          haltCause: 'odd fills on the open',
          haltedBy: `user:${pmId}`,
          haltedSince: halted.state.since,
        },
      },
    ]);

    const history = (
      await viewer.gql(`{ haltHistory(first: 1){ id cause haltedBy haltedByName haltedAt resumedBy
        resumedByName resumeReason resumedAt } }`)
    ).data.haltHistory;
    expect(history).toEqual([
      {
        id: expect.any(String),
        cause: 'odd fills on the open',
        haltedBy: `user:${pmId}`,
        haltedByName: USERS.pm,
        haltedAt: halted.state.since,
        resumedBy: `user:${adminId}`,
        resumedByName: ADMIN.email,
        resumeReason: 'fills reconciled',
        resumedAt: resumed.state.since,
      },
    ]);
    expect(errorOf(await viewer.gql('{ haltHistory(first: 0){ id } }'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
  });

  it('streams halts and resumes to subscribers over graphql-ws, skipping malformed states', async () => {
    const viewer = await signedIn(USERS.viewer);
    const pm = await signedIn(USERS.pm);
    const ws = wsClient(viewer.cookie);
    try {
      const changes = collect<any>(ws, `subscription{ tradingStateChanged{ ${STATE} } }`);
      await sleep(300);
      // Another process publishing something that is not a TradingState must not reach the console.
      await gateway.services.redisQueue.publish(channels.tradingState, JSON.stringify({ halted: 'yes' }));
      const cause = `halt over ws ${SUFFIX}`;
      await pm.gql(HALT, { r: cause });
      const halt = await changes.until((e) => e.tradingStateChanged.cause === cause);
      expect(halt.tradingStateChanged).toMatchObject({ halted: true, actorName: USERS.pm });
      await pm.gql(RESUME, { r: 'done' });
      const resume = await changes.until((e) => e.tradingStateChanged.halted === false);
      expect(resume.tradingStateChanged).toMatchObject({ cause: null, actorName: USERS.pm });
      expect(changes.errors).toEqual([]);
      expect(changes.events.every((e) => typeof e.tradingStateChanged.halted === 'boolean')).toBe(true);
    } finally {
      await ws.dispose();
    }
  });

  it('gives the trading state as the TradingState enum beside the deprecated boolean, REDUCING included', async () => {
    const viewer = await signedIn(USERS.viewer);
    const pm = await signedIn(USERS.pm);
    const read = async () => (await viewer.gql('{ tradingState{ state halted } }')).data.tradingState;
    expect(await read()).toEqual({ state: 'ACTIVE', halted: false });
    const halt = (await pm.gql(`mutation{ haltTrading(reason:"enum check"){ state{ state halted } } }`)).data;
    expect(halt.haltTrading.state).toEqual({ state: 'HALTED', halted: true });
    expect(await read()).toEqual({ state: 'HALTED', halted: true });
    await pm.gql(RESUME, { r: 'enum check done' });
    expect(await read()).toEqual({ state: 'ACTIVE', halted: false });

    // REDUCING is not stored; another process that reports it reaches the subscribers as it is.
    const ws = wsClient(viewer.cookie);
    try {
      const changes = collect<any>(ws, 'subscription{ tradingStateChanged{ state halted cause actor } }');
      await sleep(300);
      const reducing = {
        state: 'REDUCING',
        cause: `risk: VaR near limit ${SUFFIX}`,
        actor: 'user:risk-desk',
        since: null,
      };
      await gateway.services.redisQueue.publish(channels.tradingState, JSON.stringify(reducing));
      const change = await changes.until((e) => e.tradingStateChanged.cause === reducing.cause);
      expect(change.tradingStateChanged).toEqual({
        state: 'REDUCING',
        halted: false,
        cause: reducing.cause,
        actor: 'user:risk-desk',
      });
      expect(changes.errors).toEqual([]);
    } finally {
      await ws.dispose();
    }
  });
});

describe('decisions', () => {
  beforeAll(async () => {
    await gateway.decisionStream.ready;
    // A new group starts at the latest offset, pinned at its first fetch: probe until one arrives.
    const probe = `ITP${SUFFIX}`;
    const viewer = await signedIn(USERS.viewer);
    for (let i = 0; ; i++) {
      await sendDecisions([decision(probe, i)]);
      await sleep(300);
      if ((await viewer.gql(RECENT, { n: 1, s: probe })).data.recentDecisions.length > 0) break;
      if (i > 60) throw new Error('the gateway never consumed a decision');
    }
  });

  it('mirrors valid decisions for recentDecisions and decision(id), skipping malformed ones', async () => {
    const viewer = await signedIn(USERS.viewer);
    const invalidBefore = await metric('tp_gateway_decision_events_total', 'outcome="invalid"');
    const ds = [decision(SYMBOL, 1), decision(SYMBOL, 2), decision(SYMBOL, 3)];
    const malformed = { ...decision(SYMBOL, 4), id: 'not-a-ulid' };
    await sendDecisions([ds[0]!, ds[1]!]);
    await send([
      { key: malformed.id, value: JSON.stringify(malformed) },
      { key: 'garbage', value: '{not json' },
    ]);
    // The third one twice: Kafka delivers at least once, the mirror lists it once.
    await sendDecisions([ds[2]!, ds[2]!]);

    let recent: Array<{ id: string; symbols: string[] }> = [];
    for (let i = 0; i < 100 && recent.length < 3; i++) {
      await sleep(100);
      recent = (await viewer.gql(RECENT, { n: 10, s: SYMBOL.toLowerCase() })).data.recentDecisions;
    }
    // Each listed once (the duplicate is not). Events keyed by id spread over the topic's
    // partitions, so arrival order — the mirror's order — is not publish order.
    expect([...recent.map((d) => d.id)].sort()).toEqual(
      ds
        .slice(0, 3)
        .map((d) => d.id)
        .sort(),
    );
    expect(recent.every((d) => d.symbols.length === 1 && d.symbols[0] === SYMBOL)).toBe(true);
    expect(await metric('tp_gateway_decision_events_total', 'outcome="invalid"')).toBeGreaterThanOrEqual(
      invalidBefore + 2,
    );
    // Unfiltered, the newest decisions of every symbol; ours among them.
    const all = (await viewer.gql(RECENT, { n: 500 })).data.recentDecisions.map((d: any) => d.id);
    expect(all).toEqual(expect.arrayContaining(ds.map((d) => d.id)));

    const detail = (
      await viewer.gql(`query($id:ID!){ decision(id:$id){ ${DECISION_FIELDS} } }`, { id: ds[1]!.id })
    ).data.decision;
    const d = ds[1]!;
    expect(detail).toEqual({
      id: d.id,
      requestKey: d.requestKey,
      at: new Date(d.at).toISOString(),
      timeframe: '1d',
      asOf: d.asOf,
      symbols: [SYMBOL],
      confidence: 0.42,
      regime: d.regime,
      targets: [
        {
          ...d.targets[0],
          features: [
            { name: 'ret1', value: 0.004 },
            { name: 'rsi14', value: 55.5 },
            { name: 'vol20', value: null },
          ],
        },
      ],
      risk: d.risk,
      models: {
        arm: 'production',
        versions: [
          { name: 'trend', version: 3 },
          { name: 'mean_reversion', version: 1 },
          { name: 'meta', version: 2 },
        ],
      },
      shadow: null,
      timings: d.timings,
    });

    expect(errorOf(await viewer.gql('{ decision(id: "not-a-ulid"){ id } }'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect((await viewer.gql(`{ decision(id: "${ulid()}"){ id } }`)).data.decision).toBeNull();
    expect(errorOf(await viewer.gql(RECENT, { n: 0 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await browser().gql(RECENT, { n: 1 }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('streams a sample of the decisions of one symbol over graphql-ws, at most the configured rate', async () => {
    const viewer = await signedIn(USERS.viewer);
    const ws = wsClient(viewer.cookie);
    const symbol = `ITS${SUFFIX}`;
    try {
      const sampled = collect<any>(
        ws,
        `subscription($s:String){ decisionSampled(symbol:$s){ ${DECISION_FIELDS} } }`,
        {
          s: symbol,
        },
      );
      const all = collect<any>(ws, `subscription{ decisionSampled{ id symbols } }`);
      const none = collect<any>(ws, `subscription($s:String){ decisionSampled(symbol:$s){ id } }`, {
        s: `ITN${SUFFIX}`,
      });
      await sleep(300);
      const sent: DecisionEvent[] = [];
      const started = Date.now();
      // 40 sends over about two seconds: far more than the rate lets through.
      for (let i = 0; i < 40; i++) {
        const d = decision(symbol, i);
        sent.push(d);
        await sendDecisions([d]);
        await sleep(50);
      }
      const first = await sampled.until(() => true);
      await sleep(1000);
      const seconds = (Date.now() - started) / 1000;

      expect(sent.map((d) => d.id)).toContain(first.decisionSampled.id);
      expect(first.decisionSampled.targets[0].specialists).toHaveLength(2);
      expect(sampled.events.every((e) => e.decisionSampled.symbols.includes(symbol))).toBe(true);
      expect(none.events).toEqual([]);
      // One sample per slot of 1/SAMPLE_PER_S s (+1 for a partial slot), all replicas together.
      const ours = all.events.filter((e) => e.decisionSampled.symbols.includes(symbol));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.length).toBeLessThanOrEqual(Math.ceil(seconds * SAMPLE_PER_S) + 1);
      expect(sampled.errors).toEqual([]);
    } finally {
      await ws.dispose();
    }
  });
});
