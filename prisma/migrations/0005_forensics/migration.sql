-- Decision forensics: one row per decision, written by the workers' Kafka consumer once the
-- decision is explained. Range-partitioned by the time in the decision id (a ULID carries its
-- millisecond timestamp), so a lookup by id computes the partition key from the id itself and
-- touches one partition, and retention is a partition drop. The primary key includes the
-- partition key as PostgreSQL requires; since decided_at is a function of decision_id, it is
-- unique by id, and a redelivered event (INSERT … ON CONFLICT DO NOTHING) changes nothing.
-- The decision and its explanation are JSON, not JSONB: written 2,000 times a second, read
-- whole by id, never queried inside; JSON stores the text as sent (validated, not re-encoded),
-- which costs the server less per insert and keeps the keys in their order.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    CREATE TABLE "decision_forensics" (
      "decision_id"    TEXT NOT NULL CHECK ("decision_id" ~ '^[0-9A-HJKMNP-TV-Z]{26}$'),
      "decided_at"     TIMESTAMPTZ(3) NOT NULL,
      "request_key"    TEXT NOT NULL,
      "symbols"        TEXT[] NOT NULL,
      "arm"            TEXT NOT NULL,
      "verdict"        TEXT NOT NULL,
      "status"         TEXT NOT NULL CHECK ("status" IN ('explained', 'failed')),
      "decision"       JSON NOT NULL,
      "explanation"    JSON,
      "failure_reason" TEXT,
      "explained_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT "decision_forensics_pkey" PRIMARY KEY ("decision_id", "decided_at")
    );
    PERFORM create_hypertable('decision_forensics', 'decided_at', chunk_time_interval => INTERVAL '1 day');
  ELSE
    CREATE TABLE "decision_forensics" (
      "decision_id"    TEXT NOT NULL CHECK ("decision_id" ~ '^[0-9A-HJKMNP-TV-Z]{26}$'),
      "decided_at"     TIMESTAMPTZ(3) NOT NULL,
      "request_key"    TEXT NOT NULL,
      "symbols"        TEXT[] NOT NULL,
      "arm"            TEXT NOT NULL,
      "verdict"        TEXT NOT NULL,
      "status"         TEXT NOT NULL CHECK ("status" IN ('explained', 'failed')),
      "decision"       JSON NOT NULL,
      "explanation"    JSON,
      "failure_reason" TEXT,
      "explained_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT "decision_forensics_pkey" PRIMARY KEY ("decision_id", "decided_at")
    ) PARTITION BY RANGE ("decided_at");
    -- Monthly partitions around now; decisions outside them land in the default partition.
    FOR m IN 0..59 LOOP
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF "decision_forensics" FOR VALUES FROM (%L) TO (%L)',
        'decision_forensics_' || to_char(make_date(2025, 1, 1) + make_interval(months => m), 'YYYY_MM'),
        make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC') + make_interval(months => m),
        make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC') + make_interval(months => m + 1));
    END LOOP;
    CREATE TABLE "decision_forensics_default" PARTITION OF "decision_forensics" DEFAULT;
  END IF;
END $$;

-- The explorer: newest first within a time range, optionally by symbol.
CREATE INDEX "decision_forensics_decided_at_idx" ON "decision_forensics" ("decided_at" DESC, "decision_id" DESC);
CREATE INDEX "decision_forensics_symbols_idx" ON "decision_forensics" USING GIN ("symbols");
