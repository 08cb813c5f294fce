import type { ServerResponse } from 'node:http';

export type ErrorCode =
  | 'INVALID_PARAMETER'
  | 'UNAUTHENTICATED'
  | 'UNKNOWN_SYMBOL'
  | 'NO_DATA'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const statusFor: Record<ErrorCode, number> = {
  INVALID_PARAMETER: 400,
  UNAUTHENTICATED: 401,
  UNKNOWN_SYMBOL: 404,
  NO_DATA: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Errors are `{ error: { code, message, field? } }` with the HTTP status derived from the code. */
export function sendError(res: ServerResponse, code: ErrorCode, message: string, field?: string): number {
  const status = statusFor[code];
  sendJson(res, status, { error: { code, message, ...(field ? { field } : {}) } });
  return status;
}
