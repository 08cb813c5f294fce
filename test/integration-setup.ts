// Global setup for integration tests: the stack must be up (scripts/test.sh starts it);
// this migrates the test database so every run starts from the current schema.
import { applyMigrations, createDb, defaultMigrationsDir } from '@tradeplane/db';

export default async function setup(): Promise<void> {
  const url =
    process.env.TEST_DATABASE_URL ?? 'postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane_test';
  const db = createDb({ url, poolMax: 1 });
  try {
    await applyMigrations(db.pool, defaultMigrationsDir());
  } finally {
    await db.close();
  }
}
