import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client';

/** Write path of experiment tracking (owned by the tracking write-path work). */
export class TrackingRepository {
  constructor(
    readonly prisma: PrismaClient,
    readonly pool: pg.Pool,
  ) {}
}
