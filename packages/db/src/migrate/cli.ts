// `npm run db:migrate [-- --database-url URL]`: apply SQL migrations.
import { dbConfigSchema, loadConfig } from '@tradeplane/platform';
import { createDb } from '../client';
import { applyMigrations, defaultMigrationsDir } from './migrate';

const argIndex = process.argv.indexOf('--database-url');
const url = argIndex > 0 ? process.argv[argIndex + 1] : loadConfig(dbConfigSchema, process.env).DATABASE_URL;
if (!url) {
  console.error('--database-url needs a value');
  process.exit(2);
}
const db = createDb({ url, poolMax: 1 });
try {
  const result = await applyMigrations(db.pool, defaultMigrationsDir());
  const target = new URL(url);
  console.log(
    `migrations on ${target.host}${target.pathname}: ${result.applied.length} applied` +
      (result.applied.length ? ` (${result.applied.join(', ')})` : '') +
      `, ${result.alreadyApplied.length} already applied`,
  );
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
