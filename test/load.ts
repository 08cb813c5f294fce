/**
 * What the engine benchmarks share (bench:engine, bench:risk): the local stack and the daily
 * bars they need, processes of their own (`node --import tsx`, so the pid is the process
 * itself, not a tsx wrapper), API keys, an HTTP client on keep-alive sockets, open- and
 * closed-loop load, percentiles, peak RSS and the engine's Prometheus histograms.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Repositories } from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { generateSecret, sha256Hex } from '@tradeplane/platform';
import type { PreTradeRequest } from '@tradeplane/quant';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The seeded LCG the benchmarks draw their request mixes from: [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** P50/P95/P99/max in ms (NaN, i.e. null in JSON, for no samples). */
export function percentiles(samples: ArrayLike<number>, decimals = 3) {
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
  const round = (x: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
  return {
    p50_ms: round(at(0.5)),
    p95_ms: round(at(0.95)),
    p99_ms: round(at(0.99)),
    max_ms: round(s.length === 0 ? NaN : s.at(-1)!),
  };
}

const stackScript = path.join(repoRoot, 'infra/stack.sh');

/** Starts the local stack when it is not up; true when this call started it. */
export function stackUp(log: (msg: string) => void): boolean {
  try {
    execFileSync('bash', [stackScript, 'status'], { stdio: 'ignore' });
    return false;
  } catch {
    log('starting the local stack');
    execFileSync('bash', [stackScript, 'up'], { stdio: 'inherit' });
    return true;
  }
}

export function stackDown(): void {
  execFileSync('bash', [stackScript, 'down'], { stdio: 'inherit' });
}

/** Applies the SQL migrations (idempotent). */
export function migrate(): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'packages/db/src/migrate/cli.ts'], {
    cwd: repoRoot,
    stdio: 'ignore',
  });
}

/**
 * Imports the real daily bars from ../shared/data (or data/sample) when the database holds
 * fewer than 20 daily series. `files` are relative to the data directory (`daily/…`).
 */
export async function ensureDailyBars(
  repos: Repositories,
  files: readonly string[],
  log: (msg: string) => void,
): Promise<void> {
  const dailySeries = (await repos.bars.seriesStats()).filter((s) => s.timeframe === '1d').length;
  if (dailySeries >= 20) return;
  const shared = path.resolve(repoRoot, '../shared/data');
  for (const f of files) {
    const file = existsSync(shared)
      ? path.join(shared, f)
      : path.join(repoRoot, 'data/sample', path.basename(f));
    log(`importing ${file}`);
    const run = await repos.ingestionRuns.create(file, null);
    await runIngestion(repos, run.id, file);
  }
}

/**
 * A new API key (its secret), unlimited unless `rateLimitPerS` is given; an engine learns of
 * it on the first request that uses it.
 */
export async function createApiKey(
  repos: Repositories,
  name: string,
  rateLimitPerS: number | null = null,
): Promise<string> {
  const { secret, displayPrefix } = generateSecret('key');
  await repos.apiKeys.create({
    name,
    prefix: displayPrefix,
    keyHash: sha256Hex(secret),
    createdBy: null,
    rateLimitPerS,
  });
  return secret;
}

/** `node --import tsx <script> …args` in the repository root: one process, its pid its own. */
export function spawnTs(
  script: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface Health {
  components: Array<{ name: string; state: string }>;
  models?: unknown;
}

export const healthz = (url: string) =>
  fetch(`${url}/healthz`).then(
    (r) => r.json() as Promise<Health>,
    () => null,
  );

/** Waits until `url`'s /healthz reports the risk model up (the engine serves decisions then). */
export async function waitUntilServing(
  url: string,
  child: ChildProcess | null,
  what: string,
  timeoutMs = 150_000,
): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before serving`);
    const health = await healthz(url);
    if (health?.components.find((c) => c.name === 'risk-model')?.state === 'up') return health;
    if (Date.now() > deadline)
      throw new Error(`${what} did not report a built risk model within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Peak resident set of a process so far, MB: VmHWM of /proc/<pid>/status (Linux), null when
 * unreadable. It covers the whole life of the process, start-up included.
 */
export function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return null;
  }
}

export interface Reply {
  status: number;
  body: string;
}

/** POSTs over keep-alive sockets (at most `maxSockets`; more requests queue in the client). */
export function httpClient(baseUrl: string, apiKey: string | null, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    /** With `readBody` false the body is drained unread and `body` is ''. */
    post(route: string, payload: string, readBody = true): Promise<Reply> {
      return new Promise((resolve, reject) => {
        const req = http.request(
          `${baseUrl}${route}`,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
              ...(apiKey ? { 'x-api-key': apiKey } : {}),
            },
          },
          (res) => {
            const status = res.statusCode ?? 0;
            if (!readBody) {
              res.resume();
              res.on('end', () => resolve({ status, body: '' }));
              return;
            }
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status, body }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

export interface LoadOptions {
  /** Sends request number i. */
  send: (i: number) => Promise<Reply>;
  /** The server's own time for a 200 reply, read from its body (optional). */
  serverMs?: (body: string) => number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError: string | null;
  /** Client milliseconds of the successful requests. */
  client: number[];
  /** Server milliseconds of the successful requests (when `serverMs` is given). */
  server: number[];
  /** From the first send to the last reply. */
  seconds: number;
  /** Requests sent per second while sending (the generator's own pace). */
  sentPerS: number;
}

function recorder(o: LoadOptions) {
  const r: LoadResult = {
    requests: 0,
    errors: 0,
    firstError: null,
    client: [],
    server: [],
    seconds: 0,
    sentPerS: 0,
  };
  const fail = (why: string) => {
    r.errors++;
    r.firstError ??= why;
  };
  return {
    r,
    /** Sends request i; its client time counts from `from` (performance.now()). */
    run(i: number, from: number): Promise<void> {
      r.requests++;
      return o.send(i).then(
        (reply) => {
          const ms = performance.now() - from;
          if (reply.status !== 200) return fail(`HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
          r.client.push(ms);
          if (o.serverMs) r.server.push(o.serverMs(reply.body));
        },
        (err: Error) => fail(err.message),
      );
    },
  };
}

/**
 * Open loop: request i is due at i/rate s and sent then, whether or not earlier ones have
 * answered; its client time counts from when it was due (no coordinated omission: a
 * generator that falls behind shows up as latency, and in `sentPerS`). Sends
 * `rate × seconds` requests, then waits for every reply.
 */
export async function openLoop(o: LoadOptions & { rate: number; seconds: number }): Promise<LoadResult> {
  const total = Math.round(o.rate * o.seconds);
  const { r, run } = recorder(o);
  const pending: Array<Promise<void>> = [];
  const t0 = performance.now();
  let sent = 0;
  let lastSent = t0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * o.rate) + 1);
      for (; sent < due; sent++) pending.push(run(sent, t0 + (sent * 1000) / o.rate));
      lastSent = performance.now();
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  r.seconds = (performance.now() - t0) / 1000;
  r.sentPerS = total / Math.max((lastSent - t0) / 1000, 1 / o.rate);
  return r;
}

/** Closed loop: `concurrency` clients, each sending its next request when the last answered. */
export async function closedLoop(
  o: LoadOptions & { concurrency: number; seconds: number },
): Promise<LoadResult> {
  const { r, run } = recorder(o);
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < end) await run(next++, performance.now());
    }),
  );
  r.seconds = (performance.now() - t0) / 1000;
  r.sentPerS = r.requests / r.seconds;
  return r;
}

/** Sends requests 0…count-1 at `concurrency`; throws on the first non-200 (warm-ups). */
export async function sendAll(count: number, concurrency: number, send: LoadOptions['send']): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const reply = await send(next++);
        if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body.slice(0, 300)}`);
      }
    }),
  );
}

/** The JSON fields of one phase. */
export function summarise(r: LoadResult) {
  const client = percentiles(r.client);
  const server = r.server.length > 0 ? percentiles(r.server) : null;
  return {
    requests: r.requests,
    errors: r.errors,
    error_rate: r.requests > 0 ? Math.round((r.errors / r.requests) * 1e6) / 1e6 : 0,
    throughput_per_s: Math.round((r.requests - r.errors) / r.seconds),
    ...(server
      ? { server_p50_ms: server.p50_ms, server_p95_ms: server.p95_ms, server_p99_ms: server.p99_ms }
      : {}),
    client_p50_ms: client.p50_ms,
    client_p95_ms: client.p95_ms,
    client_p99_ms: client.p99_ms,
  };
}

/** /metrics of a service. */
export const scrape = (url: string) => fetch(`${url}/metrics`).then((r) => r.text());

function labelsMatch(labelText: string, want: Readonly<Record<string, string>>): boolean {
  const have: Record<string, string> = {};
  for (const m of labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) have[m[1]!] = m[2]!;
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** A counter or gauge, summed over the series whose labels include `labels`. */
export function metricValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm')))
    if (labelsMatch(m[1] ?? '', labels)) sum += Number(m[2]);
  return sum;
}

/** A Prometheus histogram: cumulative counts per upper bound (seconds), +Inf last. */
export interface Histogram {
  le: number[];
  cumulative: number[];
}

/** The histogram `name`, summed over the series whose labels include `labels`. */
export function histogram(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Histogram {
  const byLe = new Map<number, number>();
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    if (!labelsMatch(m[1]!, labels)) continue;
    const le = /le="([^"]+)"/.exec(m[1]!)![1]!;
    const bound = le === '+Inf' ? Infinity : Number(le);
    byLe.set(bound, (byLe.get(bound) ?? 0) + Number(m[2]));
  }
  const le = [...byLe.keys()].sort((a, b) => a - b);
  return { le, cumulative: le.map((b) => byLe.get(b)!) };
}

/** Observations between two scrapes of the same histogram. */
export function histogramDelta(after: Histogram, before: Histogram): Histogram {
  return {
    le: after.le,
    cumulative: after.cumulative.map((c, i) => c - (before.cumulative[before.le.indexOf(after.le[i]!)] ?? 0)),
  };
}

export const histogramCount = (h: Histogram) => h.cumulative.at(-1) ?? 0;

/** Share of observations ≤ `bound` seconds (a bucket bound: exact), null for none. */
export function shareAtMost(h: Histogram, bound: number): number | null {
  const i = h.le.indexOf(bound);
  const total = histogramCount(h);
  if (i < 0) throw new Error(`${bound} is not a bucket bound (${h.le.join(', ')})`);
  return total > 0 ? h.cumulative[i]! / total : null;
}

/**
 * The q-quantile in ms, interpolated linearly inside its bucket (Prometheus'
 * histogram_quantile): an estimate, exact only at bucket bounds. NaN for no observations.
 */
export function histogramQuantileMs(h: Histogram, q: number): number {
  const total = histogramCount(h);
  if (total === 0) return NaN;
  const rank = q * total;
  const i = h.cumulative.findIndex((c) => c >= rank);
  const upper = h.le[i]!;
  const lower = i > 0 ? h.le[i - 1]! : 0;
  if (upper === Infinity) return lower * 1000;
  const below = i > 0 ? h.cumulative[i - 1]! : 0;
  const inBucket = h.cumulative[i]! - below;
  const x = inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
  return Math.round(x * 1e6) / 1000;
}

/**
 * The pre-trade check's request mix (bench:risk, bench:engine): seeded books of 3–15
 * positions and baskets of 1–5 orders over `symbols`, 3% of orders on a symbol outside them.
 */
export function riskCheckMix(symbols: readonly string[], count = 1000, seed = 20240601): PreTradeRequest[] {
  const rand = seededRandom(seed);
  const pick = () => symbols[Math.floor(rand() * symbols.length)]!;
  return Array.from({ length: count }, () => {
    const portfolio: Record<string, number> = {};
    for (let i = 0, m = 3 + Math.floor(rand() * 13); i < m; i++) portfolio[pick()] = (rand() - 0.25) * 0.12;
    const orders = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => ({
      symbol: rand() < 0.03 ? 'NOTMODELLED' : pick(),
      deltaWeight: Math.round((rand() - 0.35) * 0.5 * 1e4) / 1e4,
    }));
    return { portfolio, orders } satisfies PreTradeRequest;
  });
}

/**
 * The seeded request mix of bench:engine and bench:forensics: one symbol of the daily universe
 * per decision (the trading engine's call) on a date of 2016–2017, a portfolio of up to four
 * positions so the risk check has work, request keys `<keyPrefix>-<i>`.
 */
export function predictPayloads(keyPrefix = 'order', count = 4000): string[] {
  const symbols = ['SPY', 'AAPL', 'AMZN', 'GOOG', 'JPM', 'XOM', 'PFE', 'WMT', 'BAC', 'T', 'GE', 'MA'];
  const rand = seededRandom(20240601);
  const dates = Array.from({ length: 120 }, (_, i) =>
    new Date(Date.UTC(2016, 0, 5) + i * 5 * 86_400_000).toISOString(),
  );
  return Array.from({ length: count }, (_, i) => {
    const portfolio: Record<string, number> = {};
    for (let k = 0; k < 4; k++)
      portfolio[symbols[Math.floor(rand() * symbols.length)]!] =
        Math.round((rand() - 0.3) * 0.16 * 1e4) / 1e4;
    return JSON.stringify({
      symbol: symbols[i % symbols.length]!,
      timeframe: '1d',
      asOf: dates[Math.floor(rand() * dates.length)]!,
      portfolio,
      requestKey: `${keyPrefix}-${i}`,
    });
  });
}
