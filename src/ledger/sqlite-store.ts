import type Database from 'better-sqlite3';
import { ledgerQueries, insertSql } from './queries.js';
import { LEDGER_COLUMNS, ledgerRowValues, type LedgerRecord } from './record.js';
import type { SqlParam, SqlRunner } from './sql.js';
import { openMigratedSqliteDatabase, type SqliteLedgerOptions } from './sqlite-database.js';
import type { LedgerStore } from './store.js';

export type { SqliteLedgerOptions } from './sqlite-database.js';

/** Rows per INSERT statement; statements are prepared once per row count and reused. */
const ROWS_PER_STATEMENT = 100;
const COLUMN_NAMES = LEDGER_COLUMNS.map((column) => column.name);

/**
 * The embedded ledger. WAL with synchronous=NORMAL: a committed batch survives the process being
 * killed (it is in the WAL, in the OS page cache); only an OS crash or power loss can take the
 * last commits since the WAL was last synced. Writes are synchronous calls on the event loop, kept
 * short by the writer's batches.
 */
export function openSqliteLedgerStore(path: string, options: SqliteLedgerOptions = {}): LedgerStore {
  const db = openMigratedSqliteDatabase(path, options);

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
      insertStatement(chunk.length).run(ledgerRowValues(chunk, true));
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
