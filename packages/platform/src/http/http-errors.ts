import type { ServerResponse } from 'node:http';

/**
 * Every code an HTTP error body may carry, for the engine's routes and the gateway's REST
 * routes alike. Two pairs overlap on purpose: `BAD_REQUEST` is what the gateway's REST
 * forensics lookup has always answered for a malformed path parameter (the engine says
 * `INVALID_PARAMETER`), and `UPSTREAM_UNAVAILABLE` names a dependency the gateway could not
 * reach while `UNAVAILABLE` is the engine itself not ready.
 */
export const httpErrorCodes = [
  'INVALID_PARAMETER',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'UNKNOWN_SYMBOL',
  'NO_DATA',
  'NOT_FOUND',
  'STALE_BAR',
  'CONFLICT',
  'METHOD_NOT_ALLOWED',
  'RATE_LIMITED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'HALTED',
  'UNAVAILABLE',
  'UPSTREAM_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type HttpErrorCode = (typeof httpErrorCodes)[number];

/** The one status table: a code always answers with the same status, whichever process sends it. */
export const HTTP_STATUS: Readonly<Record<HttpErrorCode, number>> = {
  INVALID_PARAMETER: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  UNKNOWN_SYMBOL: 404,
  NO_DATA: 404,
  NOT_FOUND: 404,
  /** A bar older than its series' last bar, or at a stored bar's time with other values. */
  STALE_BAR: 400,
  /** The request clashes with state held by another (an overlapping market replay). */
  CONFLICT: 409,
  METHOD_NOT_ALLOWED: 405,
  /** An API key over its rate limit; sent with Retry-After. */
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  HALTED: 503,
  UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** The error envelope: `{ error: { code, message, field? } }`; `field` names the bad input. */
export interface HttpErrorBody {
  error: { code: HttpErrorCode; message: string; field?: string };
}

export function httpErrorBody(code: HttpErrorCode, message: string, field?: string): HttpErrorBody {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** What an unknown error is answered with: no internals, whatever the error said. */
export const INTERNAL_ERROR_MESSAGE = 'internal error';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/**
 * Sends the envelope with the status of `code`; returns the status sent. Headers set on `res`
 * beforehand (cache-control, retry-after) are kept. An Express response is a ServerResponse,
 * so the gateway's REST routes use this too.
 */
export function sendError(res: ServerResponse, code: HttpErrorCode, message: string, field?: string): number {
  const status = HTTP_STATUS[code];
  sendJson(res, status, httpErrorBody(code, message, field));
  return status;
}

/** RATE_LIMITED (429) with `Retry-After` in whole seconds, the wait also said in the message. */
export function sendRateLimited(res: ServerResponse, retryAfterS: number, what: string): number {
  res.setHeader('retry-after', String(retryAfterS));
  return sendError(res, 'RATE_LIMITED', `${what} is over its rate limit; retry in ${retryAfterS} s`);
}
