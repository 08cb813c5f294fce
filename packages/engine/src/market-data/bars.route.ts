import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertNever } from '@tradeplane/contracts';
import { sendError, sendJson } from '@tradeplane/platform';
import { readJsonBody } from '../http/json-body';
import { BarRefusedError, type BarIngest } from './bar-ingest';
import { parseBarsRequest } from './bars.schema';

export const BARS_PATH = '/api/v1/bars';
/** A bar is under 200 bytes of JSON: this leaves room for the configured batch, nothing more. */
const BYTES_PER_BAR = 400;

export interface BarsDeps {
  ingest: BarIngest;
  maxBatch: number;
  clock: () => number;
}

/**
 * `POST /api/v1/bars` after authentication: one bar or `{ bars: [...] }` → validated (400
 * naming the field) → checked against the series as a whole (404 UNKNOWN_SYMBOL, 400
 * STALE_BAR, 400 for a batch out of order) → appended and published → 200 with each bar's
 * status. Returns the HTTP status sent.
 */
export async function handleBars(req: IncomingMessage, res: ServerResponse, deps: BarsDeps): Promise<number> {
  const body = await readJsonBody(req, deps.maxBatch * BYTES_PER_BAR + 1024);
  const request = parseBarsRequest(body, deps.maxBatch, deps.clock());
  try {
    sendJson(res, 200, await deps.ingest.ingest(request));
    return 200;
  } catch (err) {
    if (!(err instanceof BarRefusedError)) throw err;
    switch (err.code) {
      case 'UNKNOWN_SYMBOL':
      case 'STALE_BAR':
      case 'INVALID_PARAMETER':
        return sendError(res, err.code, err.message, err.field);
      default:
        return assertNever(err.code);
    }
  }
}
