import { operation } from '@/shared/graphql/client';

/** Contract: apps/gateway/src/schema/api-keys/api-keys.graphql (and createApiKey in schema.graphql). */

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  /** Requests per second; null: unlimited. */
  rateLimitPerS: number | null;
}

const FIELDS = 'id name prefix createdAt revokedAt rateLimitPerS';

export const API_KEYS = operation<{ apiKeys: ApiKey[] }>(`query ApiKeys { apiKeys { ${FIELDS} } }`);

export const CREATE_API_KEY = operation<
  {
    createApiKey: { id: string; name: string; prefix: string; secret: string; rateLimitPerS: number | null };
  },
  { name: string; rateLimitPerS: number | null }
>(
  `mutation CreateApiKey($name: String!, $rateLimitPerS: Int) {
  createApiKey(name: $name, rateLimitPerS: $rateLimitPerS) { id name prefix secret rateLimitPerS }
}`,
);

export const SET_API_KEY_RATE_LIMIT = operation<
  { setApiKeyRateLimit: ApiKey },
  { id: string; rateLimitPerS: number | null }
>(
  `mutation SetApiKeyRateLimit($id: ID!, $rateLimitPerS: Int) {
  setApiKeyRateLimit(id: $id, rateLimitPerS: $rateLimitPerS) { ${FIELDS} }
}`,
);
