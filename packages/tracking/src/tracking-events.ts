import { channels, type RunMetricsEvent, type RunStatusEvent } from '@tradeplane/contracts';
import type { Logger, Redis } from '@tradeplane/platform';

/**
 * Where the tracking client announces committed writes (run started/ended, metrics stored).
 * Fire-and-forget: called after the commit, never awaited, and a failing sink never fails
 * or slows a write.
 */
export interface TrackingEventSink {
  runStatus(e: RunStatusEvent): void;
  runMetrics(e: RunMetricsEvent): void;
}

/**
 * Publishes on `channels.runStatus` / `channels.runMetrics` as JSON text, the encoding the
 * gateway's RedisPubSub parses (and the one the workers use for regimeChanged). While Redis
 * is not connected, events are dropped rather than queued: they are live updates, and the
 * data they announce is in PostgreSQL.
 */
export function redisTrackingEvents(redis: Redis, logger?: Logger): TrackingEventSink {
  const publish = (channel: string, payload: RunStatusEvent | RunMetricsEvent) => {
    if (redis.status !== 'ready') return;
    redis.publish(channel, JSON.stringify(payload)).catch((err: unknown) => {
      logger?.debug({ err, channel }, 'tracking event not published');
    });
  };
  return {
    runStatus: (e) => publish(channels.runStatus, e),
    runMetrics: (e) => publish(channels.runMetrics, e),
  };
}
