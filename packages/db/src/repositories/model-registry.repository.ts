import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client';

/** Registered models, versions and stage moves with history. */
export class ModelRegistryRepository {
  constructor(
    readonly prisma: PrismaClient,
    readonly pool: pg.Pool,
  ) {}
}
