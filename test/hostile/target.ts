// The hostile-input corpus: cases run against a running platform (engine + gateway as their own
// processes), once started the way development runs it and once the way a deployment does
// (built JavaScript, NODE_ENV=production). Cases only talk HTTP/WebSocket to the target and
// read the database to prove that nothing was stored.
import { TRUSTED_DOCUMENTS } from '@tradeplane/contracts';
import { createDb } from '@tradeplane/db';
import { createClient, type ExecutionResult } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { repoRoot } from '../stack';

export interface Account {
  email: string;
  password: string;
}

export interface HostileTarget {
  mode: 'development' | 'production';
  gatewayUrl: string;
  engineUrl: string;
  /** An active engine API key (the trading engine's). */
  apiKey: string;
  admin: Account;
  viewer: Account;
  /** The database both processes use, for "nothing was stored" checks. */
  databaseUrl: string;
}

/** Untyped JSON as the tests read it (see the `any` rule for tests in eslint.config). */
export type Json = any;

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Json;
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpReply> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Sends `raw` bytes as the request line's path (fetch would normalise a malformed one). */
export async function rawRequest(
  baseUrl: string,
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<HttpReply> {
  const { request } = await import('node:http');
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path: rawPath,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: Json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers: h, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const LEAKS: Array<[string, RegExp]> = [
  ['a stack frame', /\n\s+at \S|\bat [\w.<>]+ \(/],
  ['a source file path', /(?:\/[\w.@-]+){2,}\.(?:[cm]?[jt]sx?)\b/],
  ['the repository path', new RegExp(repoRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
  ['node_modules', /node_modules/],
  ['a file URL', /file:\/\//],
  [
    'a PostgreSQL message',
    /relation "|syntax error at or near|invalid byte sequence|violates .* constraint|column ".*" does not exist/i,
  ],
  ['an HTML error page', /<!DOCTYPE html>|<html/i],
];

/** The reply says nothing about the implementation: no stack, no path, no internal message. */
export function expectNoLeak(text: string): void {
  for (const [what, pattern] of LEAKS) {
    if (pattern.test(text)) throw new Error(`reply leaks ${what}: ${text.slice(0, 600)}`);
  }
}

/** A JSON error reply (HTTP API) with `status`, error `code` and, when given, the bad `field`. */
export function expectHttpError(reply: HttpReply, status: number, code: string, field?: string): void {
  expectNoLeak(reply.text);
  expect(reply.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect({ status: reply.status, code: reply.json?.error?.code }).toEqual({ status, code });
  if (field !== undefined) expect(reply.json?.error?.field).toBe(field);
}

export interface GqlReply {
  status: number;
  text: string;
  data: Json;
  errors: Json[] | undefined;
}

/** A GraphQL request over HTTP as the console sends it (JSON, CSRF-safe content type). */
export async function gql(
  target: HostileTarget,
  query: string,
  variables?: Record<string, unknown>,
  cookie?: string,
): Promise<GqlReply> {
  const reply = await http(`${target.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: reply.status, text: reply.text, data: reply.json?.data, errors: reply.json?.errors };
}

/** The same operation over graphql-ws: the first result (or the error that ended it). */
export async function wsGql(
  target: HostileTarget,
  query: string,
  variables?: Record<string, unknown>,
  cookie?: string,
): Promise<GqlReply> {
  const client = createClient({
    url: target.gatewayUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, cookie ? { headers: { cookie } } : {});
      }
    },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    const result = await new Promise<ExecutionResult | { errors: Json[] }>((resolve) => {
      const stop = client.subscribe(
        { query, variables },
        {
          next: (value) => {
            stop();
            resolve(value as ExecutionResult);
          },
          error: (err) =>
            resolve({
              errors: Array.isArray(err)
                ? err
                : [
                    {
                      message: String((err as Error)?.message ?? err),
                      extensions: { code: 'WS_CLOSED', reason: (err as { reason?: string })?.reason },
                    },
                  ],
            }),
          complete: () => resolve({ errors: [] }),
        },
      );
    });
    const text = JSON.stringify(result);
    return {
      status: 0,
      text,
      data: (result as ExecutionResult).data,
      errors: result.errors?.length ? (result.errors as Json[]) : undefined,
    };
  } finally {
    await client.dispose();
  }
}

/**
 * The text of one of the console's operations, by its name in the trusted-document manifest
 * (`features/auth/operations.ts LOGIN`): what an anonymous client may send in production.
 */
export function consoleOperation(name: string): string {
  const document = TRUSTED_DOCUMENTS.find((d) => d.name === name);
  if (!document) throw new Error(`no console operation ${name}`);
  return document.query;
}

/** Signs in over HTTP with the console's own login operation; returns the session cookie (`tp_session=…`). */
export async function signIn(target: HostileTarget, account: Account): Promise<string> {
  const res = await fetch(`${target.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: consoleOperation('features/auth/operations.ts LOGIN'),
      variables: account,
    }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tp_session='));
  if (!cookie) throw new Error(`sign-in of ${account.email} failed: ${res.status} ${await res.text()}`);
  return cookie.split(';')[0]!;
}

/** The GraphQL error code of the first error, after checking that no error leaks. */
export function firstCode(reply: GqlReply): string | undefined {
  expectNoLeak(reply.text);
  return reply.errors?.[0]?.extensions?.code;
}

/** One number from the target's database (a `SELECT count(*) …`), for "nothing was stored". */
export async function countRows(target: HostileTarget, sql: string, params: unknown[] = []): Promise<number> {
  const db = createDb({ url: target.databaseUrl, poolMax: 1 });
  try {
    const { rows } = await db.pool.query<{ count: string }>(sql, params);
    return Number(rows[0]?.count ?? 0);
  } finally {
    await db.close();
  }
}
