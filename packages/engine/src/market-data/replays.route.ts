import type { IncomingMessage, ServerResponse } from 'node:http';
import { timeframeSchema } from '@tradeplane/contracts';
import { sendError, sendJson } from '@tradeplane/platform';
import { z } from 'zod';
import { readJsonBody } from '../http/json-body';
import {
  decodeSegment,
  ParameterError,
  parseBody,
  parseTime,
  PORTFOLIO_ID_PATTERN,
  SYMBOL_PATTERN,
} from '../http/params';
import { ReplayConflictError, ReplayUnknownSymbolError, type ReplayRegistry } from './replays';

export const REPLAYS_PATH = '/api/v1/replays';
export const REPLAY_PATH = /^\/api\/v1\/replays\/([^/]+)\/?$/;
/** A replay names a universe, not a market: the same cap as a decision's basket. */
const MAX_REPLAY_SYMBOLS = 50;
const MAX_BODY_BYTES = 16 * 1024;

const replayRequestSchema = z
  .object({
    symbols: z
      .array(z.string().regex(SYMBOL_PATTERN, `must match ${SYMBOL_PATTERN.source}`))
      .min(1, 'needs at least one symbol')
      .max(MAX_REPLAY_SYMBOLS),
    timeframe: timeframeSchema,
    // Read by the one time parser, so that its errors name `from` with its reason.
    from: z.union([z.string(), z.number()]),
    /** The paper portfolio whose decisions are scored with the regime counterfactuals. */
    portfolioId: z
      .string()
      .regex(PORTFOLIO_ID_PATTERN, `must match ${PORTFOLIO_ID_PATTERN.source}`)
      .optional(),
  })
  .strict();

export interface ReplaysDeps {
  replays: ReplayRegistry;
  clock: () => number;
}

/** `POST /api/v1/replays` `{ symbols, timeframe, from, portfolioId? }` → 200 the replay (its id and cut-off). */
export async function handleStartReplay(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ReplaysDeps,
): Promise<number> {
  const data = parseBody(replayRequestSchema, await readJsonBody(req, MAX_BODY_BYTES));
  const symbols: string[] = [];
  data.symbols.forEach((raw, i) => {
    const symbol = raw.toUpperCase();
    if (symbols.includes(symbol))
      throw new ParameterError(`symbols[${i}]`, `symbols[${i}]: ${symbol} is listed twice`);
    symbols.push(symbol);
  });
  const fromMs = parseTime('from', data.from, deps.clock());
  try {
    sendJson(res, 200, await deps.replays.start(symbols, data.timeframe, fromMs, data.portfolioId ?? null));
    return 200;
  } catch (err) {
    if (err instanceof ReplayConflictError || err instanceof ReplayUnknownSymbolError)
      return sendError(res, err.code, err.message, err.field);
    throw err;
  }
}

/**
 * `GET` (the replay, with the counterfactuals scored so far) or `DELETE` (end it: its series show
 * every stored bar again; the reply is the replay's final state) `/api/v1/replays/{id}`.
 */
export function handleReplay(
  method: 'GET' | 'DELETE',
  rawId: string,
  res: ServerResponse,
  deps: ReplaysDeps,
): number {
  const id = decodeSegment('id', rawId);
  const replay = method === 'GET' ? deps.replays.get(id) : deps.replays.end(id);
  if (!replay) return sendError(res, 'NOT_FOUND', `no live replay ${id} on this engine`, 'id');
  sendJson(res, 200, method === 'GET' ? replay : { ...replay, ended: true });
  return 200;
}
