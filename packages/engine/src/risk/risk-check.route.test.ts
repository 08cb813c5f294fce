import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, sendError } from '@tradeplane/platform';
import { preTradeLimits } from '@tradeplane/quant';
import { RiskService } from '@tradeplane/risk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParameterError } from '../http/params';
import { handleRiskCheck } from './risk-check.route';

// The handler on a bare loopback server with a model that is never built.
const risk = new RiskService(
  { dailySymbols: async () => [] },
  { get: async () => ({}) as never },
  preTradeLimits(),
  {},
  Date.now,
  createLogger('test', 'silent'),
);
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    handleRiskCheck(req, res, risk).catch((err: ParameterError) =>
      sendError(res, 'INVALID_PARAMETER', err.message, err.field),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = async (body: string) => {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as any };
};

describe('handleRiskCheck', () => {
  it('answers 503 while the risk model is not built', async () => {
    const { status, body } = await post(JSON.stringify({ orders: [{ symbol: 'AAPL', deltaWeight: 0.01 }] }));
    expect(status).toBe(503);
    expect(body.error.code).toBe('UNAVAILABLE');
  });

  it('validates before anything else: malformed JSON and bad fields are 400 with the field', async () => {
    expect((await post('{"orders": [')).body.error).toMatchObject({
      code: 'INVALID_PARAMETER',
      field: 'body',
    });
    expect((await post('{"orders": [{"symbol": "", "deltaWeight": 0.1}]}')).body.error.field).toBe(
      'orders[0].symbol',
    );
  });

  it('refuses a body over 1 MiB', async () => {
    const huge = JSON.stringify({ orders: [{ symbol: 'AAPL', deltaWeight: 0.1 }], pad: 'x'.repeat(1 << 20) });
    expect((await post(huge)).body.error).toMatchObject({
      field: 'body',
      message: expect.stringMatching(/larger/),
    });
  });
});
