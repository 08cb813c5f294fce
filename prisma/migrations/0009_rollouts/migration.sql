-- Rollouts: a candidate model set against the incumbent production set, moved through the
-- steps of its plan (shadow, then canary shares) by the workers' rollout controller. The row
-- is the state the engines route by (canary_percent) and the controller resumes from after a
-- restart; every change bumps `revision` and is made only from the revision it was decided on,
-- in the same transaction as the registry stage moves and its rollout_events row, so a
-- controller killed mid-step, or two controllers for a moment, never move a step twice.
CREATE TABLE "rollouts" (
  "id"                 UUID PRIMARY KEY,
  "kind"               TEXT NOT NULL CHECK ("kind" IN ('rollout', 'ab')),
  "status"             TEXT NOT NULL
                       CHECK ("status" IN ('running', 'paused', 'promoted', 'rolled_back', 'aborted', 'concluded')),
  -- name → version of every decision model, and the same as the ledger's model_label.
  "candidate_versions" JSONB NOT NULL,
  "candidate_label"    TEXT NOT NULL,
  "incumbent_versions" JSONB NOT NULL,
  "incumbent_label"    TEXT NOT NULL,
  -- {kind, steps, analysis, guards} as contracts' rolloutPlan parsed it (defaults filled in).
  "plan"               JSONB NOT NULL,
  -- Paired decisions are those of this timeframe decided from started_at on.
  "timeframe"          TEXT NOT NULL,
  "step_index"         INTEGER NOT NULL CHECK ("step_index" >= 0),
  "step_started_at"    TIMESTAMPTZ(3) NOT NULL,
  -- The share of request keys the engines route to the candidate; 0 in shadow and once ended.
  "canary_percent"     DOUBLE PRECISION NOT NULL CHECK ("canary_percent" >= 0 AND "canary_percent" <= 100),
  "revision"           INTEGER NOT NULL DEFAULT 0,
  "reason"             TEXT NOT NULL,
  -- Why it is paused or how it ended; the A/B winner ('candidate', 'incumbent') once concluded.
  "status_reason"      TEXT,
  "winner"             TEXT CHECK ("winner" IN ('candidate', 'incumbent')),
  "created_by"         TEXT NOT NULL,
  "created_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "updated_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "ended_at"           TIMESTAMPTZ(3)
);
-- At most one rollout is active: the engines have one canary and one shadow slot.
CREATE UNIQUE INDEX "rollouts_one_active" ON "rollouts" ((true)) WHERE "status" IN ('running', 'paused');
CREATE INDEX "rollouts_created_idx" ON "rollouts" ("created_at" DESC, "id" DESC);

-- The audit of a rollout: every step, automatic or manual, with who, when, why and the evidence.
CREATE TABLE "rollout_events" (
  "id"          BIGSERIAL PRIMARY KEY,
  "rollout_id"  UUID NOT NULL REFERENCES "rollouts" ("id") ON DELETE CASCADE,
  "at"          TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "actor"       TEXT NOT NULL,
  "action"      TEXT NOT NULL
                CHECK ("action" IN ('start', 'advance', 'promote', 'rollback', 'pause', 'resume', 'abort', 'conclude')),
  "from_step"   INTEGER,
  "to_step"     INTEGER,
  "from_status" TEXT,
  "to_status"   TEXT NOT NULL,
  "reason"      TEXT NOT NULL,
  "evidence"    JSONB
);
CREATE INDEX "rollout_events_rollout_idx" ON "rollout_events" ("rollout_id", "id");

-- What the controller saw, stored when it changed: contracts' rolloutEvidence.
CREATE TABLE "rollout_snapshots" (
  "id"          BIGSERIAL PRIMARY KEY,
  "rollout_id"  UUID NOT NULL REFERENCES "rollouts" ("id") ON DELETE CASCADE,
  "at"          TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "step_index"  INTEGER NOT NULL,
  "n"           INTEGER NOT NULL,
  "evidence"    JSONB NOT NULL
);
CREATE INDEX "rollout_snapshots_rollout_idx" ON "rollout_snapshots" ("rollout_id", "id" DESC);

-- One leader among the workers' rollout controllers: the holder renews before expires_at; another
-- takes over only after it passed.
CREATE TABLE "controller_leases" (
  "name"        TEXT PRIMARY KEY,
  "holder"      TEXT NOT NULL,
  "acquired_at" TIMESTAMPTZ(3) NOT NULL,
  "expires_at"  TIMESTAMPTZ(3) NOT NULL
);

-- Decision engine processes: a row at start, a heartbeat while it runs, stopped_at on a clean
-- stop. One whose heartbeat went stale without stopped_at died (the rollout crash guard).
CREATE TABLE "engine_runs" (
  "instance_id"  TEXT PRIMARY KEY,
  "host"         TEXT NOT NULL,
  "pid"          INTEGER NOT NULL,
  "started_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "stopped_at"   TIMESTAMPTZ(3)
);
CREATE INDEX "engine_runs_started_idx" ON "engine_runs" ("started_at");

-- The engine time of the decision the acting arm's row was served by (a rollout's latency
-- guard); null on arms scored beside it and on rows written before this column.
ALTER TABLE "decision_outcomes" ADD COLUMN "served_ms" DOUBLE PRECISION;
