import { parseLedgerLocation } from '../ledger/open-store.js';
import { openMigratedPostgresPool, type PostgresLedgerOptions } from '../ledger/postgres-pool.js';
import { openMigratedSqliteDatabase, type SqliteLedgerOptions } from '../ledger/sqlite-database.js';
import { createKeyStore } from './key-store.js';
import { postgresSqlDatabase } from './postgres-sql.js';
import { sqliteSqlDatabase } from './sqlite-sql.js';
import type { KeyStore } from './types.js';

/** `schema` (PostgreSQL) puts the tables in a schema of their own, as for the ledger. */
export type KeyStoreOptions = SqliteLedgerOptions & PostgresLedgerOptions;

/**
 * Opens (and migrates) the key store at `url`: the same URL forms as the ledger (a path,
 * `sqlite:PATH`, `:memory:`, `postgres://…`), because keys live in the ledger's database and share
 * its migrations. Errors name the file or host:port, never a password.
 */
export async function openKeyStore(url: string, options: KeyStoreOptions = {}): Promise<KeyStore> {
  const location = parseLedgerLocation(url);
  if (location.backend === 'postgres') {
    // Keys are read rarely (the authenticator caches), so a small pool is plenty.
    const pool = await openMigratedPostgresPool(location.url, { poolSize: 2, ...options }, 'keys');
    return createKeyStore(postgresSqlDatabase(pool));
  }
  const db = openMigratedSqliteDatabase(location.path, options);
  // SQLite checks foreign keys only when each connection asks; keys.team_id relies on it.
  db.pragma('foreign_keys = ON');
  return createKeyStore(sqliteSqlDatabase(db));
}
