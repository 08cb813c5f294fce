/**
 * The paper trading client's connection to the decision engine: plain HTTP with an API key,
 * the way a trading program talks to it. Responses are parsed with the contracts' schemas, so
 * an engine of another version fails here with the field that differs, not later.
 */
import {
  predictResponse,
  replayState,
  type MarketBar,
  type PredictResponse,
  type ReplayState,
  type Timeframe,
} from '@tradeplane/contracts';
import type { z } from 'zod';

/** What `POST /api/v1/predict` is asked (the engine validates it; see its predict schema). */
export interface PredictBody {
  symbols: string[];
  timeframe: Timeframe;
  asOf: string;
  portfolio: Record<string, number>;
  requestKey: string;
  portfolioId: string;
}

export interface BarsPosted {
  accepted: number;
  duplicates: number;
}

export interface EngineClient {
  startReplay(body: {
    symbols: string[];
    timeframe: Timeframe;
    from: string;
    portfolioId: string;
  }): Promise<ReplayState>;
  endReplay(id: string): Promise<ReplayState>;
  postBars(bars: readonly MarketBar[], source: string): Promise<BarsPosted>;
  predict(body: PredictBody): Promise<PredictResponse>;
}

/** The engine answered with an error envelope (or not at all). */
export class EngineRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface HttpEngineClientOptions {
  /** Per request, ms (default 10 s). */
  timeoutMs?: number;
  /** Retries of a 429 or 503 (rate limit, risk model rebuilding), honouring Retry-After (default 20). */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const barsPosted = {
  parse(value: unknown): BarsPosted {
    const v = value as Partial<BarsPosted> | null;
    if (!v || typeof v.accepted !== 'number' || typeof v.duplicates !== 'number')
      throw new EngineRequestError(
        200,
        'BAD_RESPONSE',
        'POST /api/v1/bars: reply without accepted/duplicates',
      );
    return { accepted: v.accepted, duplicates: v.duplicates };
  },
};

export function httpEngineClient(
  baseUrl: string,
  apiKey: string,
  options: HttpEngineClientOptions = {},
): EngineClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 20;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function call<T>(
    method: 'POST' | 'DELETE',
    path: string,
    schema: Pick<z.ZodType<T>, 'parse'>,
    body?: unknown,
  ): Promise<T> {
    const url = new URL(path, baseUrl);
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            'x-api-key': apiKey,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new EngineRequestError(
          0,
          'UNREACHABLE',
          `${method} ${url.href}: ${(err as Error).message} (is the engine running? see --engine-url)`,
        );
      }
      const text = await res.text();
      if (res.ok) {
        try {
          return schema.parse(JSON.parse(text));
        } catch (err) {
          throw new EngineRequestError(
            res.status,
            'BAD_RESPONSE',
            `${method} ${path}: unexpected reply (${(err as Error).message.slice(0, 300)})`,
          );
        }
      }
      if ((res.status === 429 || res.status === 503) && attempt < retries) {
        const after = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 30) * 1000 : 250 * (attempt + 1));
        continue;
      }
      let error: { code?: string; message?: string; field?: string } = {};
      try {
        error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
      } catch {
        // Not the engine's envelope: the status says enough.
      }
      throw new EngineRequestError(
        res.status,
        error.code ?? `HTTP_${res.status}`,
        `${method} ${path}: ${res.status} ${error.message ?? text.slice(0, 200)}`,
        error.field,
      );
    }
  }

  return {
    startReplay: (body) => call('POST', '/api/v1/replays', replayState, body),
    endReplay: (id) => call('DELETE', `/api/v1/replays/${encodeURIComponent(id)}`, replayState),
    postBars: (bars, source) =>
      call('POST', '/api/v1/bars', barsPosted, {
        source,
        bars: bars.map((b) => ({ ...b, ts: new Date(b.ts).toISOString() })),
      }),
    predict: (body) => call('POST', '/api/v1/predict', predictResponse, body),
  };
}
