import type { Budget, KeyCreate, KeyPatch, TaskBudget, TeamCreate, TeamPatch } from './policy.js';

/** A group of keys sharing limits: a team's lists, rates and budgets apply on top of each key's own. */
export interface Team {
  id: string;
  name: string;
  metadata: Record<string, unknown>;
  /** Model names or globs (`anthropic/*`); null: all models. */
  allowed_models: string[] | null;
  /** Route names or globs; null: all routes. */
  allowed_routes: string[] | null;
  /** Requests per minute; null: no limit. */
  rpm: number | null;
  /** Tokens per minute; null: no limit. */
  tpm: number | null;
  budgets: Budget[];
  /** ms since the epoch. */
  created_at: number;
  updated_at: number;
}

/** A virtual key as stored and listed: everything but the secret and its hash. */
export interface VirtualKey {
  id: string;
  /** The lookup part of the key (`sy-<public_id>_<secret>`); not secret. */
  public_id: string;
  /** What listings show to recognise the key: `sy-<public_id>`. */
  display_prefix: string;
  name: string | null;
  team_id: string | null;
  allowed_models: string[] | null;
  allowed_routes: string[] | null;
  rpm: number | null;
  tpm: number | null;
  budgets: Budget[];
  /** A ceiling per task (trace); null: none. */
  task_budget: TaskBudget | null;
  metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  /** ms since the epoch; null: never expires. */
  expires_at: number | null;
  /** When it was revoked; null: not revoked. Revocation is final. */
  revoked_at: number | null;
}

/** A key that authenticated, with its team (null when it has none). */
export interface AuthenticatedKey {
  key: VirtualKey;
  team: Team | null;
}

/**
 * Why a presented key was refused. `unknown` covers both a public id that matches no key and a
 * wrong secret for a real one, so a caller cannot learn which public ids exist.
 */
export type AuthFailureReason = 'malformed' | 'unknown' | 'revoked' | 'expired';

export type AuthResult = ({ ok: true } & AuthenticatedKey) | { ok: false; reason: AuthFailureReason };

export interface CreatedKey {
  key: VirtualKey;
  /** The whole key, `sy-…`: returned once, never stored, never shown again. */
  rawKey: string;
}

export interface KeyListFilter {
  team_id?: string;
  /** Default false: revoked keys are left out. */
  include_revoked?: boolean;
}

export type DeleteTeamResult = { outcome: 'deleted' } | { outcome: 'not_found' } | { outcome: 'has_active_keys'; active_keys: number };

/**
 * Teams and virtual keys, in the ledger's database (SQLite or PostgreSQL). Inputs are validated
 * here (a `KeyValidationError` names each field at fault), so every caller gets the same rules.
 * `now` (ms since the epoch) defaults to the clock; tests pass it.
 */
export interface KeyStore {
  readonly kind: 'sqlite' | 'postgres';

  /** Throws `KeyConflictError` (`team_name_taken`) when the name is in use. */
  createTeam(input: TeamCreate, now?: number): Promise<Team>;
  /** Oldest first. */
  listTeams(): Promise<Team[]>;
  getTeam(id: string): Promise<Team | undefined>;
  getTeamByName(name: string): Promise<Team | undefined>;
  /** Changes only the fields given; null clears a nullable field. Undefined when there is no such team. */
  updateTeam(id: string, patch: TeamPatch, now?: number): Promise<Team | undefined>;
  /** Refused while keys that are not revoked belong to the team; revoked keys lose their team. */
  deleteTeam(id: string): Promise<DeleteTeamResult>;

  /** A new key; the raw key is in the result and nowhere else. */
  createKey(input: KeyCreate, now?: number): Promise<CreatedKey>;
  /** Oldest first; never the secret or its hash. */
  listKeys(filter?: KeyListFilter): Promise<VirtualKey[]>;
  getKey(id: string): Promise<VirtualKey | undefined>;
  updateKey(id: string, patch: KeyPatch, now?: number): Promise<VirtualKey | undefined>;
  /** Idempotent: a second revoke keeps the first time. Undefined when there is no such key. */
  revokeKey(id: string, now?: number): Promise<VirtualKey | undefined>;

  /** One indexed lookup by public id, then a constant-time hash comparison. */
  authenticate(rawKey: string, now?: number): Promise<AuthResult>;

  close(): Promise<void>;
}
