import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { pendingLedgerMigrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';
import { ledgerQueries, insertSql } from './queries.js';
import { LEDGER_COLUMNS, ledgerRowValues, type LedgerRecord } from './record.js';
import type { SqlParam, SqlRunner } from './sql.js';
import type { LedgerStore } from './store.js';

export interface SqliteLedgerOptions {
  /** How long a write waits for another connection's lock before failing; default 5,000 ms. */
  busyTimeoutMs?: number;
}

/** Rows per INSERT statement; statements are prepared once per row count and reused. */
const ROWS_PER_STATEMENT = 100;
const COLUMN_NAMES = LEDGER_COLUMNS.map((column) => column.name);

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
 * The embedded ledger. WAL with synchronous=NORMAL: a committed batch survives the process being
 * killed (it is in the WAL, in the OS page cache); only an OS crash or power loss can take the
 * last commits since the WAL was last synced. Writes are synchronous calls on the event loop, kept
 * short by the writer's batches.
 */
export function openSqliteLedgerStore(path: string, options: SqliteLedgerOptions = {}): LedgerStore {
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

  const statements = new Map<number, Database.Statement>();
  const insertStatement = (rows: number): Database.Statement => {
    let statement = statements.get(rows);
    if (statement === undefined) {
      statement = db.prepare(insertSql(COLUMN_NAMES, rows, () => '?'));
      statements.set(rows, statement);
    }
    return statement;
  };
  const insertAll = db.transaction((records: readonly LedgerRecord[]) => {
    for (let start = 0; start < records.length; start += ROWS_PER_STATEMENT) {
      const chunk = records.slice(start, start + ROWS_PER_STATEMENT);
      insertStatement(chunk.length).run(chunk.flatMap((record) => ledgerRowValues(record, true)));
    }
  });

  const runner: SqlRunner = {
    all: async (sql: string, params: readonly SqlParam[]) => db.prepare(sql).all(...params) as Record<string, unknown>[],
  };
  let closed = false;
  return {
    kind: 'sqlite',
    insertBatch: async (records) => {
      if (records.length > 0) insertAll(records);
    },
    ...ledgerQueries(runner),
    close: async () => {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
