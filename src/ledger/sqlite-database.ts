import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { pendingLedgerMigrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';

export interface SqliteLedgerOptions {
  /** How long a write waits for another connection's lock before failing; default 5,000 ms. */
  busyTimeoutMs?: number;
}

function migrate(db: Database.Database): void {
  db.exec(SCHEMA_MIGRATIONS_DDL.sqlite);
  // IMMEDIATE takes the write lock first, so two processes opening one file migrate in turn.
  db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of pendingLedgerMigrations('sqlite', row.version ?? 0)) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
  }).immediate();
}

/**
 * A connection to the SQLite file at `path` (created with its folders on first start), migrated to
 * this build's schema. The ledger and the key store share one database and one migration sequence,
 * so whichever opens it first brings it up to date. WAL lets both hold a connection at once.
 */
export function openMigratedSqliteDatabase(path: string, options: SqliteLedgerOptions = {}): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
