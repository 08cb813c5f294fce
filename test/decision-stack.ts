// Helpers for the decision-path integration tests: each test file gets its own database
// (a registry with no models yet, so the bootstrap registration runs every time), its own
// Kafka topic and its own spool and artifact directories, on the real local stack.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  applyMigrations,
  createDb,
  defaultMigrationsDir,
  openRepositories,
  type Repositories,
} from '@tradeplane/db';
import { runIngestion } from '@tradeplane/marketdata';
import { generateSecret, sha256Hex } from '@tradeplane/platform';
import { sharedData, testEnv } from './stack';

/** Drops and recreates `name` next to the test database, migrated; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const base = new URL(testEnv.DATABASE_URL!);
  const admin = createDb({
    url: Object.assign(new URL(base), { pathname: '/postgres' }).toString(),
    poolMax: 1,
  });
  try {
    await admin.pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.pool.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.close();
  }
  const url = Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  const db = createDb({ url, poolMax: 1 });
  try {
    await applyMigrations(db.pool, defaultMigrationsDir());
  } finally {
    await db.close();
  }
  return url;
}

/** Imports daily CSVs from ../shared/data (paths relative to it). */
export async function importDaily(repos: Repositories, files: string[]): Promise<void> {
  for (const file of files) {
    const run = await repos.ingestionRuns.create(path.join(sharedData, file), null);
    await runIngestion(repos, run.id, path.join(sharedData, file));
  }
}

export async function createApiKey(repos: Repositories, name: string): Promise<string> {
  const { secret, displayPrefix } = generateSecret('key');
  await repos.apiKeys.create({ name, prefix: displayPrefix, keyHash: sha256Hex(secret), createdBy: null });
  return secret;
}

/** Engine environment on `databaseUrl` with private directories and topic. */
export async function decisionEnv(
  databaseUrl: string,
  topic: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tp-decision-test-'));
  return {
    ...testEnv,
    DATABASE_URL: databaseUrl,
    ENGINE_PORT: '0',
    DECISION_EVENTS_TOPIC: topic,
    DECISION_EVENTS_SPOOL_DIR: path.join(dir, 'events'),
    TRACKING_ARTIFACT_DIR: path.join(dir, 'artifacts'),
    TRACKING_SPOOL_DIR: path.join(dir, 'tracking-spool'),
    ENGINE_EXECUTION_PROVIDERS: 'cpu',
    ...extra,
  };
}

/** Removes the directories `decisionEnv` made. */
export async function removeDecisionEnv(env: Record<string, string> | undefined): Promise<void> {
  if (env?.DECISION_EVENTS_SPOOL_DIR)
    await rm(path.dirname(env.DECISION_EVENTS_SPOOL_DIR), { recursive: true, force: true });
}

export function openRepos(url: string): Repositories {
  return openRepositories({ url, poolMax: 3 });
}

/** Untyped JSON of a response, as the tests read it (see the `any` rule for tests in eslint.config). */
export type Json = any;

export interface Reply {
  status: number;
  body: Record<string, Json>;
  ms: number;
}

/** POST /api/v1/predict (a string body is sent as is). */
export async function predict(
  engineUrl: string,
  body: unknown,
  key: string | null,
  method = 'POST',
): Promise<Reply> {
  const t0 = performance.now();
  const res = await fetch(`${engineUrl}/api/v1/predict`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, Json>;
  return { status: res.status, body: json, ms: performance.now() - t0 };
}

export async function healthz(engineUrl: string): Promise<Record<string, Json>> {
  return (await fetch(`${engineUrl}/healthz`).then((r) => r.json())) as Record<string, Json>;
}

export const component = (health: Record<string, Json>, name: string) =>
  (health.components as Array<{ name: string; state: string; detail: string | null }>).find(
    (c) => c.name === name,
  )!;

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
