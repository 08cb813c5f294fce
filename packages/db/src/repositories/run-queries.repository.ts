import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client';

/** Read path of experiment tracking: runs, series, comparison. */
export class RunQueriesRepository {
  constructor(
    readonly prisma: PrismaClient,
    readonly pool: pg.Pool,
  ) {}
}
