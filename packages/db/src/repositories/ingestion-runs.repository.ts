import type { PrismaClient } from '../generated/prisma/client';
import type { IngestionRun } from '../generated/prisma/client';

export type { IngestionRun };

export interface IngestionCounts {
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
}

export interface IngestionReject {
  file: string;
  line: number;
  reason: string;
}

/** Stored rejects are capped; the count is always complete. */
export const MAX_STORED_REJECTS = 200;

export class IngestionRunsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(source: string, requestedBy: string | null, id?: string): Promise<IngestionRun> {
    return this.prisma.ingestionRun.create({ data: { ...(id ? { id } : {}), source, requestedBy } });
  }

  markRunning(id: string): Promise<IngestionRun> {
    return this.prisma.ingestionRun.update({
      where: { id },
      data: { status: 'running', startedAt: new Date(), error: null },
    });
  }

  progress(id: string, counts: IngestionCounts): Promise<IngestionRun> {
    return this.prisma.ingestionRun.update({ where: { id }, data: counts });
  }

  finish(
    id: string,
    counts: IngestionCounts,
    rejects: IngestionReject[],
    error: string | null,
  ): Promise<IngestionRun> {
    return this.prisma.ingestionRun.update({
      where: { id },
      data: {
        ...counts,
        rejects: rejects.slice(0, MAX_STORED_REJECTS) as unknown as object,
        error,
        status: error ? 'failed' : 'succeeded',
        finishedAt: new Date(),
      },
    });
  }

  get(id: string): Promise<IngestionRun | null> {
    return this.prisma.ingestionRun.findUnique({ where: { id } });
  }

  recent(limit: number): Promise<IngestionRun[]> {
    return this.prisma.ingestionRun.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
  }
}
