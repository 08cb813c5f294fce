-- Foundation: instruments, bars (time-partitioned), ingestion runs, users, sessions,
-- API keys, audit log. Keep in step with prisma/schema.prisma (a drift test checks).

CREATE TYPE "role" AS ENUM ('viewer', 'quant', 'pm', 'admin');
CREATE TYPE "ingestion_status" AS ENUM ('queued', 'running', 'succeeded', 'failed');

CREATE TABLE "instruments" (
  "id"          SERIAL PRIMARY KEY,
  "symbol"      TEXT NOT NULL,
  "asset_class" TEXT NOT NULL,
  "quote_asset" TEXT NOT NULL,
  "description" TEXT,
  "created_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "instruments_symbol_key" ON "instruments" ("symbol");

-- Bars: a TimescaleDB hypertable when the extension is installed, otherwise native
-- yearly range partitions (retention = DROP of a partition) plus a default partition
-- that catches anything outside the pre-created years.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    CREATE TABLE "bars" (
      "instrument_id" INTEGER NOT NULL REFERENCES "instruments" ("id"),
      "timeframe"     TEXT NOT NULL,
      "ts"            TIMESTAMPTZ(3) NOT NULL,
      "open"          DOUBLE PRECISION NOT NULL,
      "high"          DOUBLE PRECISION NOT NULL,
      "low"           DOUBLE PRECISION NOT NULL,
      "close"         DOUBLE PRECISION NOT NULL,
      "volume"        DOUBLE PRECISION,
      CONSTRAINT "bars_pkey" PRIMARY KEY ("instrument_id", "timeframe", "ts")
    );
    PERFORM create_hypertable('bars', 'ts', chunk_time_interval => INTERVAL '365 days');
  ELSE
    CREATE TABLE "bars" (
      "instrument_id" INTEGER NOT NULL REFERENCES "instruments" ("id"),
      "timeframe"     TEXT NOT NULL,
      "ts"            TIMESTAMPTZ(3) NOT NULL,
      "open"          DOUBLE PRECISION NOT NULL,
      "high"          DOUBLE PRECISION NOT NULL,
      "low"           DOUBLE PRECISION NOT NULL,
      "close"         DOUBLE PRECISION NOT NULL,
      "volume"        DOUBLE PRECISION,
      CONSTRAINT "bars_pkey" PRIMARY KEY ("instrument_id", "timeframe", "ts")
    ) PARTITION BY RANGE ("ts");
    FOR y IN 1985..2035 LOOP
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF "bars" FOR VALUES FROM (%L) TO (%L)',
        'bars_y' || y, make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC'), make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC'));
    END LOOP;
    CREATE TABLE "bars_default" PARTITION OF "bars" DEFAULT;
  END IF;
END $$;

CREATE TABLE "ingestion_runs" (
  "id"            UUID PRIMARY KEY,
  "source"        TEXT NOT NULL,
  "status"        "ingestion_status" NOT NULL DEFAULT 'queued',
  "rows_read"     INTEGER NOT NULL DEFAULT 0,
  "rows_inserted" INTEGER NOT NULL DEFAULT 0,
  "rows_updated"  INTEGER NOT NULL DEFAULT 0,
  "rows_rejected" INTEGER NOT NULL DEFAULT 0,
  "rejects"       JSONB NOT NULL DEFAULT '[]',
  "error"         TEXT,
  "requested_by"  UUID,
  "created_at"    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "started_at"    TIMESTAMPTZ(3),
  "finished_at"   TIMESTAMPTZ(3)
);
CREATE INDEX "ingestion_runs_created_at_idx" ON "ingestion_runs" ("created_at");

CREATE TABLE "users" (
  "id"            UUID PRIMARY KEY,
  "email"         TEXT NOT NULL,
  "password_hash" TEXT NOT NULL,
  "role"          "role" NOT NULL DEFAULT 'viewer',
  "created_at"    TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "users_email_key" ON "users" ("email");

CREATE TABLE "sessions" (
  "token_hash" TEXT PRIMARY KEY,
  "user_id"    UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "expires_at" TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id");

CREATE TABLE "api_keys" (
  "id"         UUID PRIMARY KEY,
  "name"       TEXT NOT NULL,
  "prefix"     TEXT NOT NULL,
  "key_hash"   TEXT NOT NULL,
  "created_by" UUID REFERENCES "users" ("id") ON DELETE SET NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "revoked_at" TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" ("key_hash");

CREATE TABLE "audit_log" (
  "id"      BIGSERIAL PRIMARY KEY,
  "at"      TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "actor"   TEXT NOT NULL,
  "action"  TEXT NOT NULL,
  "target"  TEXT,
  "reason"  TEXT,
  "details" JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX "audit_log_at_idx" ON "audit_log" ("at");
