import type { ApiKey, PrismaClient } from '../generated/prisma/client';

export type { ApiKey };

/** What the console lists: never the hash. */
export type ApiKeySummary = Pick<
  ApiKey,
  'id' | 'name' | 'prefix' | 'createdAt' | 'revokedAt' | 'rateLimitPerS'
>;

const summary = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  revokedAt: true,
  rateLimitPerS: true,
} as const;

export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** `rateLimitPerS` null or absent: unlimited. */
  create(input: {
    name: string;
    prefix: string;
    keyHash: string;
    createdBy: string | null;
    rateLimitPerS?: number | null;
  }): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: input });
  }

  /** Registers a key by hash if it is not there yet (service keys configured by environment). */
  async ensure(input: { name: string; prefix: string; keyHash: string }): Promise<void> {
    await this.prisma.apiKey.upsert({ where: { keyHash: input.keyHash }, create: input, update: {} });
  }

  /** Keys that are not revoked, by hash, with their rate limits; the engine holds these in memory. */
  active(): Promise<Array<{ keyHash: string; rateLimitPerS: number | null }>> {
    return this.prisma.apiKey.findMany({
      where: { revokedAt: null },
      select: { keyHash: true, rateLimitPerS: true },
    });
  }

  /** Every key, newest first. */
  list(): Promise<ApiKeySummary[]> {
    return this.prisma.apiKey.findMany({ select: summary, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  /** Sets or clears (null) a key's rate limit; null when there is no key with this id. */
  async setRateLimit(id: string, rateLimitPerS: number | null): Promise<ApiKeySummary | null> {
    const { count } = await this.prisma.apiKey.updateMany({ where: { id }, data: { rateLimitPerS } });
    return count === 0 ? null : this.prisma.apiKey.findUnique({ where: { id }, select: summary });
  }

  async revoke(id: string): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  }
}
