// Helpers for integration tests: connection settings of the real local stack (infra/) and a
// way to stop and start one of its components to provoke failure modes.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const sharedData = path.resolve(repoRoot, '../shared/data');

export const testEnv: Record<string, string> = {
  DATABASE_URL:
    process.env.TEST_DATABASE_URL ?? 'postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane_test',
  REDIS_QUEUE_URL: process.env.REDIS_QUEUE_URL ?? 'redis://127.0.0.1:56379',
  REDIS_CACHE_URL: process.env.REDIS_CACHE_URL ?? 'redis://127.0.0.1:56380',
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:59092',
  LOG_LEVEL: 'silent',
  // Workers started by tests must not join the shared forensics group on `decisions` (they
  // would take partitions from a running dev stack); the forensics tests start their own.
  FORENSICS_ENABLED: 'false',
  // Likewise the bars persister's group on `market-data`: the tests that need it start their own.
  MARKET_DATA_PERSISTER_ENABLED: 'false',
};

export function stack(action: 'up' | 'down', component: 'postgres' | 'redis' | 'kafka'): void {
  execFileSync('bash', [path.join(repoRoot, 'infra/stack.sh'), action, component], {
    stdio: 'pipe',
    timeout: 120_000,
  });
}
