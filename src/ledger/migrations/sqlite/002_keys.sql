-- Virtual keys and teams: who may call the gateway, for which models and routes, at what rate and
-- within which budgets. JSON columns hold values validated by src/keys/policy.ts; the CHECKs hold
-- their JSON type (a null column passes). Timestamps are ms since the epoch. Foreign keys are
-- enforced by the key store's connection (PRAGMA foreign_keys = ON).
CREATE TABLE teams (
  id             TEXT    NOT NULL PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE,
  metadata       TEXT    NOT NULL CHECK (json_type(metadata) = 'object'),
  allowed_models TEXT    CHECK (json_type(allowed_models) = 'array'),  -- globs; null: all
  allowed_routes TEXT    CHECK (json_type(allowed_routes) = 'array'),  -- globs; null: all
  rpm            INTEGER CHECK (rpm > 0),                              -- null: no limit
  tpm            INTEGER CHECK (tpm > 0),                              -- null: no limit
  budgets        TEXT    NOT NULL CHECK (json_type(budgets) = 'array'),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE keys (
  id             TEXT    NOT NULL PRIMARY KEY,
  public_id      TEXT    NOT NULL UNIQUE,                              -- the lookup part of the key
  secret_hash    TEXT    NOT NULL,                                     -- hex SHA-256 of the whole key
  display_prefix TEXT    NOT NULL,                                     -- shown in listings
  name           TEXT,
  team_id        TEXT    REFERENCES teams (id) ON DELETE SET NULL,     -- null: no team
  allowed_models TEXT    CHECK (json_type(allowed_models) = 'array'),  -- globs; null: all
  allowed_routes TEXT    CHECK (json_type(allowed_routes) = 'array'),  -- globs; null: all
  rpm            INTEGER CHECK (rpm > 0),                              -- null: no limit
  tpm            INTEGER CHECK (tpm > 0),                              -- null: no limit
  budgets        TEXT    NOT NULL CHECK (json_type(budgets) = 'array'),
  task_budget    TEXT    CHECK (json_type(task_budget) = 'object'),    -- null: none
  metadata       TEXT    NOT NULL CHECK (json_type(metadata) = 'object'),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  expires_at     INTEGER,                                              -- null: never
  revoked_at     INTEGER                                               -- null: not revoked
) STRICT;

CREATE INDEX keys_team ON keys (team_id);
