-- What prompt caching saved on the attempt: its cost had no token been cached or written to the
-- cache, minus its actual cost (micro-dollars; negative when cache writes cost more than reads saved).
ALTER TABLE ledger_attempts ADD COLUMN cache_savings_micros INTEGER NOT NULL DEFAULT 0;
