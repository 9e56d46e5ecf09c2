import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openPostgresLedgerStore } from '../postgres-store.js';
import { openSqliteLedgerStore } from '../sqlite-store.js';
import type { LedgerStore } from '../store.js';
import { dropSchemas, postgresQuery, TEST_POSTGRES_URL, testSchemaName } from './postgres.js';

/** One empty database of a backend, and a way to reach it behind the store's back. */
export interface TestDatabase {
  /** Opens (and migrates) a store on this database; may be called again after close. */
  open(): Promise<LedgerStore>;
  /** Runs SQL on a separate connection: to inspect rows, or to break and restore the table. */
  sql(text: string): Promise<Record<string, unknown>[]>;
}

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  createDatabase(): Promise<TestDatabase>;
  /** Removes every database this backend created (temp folder, schemas). */
  dispose(): Promise<void>;
}

/** Runs SQL on a fresh connection to the SQLite file (outside any store), like postgresQuery. */
export function sqliteQuery(path: string, text: string): Record<string, unknown>[] {
  const db = new Database(path);
  try {
    const statement = db.prepare(text);
    if (statement.reader) return statement.all() as Record<string, unknown>[];
    statement.run();
    return [];
  } finally {
    db.close();
  }
}

export function sqliteTestBackend(): TestBackend {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  let count = 0;
  return {
    name: 'sqlite',
    async createDatabase() {
      const path = join(folder, `db-${(count += 1)}`, 'ledger.db');
      return {
        open: async () => openSqliteLedgerStore(path, { busyTimeoutMs: 1000 }),
        sql: async (text) => sqliteQuery(path, text),
      };
    },
    async dispose() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function postgresTestBackend(): TestBackend {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async createDatabase() {
      const schema = testSchemaName();
      schemas.push(schema);
      return {
        open: () => openPostgresLedgerStore(TEST_POSTGRES_URL, { schema, applicationName: `ledger-test-${schema}` }),
        sql: (text) => postgresQuery(text, schema),
      };
    },
    async dispose() {
      await dropSchemas(schemas);
    },
  };
}
