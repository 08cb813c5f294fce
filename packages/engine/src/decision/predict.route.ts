import type { IncomingMessage, ServerResponse } from 'node:http';
import { decidesIn } from '@tradeplane/contracts';
import { HTTP_STATUS, sendError, sendJson } from '@tradeplane/platform';
import { NoDataError, UnknownSymbolError } from '../features';
import { readJsonBody } from '../http/json-body';
import type { DecisionService } from './decision-service';
import { predictResponseJson } from './decision-wire';
import { RiskUnavailableError } from './decision-service';
import type { TradingHaltController } from '../trading';
import { parsePredictRequest, type PredictRequest } from './predict.schema';

export const PREDICT_PATH = '/api/v1/predict';
/** A basket of 50 symbols with a full book fits in a few kB; 64 kB leaves room, nothing more. */
const MAX_BODY_BYTES = 64 * 1024;

export interface PredictDeps {
  decisions: DecisionService;
  halts: TradingHaltController;
  clock: () => number;
}

/**
 * `POST /api/v1/predict` after authentication: HALTED → 503 `HALTED` with the cause; body →
 * validated request (400 naming the field) → decision (200, the predict response: the decision
 * and the trading state it was made in) → the decision event, published after the response is
 * written. Returns the HTTP status sent.
 */
export async function handlePredict(
  req: IncomingMessage,
  res: ServerResponse,
  deps: PredictDeps,
  startedAt: number,
): Promise<number> {
  if (!decidesIn(deps.halts.state)) return sendHalted(res, deps.halts);
  const request = parsePredictRequest(await readJsonBody(req, MAX_BODY_BYTES), deps.clock());
  let decided;
  try {
    decided = await deps.decisions.decide(request, startedAt);
  } catch (err) {
    return sendDecisionError(res, err, request);
  }
  // A halt raised while the features were awaited (a leakage alarm) wins over this decision.
  const state = deps.halts.state;
  if (!decidesIn(state)) return sendHalted(res, deps.halts);
  const bodyJson = JSON.stringify(decided.decision);
  const json = predictResponseJson(bodyJson, state);
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
  deps.decisions.afterResponse(decided, bodyJson);
  return 200;
}

function sendHalted(res: ServerResponse, halts: TradingHaltController): number {
  const { state, cause, actor, since } = halts.current;
  const message = `trading is halted${cause ? `: ${cause}` : ''}`;
  // The envelope plus the halt's own fields, which clients read to show who halted and why;
  // `halted: true` stays beside `state` for the clients written before the trading state.
  const status = HTTP_STATUS.HALTED;
  sendJson(res, status, {
    error: { code: 'HALTED', message, cause },
    state,
    halted: true,
    cause,
    actor,
    since,
  });
  return status;
}

function sendDecisionError(res: ServerResponse, err: unknown, request: PredictRequest): number {
  if (err instanceof UnknownSymbolError) {
    const field =
      request.symbolsField === 'symbols' ? `symbols[${request.symbols.indexOf(err.symbol)}]` : 'symbol';
    return sendError(res, err.code, err.message, field);
  }
  if (err instanceof NoDataError) return sendError(res, err.code, err.message);
  if (err instanceof RiskUnavailableError) return sendError(res, err.code, err.message);
  throw err;
}
