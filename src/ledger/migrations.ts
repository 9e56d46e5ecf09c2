import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type LedgerDialect = 'sqlite' | 'postgres';

export interface LedgerMigration {
  version: number;
  name: string;
  sql: string;
}

/** The database was migrated by a newer build than this one, or the migration files are broken. */
export class LedgerSchemaError extends Error {
  override readonly name = 'LedgerSchemaError';
}

/**
 * The SQL files stay plain files (readable, diffable) and are read at open. tsc does not copy them
 * into dist, so the compiled module (dist/src/ledger) falls back to the source tree, which ships
 * beside dist in this repository. A missing folder is a startup error naming both places tried.
 */
const FOLDER_CANDIDATES = [new URL('./migrations/', import.meta.url), new URL('../../../src/ledger/migrations/', import.meta.url)];

export function ledgerMigrationsFolder(): string {
  for (const candidate of FOLDER_CANDIDATES) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  throw new LedgerSchemaError(`ledger migrations not found; looked in ${FOLDER_CANDIDATES.map((url) => fileURLToPath(url)).join(' and ')}`);
}

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const cache = new Map<LedgerDialect, readonly LedgerMigration[]>();

/** The dialect's migrations in version order; versions must run 1, 2, 3… without gaps. */
export function loadLedgerMigrations(dialect: LedgerDialect): readonly LedgerMigration[] {
  const cached = cache.get(dialect);
  if (cached !== undefined) return cached;
  const folder = join(ledgerMigrationsFolder(), dialect);
  const migrations = readdirSync(folder)
    .map((file) => ({ file, match: FILE_NAME.exec(file) }))
    .filter((entry) => entry.match !== null)
    .map(({ file, match }) => ({ version: Number(match?.[1]), name: match?.[2] ?? file, sql: readFileSync(join(folder, file), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new LedgerSchemaError(`ledger migrations in ${folder} skip from ${index} to ${migration.version}`);
  });
  cache.set(dialect, migrations);
  return migrations;
}

/** The migrations still to apply to a database at `currentVersion`; refuses a newer database. */
export function pendingLedgerMigrations(dialect: LedgerDialect, currentVersion: number): readonly LedgerMigration[] {
  const migrations = loadLedgerMigrations(dialect);
  const known = migrations.length;
  if (currentVersion > known) {
    throw new LedgerSchemaError(
      `the ledger database is at schema version ${currentVersion}, but this build knows versions up to ${known}; ` +
        'run a newer switchyard or point the ledger at another database',
    );
  }
  return migrations.slice(currentVersion);
}

/** Bookkeeping table, created before anything else so the current version can be read. */
export const SCHEMA_MIGRATIONS_DDL: Record<LedgerDialect, string> = {
  sqlite: 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  postgres: 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
};
