import type { PrismaClient } from '../generated/prisma/client';

export interface AuditEntry {
  /** `user:<id>`, `apikey:<prefix>`, `system`, or for a sign-in lockout `email:<email>` / `ip:<address>`. */
  actor: string;
  action: string;
  target?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export class AuditLogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.prisma.auditLog.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        reason: entry.reason ?? null,
        details: (entry.details ?? {}) as object,
      },
    });
  }

  recent(limit: number) {
    return this.prisma.auditLog.findMany({ orderBy: { at: 'desc' }, take: limit });
  }
}
