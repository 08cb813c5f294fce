import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STATUS, httpErrorBody, httpErrorCodes, sendError, type HttpErrorCode } from './http-errors';

describe('the HTTP status table', () => {
  it('gives every code an error status, and lists no code twice', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...httpErrorCodes].sort());
    expect(new Set(httpErrorCodes).size).toBe(httpErrorCodes.length);
    for (const code of httpErrorCodes) expect(HTTP_STATUS[code], code).toBeGreaterThanOrEqual(400);
  });

  it('answers bad input 400, unknown things 404, too many requests 429, outages 503 and the unknown 500', () => {
    const byStatus = (status: number) => httpErrorCodes.filter((c) => HTTP_STATUS[c] === status).sort();
    expect(byStatus(400)).toEqual(['BAD_REQUEST', 'INVALID_PARAMETER', 'STALE_BAR']);
    expect(byStatus(401)).toEqual(['UNAUTHENTICATED']);
    expect(byStatus(404)).toEqual(['NOT_FOUND', 'NO_DATA', 'UNKNOWN_SYMBOL']);
    expect(byStatus(405)).toEqual(['METHOD_NOT_ALLOWED']);
    expect(byStatus(409)).toEqual(['CONFLICT']);
    expect(byStatus(413)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(byStatus(429)).toEqual(['RATE_LIMITED']);
    expect(byStatus(503)).toEqual(['HALTED', 'UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
    expect(byStatus(500)).toEqual(['INTERNAL_SERVER_ERROR']);
  });

  it('writes the field only when the error names one', () => {
    expect(httpErrorBody('NOT_FOUND', 'no such decision')).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such decision' },
    });
    expect(httpErrorBody('INVALID_PARAMETER', 'bad', 'orders[2].symbol').error.field).toBe(
      'orders[2].symbol',
    );
  });
});

describe('sendError', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const [code, field] = (req.url ?? '/').slice(1).split('/') as [HttpErrorCode, string | undefined];
      res.setHeader('cache-control', 'no-store');
      sendError(res, code, `failed with ${code}`, field);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the envelope with the status of its code, keeping headers set before', async () => {
    for (const code of httpErrorCodes) {
      const res = await fetch(`${url}/${code}/symbol`);
      expect(res.status, code).toBe(HTTP_STATUS[code]);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ error: { code, message: `failed with ${code}`, field: 'symbol' } });
    }
  });
});
