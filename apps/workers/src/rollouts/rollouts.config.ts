import { z } from 'zod';

/** The rollout controller (one leader among the workers processes, by a lease in PostgreSQL). */
export const rolloutsConfigSchema = z.object({
  /** Run the controller in this workers process (every process may: one leads at a time). */
  ROLLOUT_CONTROLLER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Milliseconds between ticks: how soon a guard or a verdict acts after the ledger shows it. */
  ROLLOUT_TICK_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
  /** The leader's lease, ms: a controller that died is replaced after at most this long. */
  ROLLOUT_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  /** An engine run whose heartbeat is older than this, ms, without a clean stop, has crashed. */
  ROLLOUT_CRASH_STALE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  /** A snapshot of the evidence is stored at least this often, ms, while nothing changes. */
  ROLLOUT_SNAPSHOT_EVERY_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
});
export type RolloutsConfig = z.infer<typeof rolloutsConfigSchema>;
