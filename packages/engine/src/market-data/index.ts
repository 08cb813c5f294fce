/**
 * Live market data: POST /api/v1/bars (validated, appended at once, published to the
 * market-data topic), the engine's consumer of that topic, and the market replay's cut-offs
 * (POST/GET/DELETE /api/v1/replays).
 */
export { BarIngest, BarRefusedError, type BarRefusalCode, type IngestResult } from './bar-ingest';
export { BARS_PATH, handleBars, type BarsDeps } from './bars.route';
export { parseBarsRequest, type BarsRequest } from './bars.schema';
export { MarketDataConsumer, type ConsumedBarOutcome } from './market-data-consumer';
export { ReplayRegistry, type Replay } from './replays';
export {
  handleReplay,
  handleStartReplay,
  REPLAY_PATH,
  REPLAYS_PATH,
  type ReplaysDeps,
} from './replays.route';
