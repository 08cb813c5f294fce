import { z } from 'zod';

/** The REST forensics lookup (`GET /api/v1/forensics/:decisionId`); its keys: apiKeyAuthConfigSchema. */
export const forensicsLookupConfigSchema = z.object({
  /**
   * An id neither explained nor mirrored yet is `pending` (202), not 404, while its own
   * timestamp is younger than this many seconds: under load the engine's publish, the
   * consumer and the gateway's mirror can each be a little behind, and a decision answered a
   * moment ago must not be called unknown. Older unknown ids are 404.
   */
  FORENSICS_PENDING_GRACE_S: z.coerce.number().int().min(0).max(3600).default(30),
});
