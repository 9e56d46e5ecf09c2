-- Virtual keys and teams: who may call the gateway, for which models and routes, at what rate and
-- within which budgets. JSON columns are TEXT (not JSONB) so both backends give back the bytes
-- they were given; the values are validated by src/keys/policy.ts and the CHECKs hold their JSON
-- type (a null column passes). Timestamps are ms since the epoch. Text that is compared or sorted
-- uses the "C" collation, as in the ledger.
CREATE TABLE teams (
  id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  name           TEXT COLLATE "C" NOT NULL UNIQUE,
  metadata       TEXT    NOT NULL CHECK (jsonb_typeof(metadata::jsonb) = 'object'),
  allowed_models TEXT    CHECK (jsonb_typeof(allowed_models::jsonb) = 'array'),  -- globs; null: all
  allowed_routes TEXT    CHECK (jsonb_typeof(allowed_routes::jsonb) = 'array'),  -- globs; null: all
  rpm            INTEGER CHECK (rpm > 0),                                        -- null: no limit
  tpm            INTEGER CHECK (tpm > 0),                                        -- null: no limit
  budgets        TEXT    NOT NULL CHECK (jsonb_typeof(budgets::jsonb) = 'array'),
  created_at     BIGINT  NOT NULL,
  updated_at     BIGINT  NOT NULL
);

CREATE TABLE keys (
  id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  public_id      TEXT COLLATE "C" NOT NULL UNIQUE,                               -- the lookup part of the key
  secret_hash    TEXT COLLATE "C" NOT NULL,                                      -- hex SHA-256 of the whole key
  display_prefix TEXT COLLATE "C" NOT NULL,                                      -- shown in listings
  name           TEXT COLLATE "C",
  team_id        TEXT COLLATE "C" REFERENCES teams (id) ON DELETE SET NULL,      -- null: no team
  allowed_models TEXT    CHECK (jsonb_typeof(allowed_models::jsonb) = 'array'),  -- globs; null: all
  allowed_routes TEXT    CHECK (jsonb_typeof(allowed_routes::jsonb) = 'array'),  -- globs; null: all
  rpm            INTEGER CHECK (rpm > 0),                                        -- null: no limit
  tpm            INTEGER CHECK (tpm > 0),                                        -- null: no limit
  budgets        TEXT    NOT NULL CHECK (jsonb_typeof(budgets::jsonb) = 'array'),
  task_budget    TEXT    CHECK (jsonb_typeof(task_budget::jsonb) = 'object'),    -- null: none
  metadata       TEXT    NOT NULL CHECK (jsonb_typeof(metadata::jsonb) = 'object'),
  created_at     BIGINT  NOT NULL,
  updated_at     BIGINT  NOT NULL,
  expires_at     BIGINT,                                                         -- null: never
  revoked_at     BIGINT                                                          -- null: not revoked
);

CREATE INDEX keys_team ON keys (team_id);
