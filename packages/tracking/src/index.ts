export { TrackingError, type TrackingErrorCode } from '@tradeplane/db';
export {
  ArtifactStoreError,
  LocalDirectoryArtifactStore,
  sha256Of,
  type ArtifactStore,
  type ArtifactStoreErrorCode,
} from './artifact-store';
export { isBadData, isDatabaseUnavailable } from './database-errors';
export { spoolLine, toSpoolLine, trackingOp, type SpoolLine, type TrackingOp } from './spool-ops';
export {
  TrackingClient,
  type MetricInput,
  type StartRunOptions,
  type TrackingClientOptions,
  type TrackingClientStats,
  type TrackingWriter,
} from './tracking-client';
export {
  trackingClient,
  trackingConfigSchema,
  type TrackingClientConfigOptions,
  type TrackingConfig,
} from './tracking-config';
export { redisTrackingEvents, type TrackingEventSink } from './tracking-events';
