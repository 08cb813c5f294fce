import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from '@tradeplane/platform';
import { checkOrders } from '@tradeplane/quant';
import type { RiskService } from '@tradeplane/risk';
import { ParameterError } from '../http/params';
import { parseRiskCheckRequest } from './risk-check.schema';

export const RISK_CHECK_PATH = '/api/v1/risk/check';
const MAX_BODY_BYTES = 1 << 20;

/**
 * `POST /api/v1/risk/check` after authentication: body → validated request → checkOrders on
 * the snapshot in memory → JSON. Returns the HTTP status sent. Bad input throws a
 * ParameterError (400 naming the field); no model yet answers 503.
 */
export async function handleRiskCheck(
  req: IncomingMessage,
  res: ServerResponse,
  risk: RiskService,
): Promise<number> {
  const request = parseRiskCheckRequest(await readJsonBody(req, MAX_BODY_BYTES));
  const snapshot = risk.snapshot;
  if (!snapshot) return sendError(res, 'UNAVAILABLE', 'the risk model is not built yet; retry shortly');
  const result = checkOrders(request, snapshot.model, risk.limits);
  sendJson(res, 200, { ...result, riskModel: snapshot.info });
  return 200;
}

/** The request body parsed as JSON; a ParameterError on field `body` when too large or malformed. */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > maxBytes) return reject(new ParameterError('body', `body is larger than ${maxBytes} bytes`));
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ParameterError('body', 'body is not valid JSON'));
      }
    });
  });
}
