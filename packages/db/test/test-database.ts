/** Integration tests use their own database on the local stack (migrated by the global setup). */
export function testDatabaseUrl(): string {
  return (
    process.env.TEST_DATABASE_URL ?? 'postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane_test'
  );
}
