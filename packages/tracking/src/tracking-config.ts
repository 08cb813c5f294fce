import path from 'node:path';
import { z } from 'zod';

import { parseTrackingInput } from '@tradeplane/db';
import type { Logger } from '@tradeplane/platform';

import { LocalDirectoryArtifactStore } from './artifact-store';
import { TrackingClient, type TrackingWriter } from './tracking-client';
import type { TrackingEventSink } from './tracking-events';

/** Experiment tracking on this machine: where artifact bytes and the outage spool live. */
export const trackingConfigSchema = z.object({
  /** Root of the content-addressed artifact store (relative paths: to the working directory). */
  TRACKING_ARTIFACT_DIR: z.string().min(1).default('.stack/artifacts'),
  /** Directory of the writers' spool files, kept while PostgreSQL is unreachable. */
  TRACKING_SPOOL_DIR: z.string().min(1).default('.stack/spool'),
});
export type TrackingConfig = z.infer<typeof trackingConfigSchema>;

export interface TrackingClientConfigOptions {
  /** The process's parsed tracking piece (`trackingConfigSchema`). */
  config: TrackingConfig;
  repository: TrackingWriter;
  /**
   * Names this writer's spool file (`<TRACKING_SPOOL_DIR>/<writer>.jsonl`). Writers running
   * at the same time need different names; a restarted writer reuses its name and so replays
   * what its previous process left.
   */
  writer: string;
  owner: string;
  events?: TrackingEventSink;
  logger?: Logger;
}

const writerName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'may use letters, digits and _ . - only (it names a file)');

/** A TrackingClient on this machine's directories (TRACKING_ARTIFACT_DIR, TRACKING_SPOOL_DIR). */
export async function trackingClient(opts: TrackingClientConfigOptions): Promise<TrackingClient> {
  const { config } = opts;
  const { writer } = parseTrackingInput(z.object({ writer: writerName }), { writer: opts.writer }, 'writer');
  return TrackingClient.open({
    repository: opts.repository,
    artifacts: new LocalDirectoryArtifactStore(config.TRACKING_ARTIFACT_DIR),
    spoolPath: path.join(config.TRACKING_SPOOL_DIR, `${writer}.jsonl`),
    owner: opts.owner,
    events: opts.events,
    logger: opts.logger,
  });
}
