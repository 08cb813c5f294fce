-- A per-key rate limit for the engine's API keys, in requests per second. NULL (every existing
-- key, and the default for a new one) is unlimited, so a trading engine's key is never
-- throttled by accident; a limit is set deliberately, at creation or later by an admin. The
-- engine and the gateway read it with the key hashes and enforce it in memory (a token bucket
-- per key and replica).
ALTER TABLE "api_keys" ADD COLUMN "rate_limit_per_s" INTEGER;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_rate_limit_per_s_check" CHECK ("rate_limit_per_s" > 0);
