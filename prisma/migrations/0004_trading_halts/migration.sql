-- Trading halts: one row per halt, closed by the resume. At most one halt is open at a time
-- (a partial unique index), so "is trading halted?" is one indexed lookup and two racing
-- halts cannot both open one.
CREATE TABLE "trading_halts" (
  "id"            BIGSERIAL PRIMARY KEY,
  "cause"         TEXT NOT NULL,
  "halted_by"     TEXT NOT NULL,
  "halted_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "resumed_by"    TEXT,
  "resume_reason" TEXT,
  "resumed_at"    TIMESTAMPTZ(3),
  -- Constant while open; NULL after the resume, so the unique index covers open halts only.
  "open"          BOOLEAN DEFAULT true,
  CONSTRAINT "trading_halts_open_check" CHECK ("open" IS NULL OR ("open" AND "resumed_at" IS NULL))
);
CREATE UNIQUE INDEX "trading_halts_open_key" ON "trading_halts" ("open");
CREATE INDEX "trading_halts_halted_at_idx" ON "trading_halts" ("halted_at");
