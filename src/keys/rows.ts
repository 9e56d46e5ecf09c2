import type { Budget, TaskBudget } from './policy.js';
import type { SqlRow, SqlValue } from './sql.js';
import type { Team, VirtualKey } from './types.js';

/** Column order of `teams`, as 002_keys.sql declares it. */
export const TEAM_COLUMNS = ['id', 'name', 'metadata', 'allowed_models', 'allowed_routes', 'rpm', 'tpm', 'budgets', 'created_at', 'updated_at'] as const;

/** Column order of `keys`, as 002_keys.sql declares it. `secret_hash` never leaves the store. */
export const KEY_COLUMNS = [
  'id',
  'public_id',
  'secret_hash',
  'display_prefix',
  'name',
  'team_id',
  'allowed_models',
  'allowed_routes',
  'rpm',
  'tpm',
  'budgets',
  'task_budget',
  'metadata',
  'created_at',
  'updated_at',
  'expires_at',
  'revoked_at',
] as const;

/** Columns stored as JSON text. TEXT, not JSONB: both backends give back the bytes they were given. */
const JSON_COLUMNS: ReadonlySet<string> = new Set(['metadata', 'allowed_models', 'allowed_routes', 'budgets', 'task_budget']);

/** A field's value as its column holds it. */
export function toColumn(column: string, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (JSON_COLUMNS.has(column)) return JSON.stringify(value);
  return value as SqlValue;
}

/**
 * `table.column AS alias` for every column: the authentication query reads a key and its team in
 * one round trip, and their column names overlap.
 */
export function selectList(table: string, columns: readonly string[], aliasPrefix = ''): string {
  return columns.map((column) => `${table}.${column} AS ${aliasPrefix}${column}`).join(', ');
}

// PostgreSQL returns BIGINT as a string; every stored integer is far below 2^53.
const integer = (value: unknown): number => Number(value);
const nullableInteger = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const nullableText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** Stored JSON was validated when written (and its type is held by a CHECK), so it is read as is. */
function json<T>(value: unknown): T {
  return JSON.parse(String(value)) as T;
}
function nullableJson<T>(value: unknown): T | null {
  return value === null || value === undefined ? null : json<T>(value);
}

export function teamFromRow(row: SqlRow, prefix = ''): Team {
  const column = (name: string): unknown => row[`${prefix}${name}`];
  return {
    id: String(column('id')),
    name: String(column('name')),
    metadata: json<Record<string, unknown>>(column('metadata')),
    allowed_models: nullableJson<string[]>(column('allowed_models')),
    allowed_routes: nullableJson<string[]>(column('allowed_routes')),
    rpm: nullableInteger(column('rpm')),
    tpm: nullableInteger(column('tpm')),
    budgets: json<Budget[]>(column('budgets')),
    created_at: integer(column('created_at')),
    updated_at: integer(column('updated_at')),
  };
}

export function keyFromRow(row: SqlRow): VirtualKey {
  return {
    id: String(row.id),
    public_id: String(row.public_id),
    display_prefix: String(row.display_prefix),
    name: nullableText(row.name),
    team_id: nullableText(row.team_id),
    allowed_models: nullableJson<string[]>(row.allowed_models),
    allowed_routes: nullableJson<string[]>(row.allowed_routes),
    rpm: nullableInteger(row.rpm),
    tpm: nullableInteger(row.tpm),
    budgets: json<Budget[]>(row.budgets),
    task_budget: nullableJson<TaskBudget>(row.task_budget),
    metadata: json<Record<string, unknown>>(row.metadata),
    created_at: integer(row.created_at),
    updated_at: integer(row.updated_at),
    expires_at: nullableInteger(row.expires_at),
    revoked_at: nullableInteger(row.revoked_at),
  };
}
