-- Regime models (3-state Gaussian HMM per benchmark series) and their filtered regime
-- probabilities over time, stored per model version and range-partitioned by time.

CREATE TABLE "regime_models" (
  "version"        UUID PRIMARY KEY,
  "symbol"         TEXT NOT NULL,
  "timeframe"      TEXT NOT NULL,
  "seed"           INTEGER NOT NULL,
  "log_likelihood" DOUBLE PRECISION NOT NULL,
  -- {pi, transition, means, vars, labels, volWindow}: everything needed to run the filter again.
  "params"         JSONB NOT NULL,
  "trained_from"   TIMESTAMPTZ(3) NOT NULL,
  "trained_to"     TIMESTAMPTZ(3) NOT NULL,
  "created_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "regime_models_symbol_created_at_idx" ON "regime_models" ("symbol", "created_at");

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    CREATE TABLE "regime_history" (
      "model_version" UUID NOT NULL REFERENCES "regime_models" ("version") ON DELETE CASCADE,
      "ts"            TIMESTAMPTZ(3) NOT NULL,
      "p_bull"        DOUBLE PRECISION NOT NULL,
      "p_bear"        DOUBLE PRECISION NOT NULL,
      "p_sideways"    DOUBLE PRECISION NOT NULL,
      "regime"        TEXT NOT NULL,
      CONSTRAINT "regime_history_pkey" PRIMARY KEY ("model_version", "ts")
    );
    PERFORM create_hypertable('regime_history', 'ts', chunk_time_interval => INTERVAL '365 days');
  ELSE
    CREATE TABLE "regime_history" (
      "model_version" UUID NOT NULL REFERENCES "regime_models" ("version") ON DELETE CASCADE,
      "ts"            TIMESTAMPTZ(3) NOT NULL,
      "p_bull"        DOUBLE PRECISION NOT NULL,
      "p_bear"        DOUBLE PRECISION NOT NULL,
      "p_sideways"    DOUBLE PRECISION NOT NULL,
      "regime"        TEXT NOT NULL,
      CONSTRAINT "regime_history_pkey" PRIMARY KEY ("model_version", "ts")
    ) PARTITION BY RANGE ("ts");
    FOR y IN 1985..2035 LOOP
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF "regime_history" FOR VALUES FROM (%L) TO (%L)',
        'regime_history_y' || y, make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC'), make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC'));
    END LOOP;
    CREATE TABLE "regime_history_default" PARTITION OF "regime_history" DEFAULT;
  END IF;
END $$;
