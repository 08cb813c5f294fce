import { assertNever, decisionIdTime } from '@tradeplane/contracts';
import type { ForensicsRepository } from '@tradeplane/db';
import {
  ApiKeyAuthenticator,
  Histogram,
  INTERNAL_ERROR_MESSAGE,
  sendError,
  sendRateLimited,
  type HttpErrorCode,
  type Logger,
  type Registry,
} from '@tradeplane/platform';
import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { SESSION_COOKIE, type SessionService } from '../auth/session.service';
import { DECISION_ID_FORMAT, parseDecisionId, type DecisionMirror } from '../decisions';

export interface ForensicsLookupDeps {
  forensics: Pick<ForensicsRepository, 'get'>;
  /** Decisions mirrored from Kafka: a decision there without a stored explanation is pending. */
  mirror: Pick<DecisionMirror, 'get'>;
  sessions: Pick<SessionService, 'userFor'>;
  apiKeys: Pick<ApiKeyAuthenticator, 'admit' | 'admitFresh' | 'retryAfterS'>;
  metrics: Registry;
  logger: Logger;
  /** FORENSICS_PENDING_GRACE_S in ms: how long an id unknown to both stores counts as pending. */
  pendingGraceMs: number;
  clock?: () => number;
}

/** Ids timestamped this far ahead of our clock still count as recent (clock skew between hosts). */
const FUTURE_SKEW_MS = 5_000;

/** The codes this route answers with; their statuses are the shared table's (HTTP_STATUS). */
export type ForensicsLookupErrorCode = Extract<
  HttpErrorCode,
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
>;

/**
 * `GET /api/v1/forensics/:decisionId`, for a signed-in console user (session cookie) or an API
 * key (`x-api-key`, `Authorization: Bearer`):
 *   200 the stored record (`status` explained or failed) · 202 `pending`: the decision is known
 *   (mirrored) but not explained yet, or its id is younger than the pending grace · 404 no decision with this id · 400 not a decision id ·
 *   401 no valid credentials · 429 an API key over its rate limit (with Retry-After).
 * Latency: an API key is checked in memory; the lookup is one primary-key read of one partition
 * (the id carries its partition key), and Redis is asked only when PostgreSQL has no row.
 */
export function forensicsLookup(deps: ForensicsLookupDeps): RequestHandler<{ decisionId: string }> {
  const log = deps.logger.child({ scope: 'forensics-lookup' });
  const clock = deps.clock ?? Date.now;
  const duration = new Histogram({
    name: 'tp_gateway_forensics_lookup_seconds',
    help: 'GET /api/v1/forensics/:decisionId duration, by HTTP status',
    labelNames: ['status'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [deps.metrics],
  });

  /** Null when the caller may look; else sends the refusal and returns its status. */
  async function refusal(req: Request, res: Response): Promise<number | null> {
    const unauthenticated = () =>
      fail(res, 'UNAUTHENTICATED', 'sign in, or present an API key (x-api-key or Authorization: Bearer)');
    const key = ApiKeyAuthenticator.keyFrom(req.headers);
    // A presented key decides: a wrong key is refused even with a session cookie beside it.
    if (key) {
      const verdict = deps.apiKeys.admit(key);
      const settled = verdict === 'UNKNOWN_KEY' ? await deps.apiKeys.admitFresh(key) : verdict;
      switch (settled) {
        case 'ADMITTED':
          return null;
        case 'UNKNOWN_KEY':
          return unauthenticated();
        case 'RATE_LIMITED':
          res.setHeader('cache-control', 'no-store');
          return sendRateLimited(res, deps.apiKeys.retryAfterS(key), 'this API key');
        default:
          return assertNever(settled);
      }
    }
    const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    return token !== undefined && (await deps.sessions.userFor(token)) !== null ? null : unauthenticated();
  }

  async function answer(req: Request<{ decisionId: string }>, res: Response): Promise<number> {
    const refused = await refusal(req, res);
    if (refused !== null) return refused;
    const id = parseDecisionId(req.params.decisionId);
    if (!id) return fail(res, 'BAD_REQUEST', `decisionId must be ${DECISION_ID_FORMAT}`, 'decisionId');

    const stored = await deps.forensics.get(id);
    // A stored record never changes (the consumer writes each id once).
    if (stored) return send(res, 200, stored, 'private, max-age=3600');

    const age = clock() - decisionIdTime(id);
    let known = age >= -FUTURE_SKEW_MS && age < deps.pendingGraceMs;
    if (!known) {
      try {
        known = (await deps.mirror.get(id)) !== null;
      } catch (err) {
        log.warn({ err, decisionId: id }, 'decision mirror unreachable: cannot tell pending from unknown');
        return fail(res, 'UPSTREAM_UNAVAILABLE', 'the decision cache is unreachable; retry shortly');
      }
    }
    if (!known) return fail(res, 'NOT_FOUND', `no decision with id ${id}`);
    // The consumer explains a decision within about a second of it being made.
    res.setHeader('retry-after', '1');
    return send(res, 202, { status: 'pending', decisionId: id }, 'no-store');
  }

  return async (req, res) => {
    const started = performance.now();
    let status: number;
    try {
      status = await answer(req, res);
    } catch (err) {
      log.error({ err, decisionId: req.params.decisionId }, 'forensics lookup failed');
      status = fail(res, 'INTERNAL_SERVER_ERROR', INTERNAL_ERROR_MESSAGE);
    }
    duration.observe({ status: String(status) }, (performance.now() - started) / 1000);
  };
}

function send(res: Response, status: number, body: object, cacheControl: string): number {
  res.status(status).setHeader('cache-control', cacheControl).json(body);
  return status;
}

/** The engine's error envelope and status table (@tradeplane/platform http); errors are never cached. */
function fail(res: Response, code: ForensicsLookupErrorCode, message: string, field?: string): number {
  res.setHeader('cache-control', 'no-store');
  return sendError(res, code, message, field);
}
