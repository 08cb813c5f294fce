-- Metric points stored as segments: one row per (batch, key) holding that key's points of the
-- batch as parallel arrays, instead of one row per point. A 100-point batch over ten keys is
-- ten heap tuples and ten index entries rather than a hundred of each: the per-point index
-- insertion was the largest part of the server's CPU per batch (bench:tracking), and the rows
-- take about a fifth of the space. The writer groups the points by key, so the statement
-- slices its arrays without aggregating.
--
-- Points are read through two views: `metric_points` (every stored point, as logged) and
-- `metrics` (one point per (run, key, step, ts): the first one stored, as the unique key of the
-- former per-point table kept it). `seq` orders segments as they were stored, which is what
-- "first" means. Retention stays a partition drop (range on the segment's first point time).
CREATE SEQUENCE "metric_segments_seq";

DO $$
DECLARE
  timescale BOOLEAN := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
BEGIN
  EXECUTE $ddl$
    CREATE TABLE "metric_segments" (
      "run_id"        UUID NOT NULL,
      "key"           TEXT NOT NULL,
      "seq"           BIGINT NOT NULL DEFAULT nextval('metric_segments_seq'),
      "first_ts"      TIMESTAMPTZ(3) NOT NULL,
      "steps"         BIGINT[] NOT NULL,
      "timestamps_ms" BIGINT[] NOT NULL,
      "point_values"  DOUBLE PRECISION[] NOT NULL,
      CONSTRAINT "metric_segments_pkey" PRIMARY KEY ("run_id", "key", "seq", "first_ts"),
      CONSTRAINT "metric_segments_arrays_check" CHECK (
        cardinality("steps") > 0
        AND cardinality("timestamps_ms") = cardinality("steps")
        AND cardinality("point_values") = cardinality("steps"))
    )$ddl$ || CASE WHEN timescale THEN '' ELSE ' PARTITION BY RANGE ("first_ts")' END;
  IF timescale THEN
    PERFORM create_hypertable('metric_segments', 'first_ts', chunk_time_interval => INTERVAL '30 days');
  ELSE
    -- The same monthly partitions as the per-point table had; outside them, the default one.
    FOR m IN 0..59 LOOP
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF "metric_segments" FOR VALUES FROM (%L) TO (%L)',
        'metric_segments_' || to_char(make_date(2025, 1, 1) + make_interval(months => m), 'YYYY_MM'),
        make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC') + make_interval(months => m),
        make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC') + make_interval(months => m + 1));
    END LOOP;
    CREATE TABLE "metric_segments_default" PARTITION OF "metric_segments" DEFAULT;
  END IF;
END $$;

-- The write path's slow branch, for a key whose batch has points at or below its highest
-- stored step: stores those of the points that do not repeat a stored (run, key, step, ts) as
-- one segment; returns how many. A function so that the batch statement's plan does not open
-- every partition's index on each execution for a branch the usual batch never takes.
CREATE FUNCTION "metric_segments_insert_new_points"(
  p_run UUID, p_key TEXT, p_steps BIGINT[], p_ts BIGINT[], p_values DOUBLE PRECISION[], p_stored_max BIGINT
) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  stored INTEGER;
BEGIN
  INSERT INTO "metric_segments" ("run_id", "key", "first_ts", "steps", "timestamps_ms", "point_values")
  SELECT p_run, p_key, to_timestamp(min(p.t) / 1000.0),
         array_agg(p.s ORDER BY p.o), array_agg(p.t ORDER BY p.o), array_agg(p.v ORDER BY p.o)
  FROM unnest(p_steps, p_ts, p_values) WITH ORDINALITY AS p(s, t, v, o)
  WHERE p.s > p_stored_max OR NOT EXISTS (
    SELECT 1 FROM "metric_segments" m CROSS JOIN LATERAL unnest(m."steps", m."timestamps_ms") AS q(s, t)
    WHERE m."run_id" = p_run AND m."key" = p_key AND q.s = p.s AND q.t = p.t)
  HAVING count(*) > 0
  RETURNING cardinality("steps") INTO stored;
  RETURN coalesce(stored, 0);
END $$;

-- Existing points move over in segments of at most 1,000 points per (run, key, month), in
-- (step, ts) order.
INSERT INTO "metric_segments" ("run_id", "key", "first_ts", "steps", "timestamps_ms", "point_values")
SELECT "run_id", "key", min("ts"),
       array_agg("step" ORDER BY "step", "ts"),
       array_agg((extract(epoch FROM "ts") * 1000)::bigint ORDER BY "step", "ts"),
       array_agg("value" ORDER BY "step", "ts")
FROM (
  SELECT m.*, date_trunc('month', m."ts") AS "month",
         (row_number() OVER (PARTITION BY m."run_id", m."key", date_trunc('month', m."ts")
                             ORDER BY m."step", m."ts") - 1) / 1000 AS "chunk"
  FROM "metrics" m
) p
GROUP BY "run_id", "key", "month", "chunk";

DROP TABLE "metrics";

-- Every stored point, as logged (a point logged twice is here twice).
CREATE VIEW "metric_points" AS
SELECT s."run_id", s."key", p."step", to_timestamp(p."ts_ms" / 1000.0)::timestamptz(3) AS "ts", p."value",
       s."seq", p."ord"
FROM "metric_segments" s
CROSS JOIN LATERAL unnest(s."steps", s."timestamps_ms", s."point_values")
  WITH ORDINALITY AS p("step", "ts_ms", "value", "ord");

-- The points as the application reads them: a (run, key, step, ts) logged again keeps the
-- value stored first.
CREATE VIEW "metrics" AS
SELECT DISTINCT ON ("run_id", "key", "step", "ts") "run_id", "key", "step", "ts", "value"
FROM "metric_points"
ORDER BY "run_id", "key", "step", "ts", "seq", "ord";
