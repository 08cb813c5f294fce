-- The outcome ledger: what each decision earned over the next bar, one row per
-- (decision, target symbol, arm). The arm that acted (production or canary) and every arm scored
-- on the same opportunity without acting (the shadow; later a rollout's other arm) each get a
-- row, with the same current weight and the same bars, so arms compare paired. Written by the
-- workers' consumer of `decisions`; read by the console, the CLI and the rollout analysis.
--
-- Range-partitioned by the time in the decision id like decision_forensics (0005): a lookup by
-- decision id computes its partition key, retention is a partition drop. The primary key
-- includes the partition key; decided_at is a function of decision_id, so (decision_id, symbol,
-- arm) is the idempotency key and a redelivered event (ON CONFLICT DO NOTHING) changes nothing.
--
-- status 'waiting': the next bar is not stored yet (a live decision); asset_return, gross, net,
-- next_bar_time and recorded_at stay null until it is, and the row moves to 'recorded' once.
-- cost = cost_bps / 1e4 × |target_weight − current_weight| is known at once and stored with
-- the bps it used, so a change of OUTCOME_COST_BPS never rewrites history.
DO $$
DECLARE
  columns CONSTANT TEXT := $columns$
    "decision_id"    TEXT NOT NULL CHECK ("decision_id" ~ '^[0-9A-HJKMNP-TV-Z]{26}$'),
    "decided_at"     TIMESTAMPTZ(3) NOT NULL,
    "symbol"         TEXT NOT NULL,
    -- Text with a CHECK, not an enum: a rollout's arms are added by extending the list.
    "arm"            TEXT NOT NULL CHECK ("arm" IN ('production', 'canary', 'shadow')),
    "acted"          BOOLEAN NOT NULL,
    "model_versions" JSONB NOT NULL,
    -- The versions as one sortable text, `name@vN` joined by '+', in name order: the group key.
    "model_label"    TEXT NOT NULL,
    "portfolio_id"   TEXT,
    "request_key"    TEXT NOT NULL,
    "timeframe"      TEXT NOT NULL,
    "as_of"          TIMESTAMPTZ(3) NOT NULL,
    "bar_time"       TIMESTAMPTZ(3) NOT NULL,
    "next_bar_time"  TIMESTAMPTZ(3),
    "current_weight" DOUBLE PRECISION NOT NULL,
    "target_weight"  DOUBLE PRECISION NOT NULL,
    "asset_return"   DOUBLE PRECISION,
    "gross"          DOUBLE PRECISION,
    "cost_bps"       DOUBLE PRECISION NOT NULL CHECK ("cost_bps" >= 0),
    "cost"           DOUBLE PRECISION NOT NULL,
    "net"            DOUBLE PRECISION,
    "risk_verdict"   TEXT NOT NULL CHECK ("risk_verdict" IN ('approve', 'resize', 'reject')),
    "binding_rule"   TEXT,
    "status"         TEXT NOT NULL CHECK ("status" IN ('waiting', 'recorded')),
    "recorded_at"    TIMESTAMPTZ(3),
    "stored_at"      TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT "decision_outcomes_pkey" PRIMARY KEY ("decision_id", "symbol", "arm", "decided_at"),
    CONSTRAINT "decision_outcomes_recorded_check" CHECK (
      ("status" = 'waiting' AND "next_bar_time" IS NULL AND "net" IS NULL AND "recorded_at" IS NULL)
      OR ("status" = 'recorded' AND "next_bar_time" IS NOT NULL AND "asset_return" IS NOT NULL
          AND "gross" IS NOT NULL AND "net" IS NOT NULL AND "recorded_at" IS NOT NULL))
$columns$;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    EXECUTE format('CREATE TABLE "decision_outcomes" (%s)', columns);
    PERFORM create_hypertable('decision_outcomes', 'decided_at', chunk_time_interval => INTERVAL '1 day');
  ELSE
    EXECUTE format('CREATE TABLE "decision_outcomes" (%s) PARTITION BY RANGE ("decided_at")', columns);
    -- Monthly partitions around now; decisions outside them land in the default partition.
    FOR m IN 0..59 LOOP
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF "decision_outcomes" FOR VALUES FROM (%L) TO (%L)',
        'decision_outcomes_' || to_char(make_date(2025, 1, 1) + make_interval(months => m), 'YYYY_MM'),
        make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC') + make_interval(months => m),
        make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC') + make_interval(months => m + 1));
    END LOOP;
    CREATE TABLE "decision_outcomes_default" PARTITION OF "decision_outcomes" DEFAULT;
  END IF;
END $$;

-- An equity curve: one book's decisions in market order.
CREATE INDEX "decision_outcomes_portfolio_idx" ON "decision_outcomes" ("portfolio_id", "as_of", "decision_id")
  WHERE "portfolio_id" IS NOT NULL;
-- Summaries by arm and model over a time range.
CREATE INDEX "decision_outcomes_arm_model_idx" ON "decision_outcomes" ("arm", "model_label", "as_of");
-- The list, newest first.
CREATE INDEX "decision_outcomes_decided_at_idx" ON "decision_outcomes" ("decided_at" DESC, "decision_id" DESC);
-- What a stored bar resolves: waiting rows of its series, oldest bar first.
CREATE INDEX "decision_outcomes_waiting_idx" ON "decision_outcomes" ("symbol", "timeframe", "bar_time")
  WHERE "status" = 'waiting';
