import type { PrismaClient, Role, User } from '../generated/prisma/client';

export type { Role, User };

export class UsersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email: email.toLowerCase() } });
  }

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  create(email: string, passwordHash: string, role: Role): Promise<User> {
    return this.prisma.user.create({ data: { email: email.toLowerCase(), passwordHash, role } });
  }

  countByRole(role: Role): Promise<number> {
    return this.prisma.user.count({ where: { role } });
  }
}
