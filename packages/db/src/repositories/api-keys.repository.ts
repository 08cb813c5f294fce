import type { ApiKey, PrismaClient } from '../generated/prisma/client';

export type { ApiKey };

export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(input: {
    name: string;
    prefix: string;
    keyHash: string;
    createdBy: string | null;
  }): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: input });
  }

  /** Registers a key by hash if it is not there yet (service keys configured by environment). */
  async ensure(input: { name: string; prefix: string; keyHash: string }): Promise<void> {
    await this.prisma.apiKey.upsert({ where: { keyHash: input.keyHash }, create: input, update: {} });
  }

  /** Hashes of keys that are not revoked; the engine holds these in memory. */
  async activeHashes(): Promise<string[]> {
    const rows = await this.prisma.apiKey.findMany({ where: { revokedAt: null }, select: { keyHash: true } });
    return rows.map((r) => r.keyHash);
  }

  async revoke(id: string): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  }
}
