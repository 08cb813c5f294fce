import type { PrismaClient, User } from '../generated/prisma/client';

export class SessionsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.prisma.session.create({ data: { tokenHash, userId, expiresAt } });
  }

  /** The session's user, or null when unknown or expired. */
  async findUser(tokenHash: string, now: Date): Promise<User | null> {
    const session = await this.prisma.session.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!session || session.expiresAt <= now) return null;
    return session.user;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash } });
  }
}
