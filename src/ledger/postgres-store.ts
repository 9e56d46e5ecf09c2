import { openMigratedPostgresPool, toPostgresPlaceholders, withClient, type PostgresLedgerOptions } from './postgres-pool.js';
import { ledgerQueries, insertSql } from './queries.js';
import { LEDGER_COLUMNS, ledgerRowValues, type LedgerRecord } from './record.js';
import type { SqlParam, SqlRunner } from './sql.js';
import type { LedgerStore } from './store.js';

export { LedgerConnectionError, type PostgresLedgerOptions } from './postgres-pool.js';

/** Rows per INSERT: 31 columns × 1,000 rows stays under PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;
const COLUMN_NAMES = LEDGER_COLUMNS.map((column) => column.name);

/** The shared ledger: a pg Pool; the same tables and queries as the SQLite store. */
export async function openPostgresLedgerStore(url: string, options: PostgresLedgerOptions = {}): Promise<LedgerStore> {
  const pool = await openMigratedPostgresPool(url, options, 'ledger');

  const runner: SqlRunner = {
    all: async (sql: string, params: readonly SqlParam[]) => (await pool.query(toPostgresPlaceholders(sql), [...params])).rows as Record<string, unknown>[],
  };
  const insertTexts = new Map<number, string>();
  const insertText = (rows: number): string => {
    let text = insertTexts.get(rows);
    if (text === undefined) {
      text = insertSql(COLUMN_NAMES, rows, (index) => `$${index + 1}`);
      insertTexts.set(rows, text);
    }
    return text;
  };

  async function insertBatch(records: readonly LedgerRecord[]): Promise<void> {
    if (records.length === 0) return;
    await withClient(pool, async (client) => {
      await client.query('BEGIN');
      for (let start = 0; start < records.length; start += ROWS_PER_STATEMENT) {
        const chunk = records.slice(start, start + ROWS_PER_STATEMENT);
        await client.query(insertText(chunk.length), ledgerRowValues(chunk, false));
      }
      await client.query('COMMIT');
    });
  }

  let closed = false;
  return {
    kind: 'postgres',
    insertBatch,
    ...ledgerQueries(runner),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
