/**
 * Decision forensics through the gateway, on the real stack: explanations computed as the
 * workers' consumer computes them (explainDecisions, bootstrap model set, SPY's real features)
 * are stored in PostgreSQL with repos.forensics, a decision of its own is put in the Redis
 * mirror only (pending), and the gateway answers
 *   - REST GET /api/v1/forensics/:decisionId: 200 / 202 / 404 / 400 / 401, session or API key;
 *   - GraphQL decision(id){ forensics }, falling back to the stored decision past the mirror;
 *   - GraphQL forensicsDecisions: by symbol and time range, newest first, cursor pages.
 */
import { randomBytes } from 'node:crypto';
import {
  decisionForensics,
  decisionIdTime,
  featureNames,
  type DecisionEvent,
  type ForensicsExplanation,
} from '@tradeplane/contracts';
import { openRepositories, type ForensicsRow } from '@tradeplane/db';
import { ulidFactory } from '@tradeplane/engine';
import { bootstrapModelSetInput, explainDecisions, ModelSet } from '@tradeplane/models';
import { createLogger, generateSecret, hashPassword, sha256Hex } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spyDecision } from '@tradeplane/models/testing';
import { testEnv } from '../../../test/stack';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { graphqlBrowser, type GqlResult } from './graphql-browser';

const repos = openRepositories({ url: testEnv.DATABASE_URL!, poolMax: 4 });
const ADMIN = { email: 'admin@tradeplane.local', password: 'admin-password-for-tests' };
const VIEWER = { email: 'viewer@forensics.test', password: 'forensics-password' };
const SUFFIX = randomBytes(3).toString('hex').toUpperCase();
/** A symbol of this run alone, so a search by it sees only this run's rows. */
const SYMBOL = `FX${SUFFIX}`;

let gateway: RunningGateway;
let apiKey: string;
let apiKeyId: string;
const set = ModelSet.create(bootstrapModelSetInput(), { executionProviders: ['cpu'] });

/** A ULID of the given millisecond time (random in its last 16 characters). */
const ulid = (ms: number) => ulidFactory(() => ms)();

/** A decision as the engine makes it, on SPY's real features of `date`. */
function decide(id: string, date: string, symbols: string[] = [SYMBOL]): DecisionEvent {
  return spyDecision(set, {
    id,
    targets: symbols.map((symbol) => ({ symbol, date })),
    regime: { bull: 0.15, bear: 0.7, sideways: 0.15 },
    requestKey: `forensics-it-${SUFFIX}-${id}`,
    currentWeight: 0.02,
  });
}

// Six stored decisions one second apart (oldest first): five explained, the fourth failed.
const T0 = Date.now() - 10 * 60_000;
const DATES = ['2008-10-10', '2017-06-30', '2013-05-21', '2000-03-24', '2015-08-24', '2018-02-05'];
const stored = DATES.map((date, k) => decide(ulid(T0 + k * 1000), date));
const FAILED = 3;
const FAILURE = 'model momentum v99 is not registered';
const explanations = new Map<string, ForensicsExplanation>();
/** Only in the Redis mirror: its explanation is pending (older than the pending grace of 30 s). */
const pending = decide(ulid(Date.now() - 5 * 60_000), '2012-06-01');
/** In the mirror and stored: the mirror answers decision(id), PostgreSQL its forensics. */
const both = stored[0]!;

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

async function lookup(id: string, headers: Record<string, string> = { 'x-api-key': apiKey }) {
  const res = await fetch(`${gateway.url}/api/v1/forensics/${encodeURIComponent(id)}`, { headers });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

beforeAll(async () => {
  await repos.db.pool.query('DELETE FROM users WHERE email = $1', [VIEWER.email]);
  await repos.users.create(VIEWER.email, await hashPassword(VIEWER.password), 'viewer');
  const key = generateSecret('key');
  apiKey = key.secret;
  apiKeyId = (
    await repos.apiKeys.create({
      name: `forensics it ${SUFFIX}`,
      prefix: key.displayPrefix,
      keyHash: sha256Hex(key.secret),
      createdBy: null,
    })
  ).id;

  const rows: ForensicsRow[] = explainDecisions(set, stored).map((explanation, k) => {
    const decision = stored[k]!;
    if (k === FAILED) return { decision, explanation: null, failureReason: FAILURE };
    explanations.set(decision.id, explanation);
    return { decision, explanation, failureReason: null };
  });
  expect(await repos.forensics.storeMany(rows)).toHaveLength(rows.length);

  gateway = await startGateway(
    loadGatewayConfig({
      ...testEnv,
      GATEWAY_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      API_KEY_REFRESH_S: '1',
    }),
    createLogger('test', 'silent'),
  );
  await gateway.services.decisions.add([pending, both]);
});

afterAll(async () => {
  await gateway?.stop();
  set.dispose();
  const ids = [...stored, pending].map((d) => d.id);
  await repos.db.pool.query('DELETE FROM decision_forensics WHERE decision_id = ANY($1)', [ids]);
  await repos.db.pool.query('DELETE FROM users WHERE email = $1', [VIEWER.email]);
  await repos.db.pool.query('DELETE FROM api_keys WHERE id = $1', [apiKeyId]);
  await repos.db.close();
});

describe('GET /api/v1/forensics/:decisionId', () => {
  it('answers an explained decision with its stored record, to an API key or a signed-in session', async () => {
    const d = stored[1]!;
    const r = await lookup(d.id);
    expect(r.status).toBe(200);
    const body = decisionForensics.parse(r.body);
    expect(body).toMatchObject({
      decisionId: d.id,
      status: 'explained',
      decidedAt: new Date(decisionIdTime(d.id)).toISOString(),
      failureReason: null,
    });
    expect(body.decision).toEqual(d);
    expect(body.explanation).toEqual(explanations.get(d.id));
    expect(body.delayMs).toBeGreaterThan(0);

    // Authorization: Bearer, a lower-case id, and the console's session cookie.
    const bearer = await lookup(d.id.toLowerCase(), { authorization: `Bearer ${apiKey}` });
    expect(bearer.status).toBe(200);
    expect(bearer.body).toEqual(r.body);
    const viewer = await signedIn();
    const session = await lookup(d.id, { cookie: viewer.cookie });
    expect(session.status).toBe(200);
    expect(session.body.decisionId).toBe(d.id);
  });

  it('answers a failed decision with the reason, a mirrored one as pending, and 404 for an unknown id', async () => {
    const failed = await lookup(stored[FAILED]!.id);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'failed', explanation: null, failureReason: FAILURE });

    const p = await lookup(pending.id);
    expect(p.status).toBe(202);
    expect(p.body).toEqual({ status: 'pending', decisionId: pending.id });
    expect(p.headers.get('retry-after')).toBe('1');

    const unknown = ulid(Date.now() - 5 * 60_000);
    const missing = await lookup(unknown);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining(unknown) } });

    // An id made a moment ago may still be on its way through Kafka to both stores: pending.
    const recent = ulid(Date.now() - 2_000);
    expect((await lookup(recent)).status).toBe(202);
    expect((await lookup(ulid(Date.now() + 60_000))).status).toBe(404);
  });

  it('refuses a malformed id with 400 naming decisionId', async () => {
    // Not base32 (I, L, O, U are not Crockford digits), too short, and a time past 48 bits.
    for (const id of [
      'not-a-ulid',
      'O1HZX3Q7Y8K9M2N4P6R8T0V2W4',
      '01HZX3Q7Y8',
      '8ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    ]) {
      const r = await lookup(id);
      expect(r.status, id).toBe(400);
      expect(r.body.error).toEqual({ code: 'BAD_REQUEST', field: 'decisionId', message: expect.any(String) });
    }
  });

  it('answers 401 without valid credentials, for a revoked key once the keys are reloaded', async () => {
    const id = stored[1]!.id;
    expect((await lookup(id, {})).status).toBe(401);
    expect((await lookup('not-a-ulid', {})).status).toBe(401);
    expect((await lookup(id, { 'x-api-key': 'tp_key_not-a-real-key' })).body.error.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await lookup(id, { authorization: `Basic ${apiKey}` })).status).toBe(401);
    expect((await lookup(id, { cookie: 'tp_session=tp_session_forged' })).status).toBe(401);
    // A wrong key is refused even beside a valid session.
    const viewer = await signedIn();
    expect((await lookup(id, { cookie: viewer.cookie, 'x-api-key': 'wrong' })).status).toBe(401);

    // A key created after the gateway started works within a second (an unknown key reloads the
    // hashes at most once a second, and the test refreshes them every second); a revoked one stops.
    const late = generateSecret('key');
    const created = await repos.apiKeys.create({
      name: `forensics it late ${SUFFIX}`,
      prefix: late.displayPrefix,
      keyHash: sha256Hex(late.secret),
      createdBy: null,
    });
    try {
      await expect
        .poll(async () => (await lookup(id, { 'x-api-key': late.secret })).status, { timeout: 5_000 })
        .toBe(200);
      await repos.apiKeys.revoke(created.id);
      await expect
        .poll(async () => (await lookup(id, { 'x-api-key': late.secret })).status, { timeout: 5_000 })
        .toBe(401);
    } finally {
      await repos.db.pool.query('DELETE FROM api_keys WHERE id = $1', [created.id]);
    }
  });
});

const FORENSICS_FIELDS = `decisionId status decidedAt explainedAt delayMs failureReason
  explanation{ method baseline{ name value } regimeBaseline{ bull bear sideways } regime{ bull bear sideways }
    targets{ symbol featuresComplete baselineContribution interactionContribution blendedSignal regimeInfluence
      featureContributions{ name value } blendOcclusion{ name value }
      specialists{ name version signal baselineSignal weight contribution interaction weightAtUniformRegime
        attributions{ name value } weightByRegime{ bull bear sideways } }
      currentWeight proposedWeight targetWeight riskAdjustment }
    risk{ verdict scale bindingRule adjustments{ rule passed binding code limit actual after detail } }
    models{ name version } rowsEvaluated reproductionError }`;
const DECISION = `query($id:ID!){ decision(id:$id){ id symbols targets{ symbol features{ name value } blendedSignal }
  forensics{ ${FORENSICS_FIELDS} } } }`;

describe('GraphQL decision(id){ forensics }', () => {
  it('reads a decision gone from the mirror from PostgreSQL, with its explanation as typed lists', async () => {
    const viewer = await signedIn();
    const d = stored[2]!;
    const e = explanations.get(d.id)!;
    const r = await viewer.gql(DECISION, { id: d.id.toLowerCase() });
    expect(r.errors).toBeUndefined();
    const decision = r.data.decision;
    expect(decision.id).toBe(d.id);
    expect(decision.symbols).toEqual([SYMBOL]);
    // The features in their canonical order, although JSONB reorders the stored keys.
    expect(decision.targets[0].features.map((f: any) => f.name)).toEqual([...featureNames]);

    const f = decision.forensics;
    expect(f).toMatchObject({
      decisionId: d.id,
      status: 'explained',
      decidedAt: new Date(decisionIdTime(d.id)).toISOString(),
      failureReason: null,
    });
    const x = f.explanation;
    expect(x.method).toBe('occlusion');
    expect(x.models).toEqual(Object.entries(e.models).map(([name, version]) => ({ name, version })));
    expect(x.risk).toEqual(e.risk);
    const t = x.targets[0];
    const te = e.targets[0]!;
    expect(t.featureContributions).toEqual(
      featureNames.map((name) => ({ name, value: te.featureContributions[name] })),
    );
    // The waterfall adds up: baseline + Σ features + interaction = blend = Σ weight × signal.
    const features = t.featureContributions.reduce((s: number, c: any) => s + c.value, 0);
    expect(t.baselineContribution + features + t.interactionContribution).toBeCloseTo(t.blendedSignal, 5);
    expect(t.specialists.reduce((s: number, sp: any) => s + sp.contribution, 0)).toBeCloseTo(
      t.blendedSignal,
      5,
    );
    expect(t.blendedSignal).toBeCloseTo(d.targets[0]!.blendedSignal, 5);
    // Seven significant digits are stored (the models compute in float32).
    expect(t.riskAdjustment).toBeCloseTo(t.targetWeight - t.proposedWeight, 6);
    for (const s of t.specialists) {
      const se = te.specialists.find((x) => x.name === s.name)!;
      expect(s.weightByRegime).toEqual(se.weightByRegime);
      expect(s.attributions).toEqual(featureNames.map((name) => ({ name, value: se.attributions[name] })));
    }
  });

  it('answers pending for a mirrored decision not explained yet, failed with its reason, null for an unknown id', async () => {
    const viewer = await signedIn();
    const p = (await viewer.gql(DECISION, { id: pending.id })).data.decision;
    expect(p.id).toBe(pending.id);
    expect(p.forensics).toEqual({
      decisionId: pending.id,
      status: 'pending',
      decidedAt: new Date(decisionIdTime(pending.id)).toISOString(),
      explainedAt: null,
      delayMs: null,
      failureReason: null,
      explanation: null,
    });

    // In the mirror and stored: the decision from Redis, its explanation from PostgreSQL.
    expect((await viewer.gql(DECISION, { id: both.id })).data.decision.forensics.status).toBe('explained');

    const failed = (await viewer.gql(DECISION, { id: stored[FAILED]!.id })).data.decision.forensics;
    expect(failed).toMatchObject({ status: 'failed', failureReason: FAILURE, explanation: null });

    expect((await viewer.gql(DECISION, { id: ulid(Date.now()) })).data.decision).toBeNull();
    expect(errorOf(await viewer.gql(DECISION, { id: 'not-a-ulid' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
    expect(errorOf(await browser().gql(DECISION, { id: pending.id }))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});

const SEARCH = `query($s:String,$from:DateTime,$to:DateTime,$n:Int,$after:String){
  forensicsDecisions(symbol:$s, from:$from, to:$to, first:$n, after:$after){
    items{ decisionId decidedAt explainedAt requestKey symbols arm verdict status }
    pageInfo{ hasNextPage endCursor } } }`;

describe('GraphQL forensicsDecisions', () => {
  const newestFirst = [...stored].reverse().map((d) => d.id);

  it('finds the decisions of a symbol, newest first, in cursor pages', async () => {
    const viewer = await signedIn();
    const all = (await viewer.gql(SEARCH, { s: SYMBOL.toLowerCase() })).data.forensicsDecisions;
    expect(all.items.map((i: any) => i.decisionId)).toEqual(newestFirst);
    expect(all.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(all.items[0]).toEqual({
      decisionId: stored[5]!.id,
      decidedAt: new Date(decisionIdTime(stored[5]!.id)).toISOString(),
      explainedAt: expect.any(String),
      requestKey: stored[5]!.requestKey,
      symbols: [SYMBOL],
      arm: 'production',
      verdict: 'resize',
      status: 'explained',
    });
    expect(all.items.find((i: any) => i.decisionId === stored[FAILED]!.id).status).toBe('failed');

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r: any = (await viewer.gql(SEARCH, { s: SYMBOL, n: 4, after })).data.forensicsDecisions;
      seen.push(...r.items.map((i: any) => i.decisionId));
      if (!r.pageInfo.hasNextPage) break;
      after = r.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);
  });

  it('narrows to a time range [from, to)', async () => {
    const viewer = await signedIn();
    const at = (k: number) => new Date(decisionIdTime(stored[k]!.id)).toISOString();
    const r = (await viewer.gql(SEARCH, { s: SYMBOL, from: at(1), to: at(4) })).data.forensicsDecisions;
    expect(r.items.map((i: any) => i.decisionId)).toEqual([stored[3]!.id, stored[2]!.id, stored[1]!.id]);
    // Without a symbol, this run's decisions are among all of that range.
    const any = (await viewer.gql(SEARCH, { from: at(0), to: at(5), n: 500 })).data.forensicsDecisions;
    expect(any.items.map((i: any) => i.decisionId)).toEqual(expect.arrayContaining(newestFirst.slice(1)));
  });

  it('names the argument that is wrong', async () => {
    const viewer = await signedIn();
    const wrong = async (vars: Record<string, unknown>) => errorOf(await viewer.gql(SEARCH, vars));
    expect(await wrong({ n: 0 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await wrong({ n: 501 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    const t = new Date().toISOString();
    expect(await wrong({ from: t, to: t })).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await wrong({ after: 'not-a-cursor' })).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await wrong({ s: 'not a symbol' })).toEqual({ code: 'BAD_USER_INPUT', field: 'symbol' });
    expect(errorOf(await browser().gql(SEARCH, {}))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
