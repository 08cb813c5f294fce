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

  /**
   * Makes the configured key the one active service key of its name (a service key comes from
   * the environment, not from a person): registered by hash, active even if it was revoked, and
   * every earlier key of that service revoked, so a rotated key (or the published development
   * default a first start once used) stops working. Returns how many were revoked.
   */
  async registerServiceKey(input: { name: string; prefix: string; keyHash: string }): Promise<number> {
    const [, revoked] = await this.prisma.$transaction([
      this.prisma.apiKey.upsert({
        where: { keyHash: input.keyHash },
        create: input,
        update: { revokedAt: null },
      }),
      this.prisma.apiKey.updateMany({
        where: { name: input.name, createdBy: null, revokedAt: null, keyHash: { not: input.keyHash } },
        data: { revokedAt: new Date() },
      }),
    ]);
    return revoked.count;
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
