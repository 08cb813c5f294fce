import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HealthReport, Logger, Registry } from '@tradeplane/platform';
import {
  Histogram,
  INTERNAL_ERROR_MESSAGE,
  publicHealthReport,
  sendError,
  sendJson,
  sendRateLimited,
} from '@tradeplane/platform';
import { assertNever } from '@tradeplane/contracts';
import { ApiKeyAuthenticator } from './auth/api-key-auth';
import { handlePredict, PREDICT_PATH, type PredictDeps } from './decision';
import { NoDataError, UnknownSymbolError, type FeatureService } from './features';
import { decodeSegment, ParameterError, parseSymbol, parseTime, parseTimeframe } from './http/params';
import {
  BARS_PATH,
  handleBars,
  handleReplay,
  handleStartReplay,
  REPLAY_PATH,
  REPLAYS_PATH,
  type BarsDeps,
  type ReplaysDeps,
} from './market-data';
import { handleRiskCheck, RISK_CHECK_PATH, type RiskService } from './risk';

export interface EngineServerDeps {
  features: FeatureService;
  auth: ApiKeyAuthenticator;
  health: () => Promise<HealthReport>;
  metrics: Registry;
  clock: () => number;
  logger: Logger;
  risk: RiskService;
  predict: PredictDeps;
  bars: BarsDeps;
  replays: ReplaysDeps;
}

const FEATURES = /^\/api\/v1\/features\/([^/]+)\/([^/]+)(\/series)?\/?$/;

/** 405 with the methods the route takes in `Allow`. */
function methodNotAllowed(res: ServerResponse, allow: 'GET' | 'POST' | 'GET, DELETE'): number {
  res.setHeader('allow', allow);
  return sendError(res, 'METHOD_NOT_ALLOWED', `use ${allow}`);
}

/** Where no route matches: a segment that is not valid percent-encoding is named, else 404. */
function noRoute(res: ServerResponse, method: string | undefined, path: string): number {
  for (const segment of path.split('/')) decodeSegment('path', segment);
  return sendError(res, 'NOT_FOUND', `no route for ${method} ${path}`);
}

/**
 * The engine's HTTP surface. Plain node:http with a tiny router: the request path does a
 * hash lookup for the key, a Map/LRU lookup for the features and one JSON serialisation.
 */
export function createEngineServer(deps: EngineServerDeps): Server {
  const latency = new Histogram({
    name: 'tp_engine_http_request_duration_seconds',
    help: 'Engine HTTP request duration (server side)',
    labelNames: ['route', 'status'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1],
    registers: [deps.metrics],
  });

  // Label children resolved once: observing is then a bucket increment.
  const children = new Map<string, ReturnType<typeof latency.labels>>();
  const observe = (route: string, status: number, started: bigint) => {
    const key = `${route}:${status}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = latency.labels(route, String(status))));
    child.observe(Number(process.hrtime.bigint() - started) / 1e9);
  };

  /**
   * The warm path, fully synchronous: a known key, a series in memory, a vector in the LRU.
   * Anything else (or any doubt) falls through to `route`.
   */
  function fastPath(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (req.method !== 'GET') return false;
    const match = FEATURES.exec(url.pathname);
    if (!match || match[3]) return false;
    const key = ApiKeyAuthenticator.keyFrom(req.headers);
    if (!key || !deps.auth.isValid(key)) return false;
    try {
      const symbol = parseSymbol(decodeSegment('symbol', match[1]!));
      const timeframe = parseTimeframe(decodeSegment('timeframe', match[2]!));
      const asOf = parseTime('asOf', url.searchParams.get('asOf'), deps.clock());
      const vector = deps.features.vectorFromMemory(symbol, timeframe, asOf);
      if (!vector) return false;
      // The key's token is taken only where this path answers, so a request that falls
      // through is counted once, by `route`; an over-limit key is answered there too.
      if (deps.auth.admit(key) !== 'ADMITTED') return false;
      sendJson(res, 200, vector);
      return true;
    } catch {
      return false; // errors are reported by the full path
    }
  }

  /**
   * Null for a known key within its rate limit (reloading the key set once for a key created
   * a moment ago); else sends the refusal (401, or 429 with Retry-After) and returns its status.
   */
  async function keyRefusal(req: IncomingMessage, res: ServerResponse): Promise<number | null> {
    const key = ApiKeyAuthenticator.keyFrom(req.headers);
    if (!key) return unauthenticated(res);
    const verdict = deps.auth.admit(key);
    if (verdict === 'ADMITTED') return null;
    const settled = verdict === 'UNKNOWN_KEY' ? await deps.auth.admitFresh(key) : verdict;
    switch (settled) {
      case 'ADMITTED':
        return null;
      case 'UNKNOWN_KEY':
        return unauthenticated(res);
      case 'RATE_LIMITED':
        return sendRateLimited(res, deps.auth.retryAfterS(key), 'this API key');
      default:
        return assertNever(settled);
    }
  }
  const unauthenticated = (res: ServerResponse) =>
    sendError(
      res,
      'UNAUTHENTICATED',
      'a valid API key is required (x-api-key header or Authorization: Bearer)',
    );

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    started: number,
  ): Promise<[string, number]> {
    const path = url.pathname;
    if (path === '/healthz' || path === '/metrics') {
      if (req.method !== 'GET') return [path.slice(1), methodNotAllowed(res, 'GET')];
    }
    if (path === '/healthz') {
      // Anonymous: component states and short, path-free details only.
      const report = publicHealthReport(await deps.health());
      sendJson(res, report.ok ? 200 : 503, report);
      return ['healthz', report.ok ? 200 : 503];
    }
    if (path === '/metrics') {
      const body = await deps.metrics.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.contentType });
      res.end(body);
      return ['metrics', 200];
    }
    // Decisions: src/decision.
    if (path === PREDICT_PATH) {
      if (req.method !== 'POST') return ['predict', methodNotAllowed(res, 'POST')];
      const refused = await keyRefusal(req, res);
      if (refused !== null) return ['predict', refused];
      return ['predict', await handlePredict(req, res, deps.predict, started)];
    }
    // Pre-trade risk check: src/risk.
    if (path === RISK_CHECK_PATH) {
      if (req.method !== 'POST') return ['risk_check', methodNotAllowed(res, 'POST')];
      const refused = await keyRefusal(req, res);
      if (refused !== null) return ['risk_check', refused];
      return ['risk_check', await handleRiskCheck(req, res, deps.risk)];
    }
    // Live bars and market replays: src/market-data.
    if (path === BARS_PATH) {
      if (req.method !== 'POST') return ['bars', methodNotAllowed(res, 'POST')];
      const refused = await keyRefusal(req, res);
      if (refused !== null) return ['bars', refused];
      return ['bars', await handleBars(req, res, deps.bars)];
    }
    if (path === REPLAYS_PATH) {
      if (req.method !== 'POST') return ['replays', methodNotAllowed(res, 'POST')];
      const refused = await keyRefusal(req, res);
      if (refused !== null) return ['replays', refused];
      return ['replays', await handleStartReplay(req, res, deps.replays)];
    }
    const replay = REPLAY_PATH.exec(path);
    if (replay) {
      if (req.method !== 'GET' && req.method !== 'DELETE')
        return ['replay', methodNotAllowed(res, 'GET, DELETE')];
      const refused = await keyRefusal(req, res);
      if (refused !== null) return ['replay', refused];
      return ['replay', handleReplay(req.method, replay[1]!, res, deps.replays)];
    }
    const match = FEATURES.exec(path);
    if (!match) return ['unknown', noRoute(res, req.method, path)];
    const routeName = match[3] ? 'features_series' : 'features';
    if (req.method !== 'GET') return [routeName, methodNotAllowed(res, 'GET')];
    const refused = await keyRefusal(req, res);
    if (refused !== null) return [routeName, refused];
    const symbol = parseSymbol(decodeSegment('symbol', match[1]!));
    const timeframe = parseTimeframe(decodeSegment('timeframe', match[2]!));
    const now = deps.clock();
    if (match[3]) {
      const from = parseTime('from', url.searchParams.get('from'), 0);
      const to = parseTime('to', url.searchParams.get('to'), now);
      if (from > to) throw new ParameterError('from', 'from must not be later than to');
      sendJson(res, 200, await deps.features.series(symbol, timeframe, from, to));
      return [routeName, 200];
    }
    const asOf = parseTime('asOf', url.searchParams.get('asOf'), now);
    sendJson(res, 200, await deps.features.vector(symbol, timeframe, asOf));
    return [routeName, 200];
  }

  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    const startedMs = performance.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://engine');
    } catch {
      // An absolute-form target that is no URL (`GET http://[ HTTP/1.1`).
      sendError(res, 'INVALID_PARAMETER', 'the request target is not a valid URL', 'path');
      return observe('invalid', 400, started);
    }
    if (fastPath(req, res, url)) return observe('features', 200, started);
    route(req, res, url, startedMs)
      .catch((err: unknown): [string, number] => {
        if (err instanceof ParameterError)
          return ['invalid', sendError(res, err.code, err.message, err.field)];
        if (res.headersSent) {
          deps.logger.error({ err, path: url.pathname }, 'engine request failed after its response');
          return ['error', res.statusCode];
        }
        if (err instanceof UnknownSymbolError)
          return ['features', sendError(res, err.code, err.message, 'symbol')];
        if (err instanceof NoDataError) return ['features', sendError(res, err.code, err.message)];
        deps.logger.error({ err, method: req.method, path: url.pathname }, 'engine request failed');
        return ['error', sendError(res, 'INTERNAL_SERVER_ERROR', INTERNAL_ERROR_MESSAGE)];
      })
      .then(([name, status]) => observe(name, status, started));
  });
}
