-- The usage ledger: one row per upstream attempt. Written in batches by LedgerWriter.
-- Text columns use the "C" collation so sorting and grouping compare bytes, as SQLite does:
-- both backends must return identical query results.
CREATE TABLE ledger_attempts (
  id                    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  time                  BIGINT  NOT NULL,            -- attempt start, ms since the epoch
  request_id            TEXT COLLATE "C" NOT NULL,
  trace_id              TEXT COLLATE "C",            -- the task
  session_id            TEXT COLLATE "C",
  task_type             TEXT COLLATE "C",
  key_id                TEXT COLLATE "C",
  team_id               TEXT COLLATE "C",
  route                 TEXT COLLATE "C",
  rule                  TEXT COLLATE "C",            -- the config rule that matched
  provider              TEXT COLLATE "C" NOT NULL,
  model                 TEXT COLLATE "C" NOT NULL,   -- served, as the upstream names it
  deployment            TEXT COLLATE "C",
  attempt               INTEGER NOT NULL CHECK (attempt >= 1),
  status                INTEGER,                     -- null: no HTTP response
  error_class           TEXT COLLATE "C",            -- null: the attempt succeeded
  fallback_reason       TEXT COLLATE "C",
  input_tokens          BIGINT  NOT NULL,
  output_tokens         BIGINT  NOT NULL,
  cached_input_tokens   BIGINT  NOT NULL,
  cache_write_tokens    BIGINT  NOT NULL,
  cache_write_1h_tokens BIGINT  NOT NULL,
  reasoning_tokens      BIGINT  NOT NULL,
  usage_estimated       BOOLEAN NOT NULL,
  cost_micros           BIGINT,                      -- null: price unknown
  ttft_ms               INTEGER,
  latency_ms            INTEGER NOT NULL,
  streamed              BOOLEAN NOT NULL,
  cache_hit             BOOLEAN NOT NULL,
  ingress_protocol      TEXT COLLATE "C" NOT NULL,
  context_action        TEXT COLLATE "C"
);

-- Every usage query has a time range; the others serve the per-key, per-team, per-session
-- and per-task views.
CREATE INDEX ledger_attempts_time ON ledger_attempts (time);
CREATE INDEX ledger_attempts_key_time ON ledger_attempts (key_id, time);
CREATE INDEX ledger_attempts_team_time ON ledger_attempts (team_id, time);
CREATE INDEX ledger_attempts_session_time ON ledger_attempts (session_id, time);
CREATE INDEX ledger_attempts_trace ON ledger_attempts (trace_id);
