import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient };

export interface DbOptions {
  url: string;
  /** Pool size; callers queue on the pool instead of opening more connections. */
  poolMax?: number;
  /** Milliseconds to wait for a connection before failing (Postgres down → fail fast). */
  connectTimeoutMs?: number;
}

/**
 * One pg pool per process, shared by Prisma (through the driver adapter: no native engine)
 * and by the repositories' bulk paths (multi-row UNNEST), so connections stay bounded.
 */
export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDb(options: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A dropped connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }) });
  let closed = false;
  return {
    prisma,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
