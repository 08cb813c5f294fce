import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from '@tradeplane/platform';
import { checkOrders } from '@tradeplane/quant';
import type { RiskService } from '@tradeplane/risk';
import { readJsonBody } from '../http/json-body';
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
