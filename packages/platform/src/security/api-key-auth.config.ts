import { z } from 'zod';

/** The API-key authenticator, in every process that accepts API keys (engine, gateway). */
export const apiKeyAuthConfigSchema = z.object({
  /** Seconds between reloads of the active API keys' hashes from the database. */
  API_KEY_REFRESH_S: z.coerce.number().int().min(1).default(30),
});
export type ApiKeyAuthConfig = z.infer<typeof apiKeyAuthConfigSchema>;
