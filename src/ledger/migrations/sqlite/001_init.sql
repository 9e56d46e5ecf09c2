-- The usage ledger: one row per upstream attempt. Written in batches by LedgerWriter.
-- STRICT makes SQLite enforce the declared types, as PostgreSQL does.
CREATE TABLE ledger_attempts (
  id                    TEXT    NOT NULL PRIMARY KEY,
  time                  INTEGER NOT NULL,            -- attempt start, ms since the epoch
  request_id            TEXT    NOT NULL,
  trace_id              TEXT,                        -- the task
  session_id            TEXT,
  task_type             TEXT,
  key_id                TEXT,
  team_id               TEXT,
  route                 TEXT,
  rule                  TEXT,                        -- the config rule that matched
  provider              TEXT    NOT NULL,
  model                 TEXT    NOT NULL,            -- served, as the upstream names it
  deployment            TEXT,
  attempt               INTEGER NOT NULL CHECK (attempt >= 1),
  status                INTEGER,                     -- null: no HTTP response
  error_class           TEXT,                        -- null: the attempt succeeded
  fallback_reason       TEXT,
  input_tokens          INTEGER NOT NULL,
  output_tokens         INTEGER NOT NULL,
  cached_input_tokens   INTEGER NOT NULL,
  cache_write_tokens    INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  reasoning_tokens      INTEGER NOT NULL,
  usage_estimated       INTEGER NOT NULL CHECK (usage_estimated IN (0, 1)),
  cost_micros           INTEGER,                     -- null: price unknown
  ttft_ms               INTEGER,
  latency_ms            INTEGER NOT NULL,
  streamed              INTEGER NOT NULL CHECK (streamed IN (0, 1)),
  cache_hit             INTEGER NOT NULL CHECK (cache_hit IN (0, 1)),
  ingress_protocol      TEXT    NOT NULL,
  context_action        TEXT
) STRICT;

-- Every usage query has a time range; the others serve the per-key, per-team, per-session
-- and per-task views.
CREATE INDEX ledger_attempts_time ON ledger_attempts (time);
CREATE INDEX ledger_attempts_key_time ON ledger_attempts (key_id, time);
CREATE INDEX ledger_attempts_team_time ON ledger_attempts (team_id, time);
CREATE INDEX ledger_attempts_session_time ON ledger_attempts (session_id, time);
CREATE INDEX ledger_attempts_trace ON ledger_attempts (trace_id);
