import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteQuery } from '../../ledger/testing/backends.js';
import { dropSchemas, postgresQuery, TEST_POSTGRES_URL, testSchemaName } from '../../ledger/testing/postgres.js';
import { openKeyStore } from '../open-key-store.js';
import type { KeyStore } from '../types.js';

/** One empty database of a backend: its URL, a store on it, and SQL behind the store's back. */
export interface KeyTestDatabase {
  /** What `openKeyStore` and `openLedgerStore` take. */
  url: string;
  /** `{ schema }` for PostgreSQL. */
  options: { schema?: string };
  open(): Promise<KeyStore>;
  sql(text: string): Promise<Record<string, unknown>[]>;
}

export interface KeyTestBackend {
  name: 'sqlite' | 'postgres';
  createDatabase(): Promise<KeyTestDatabase>;
  /** Removes every database this backend created (temp folder, schemas). */
  dispose(): Promise<void>;
}

export function sqliteKeyBackend(): KeyTestBackend {
  const folder = mkdtempSync(join(tmpdir(), 'keys-test-'));
  let count = 0;
  return {
    name: 'sqlite',
    async createDatabase() {
      const path = join(folder, `db-${(count += 1)}`, 'ledger.db');
      return {
        url: `sqlite:${path}`,
        options: {},
        open: () => openKeyStore(`sqlite:${path}`, { busyTimeoutMs: 1000 }),
        sql: async (text) => sqliteQuery(path, text),
      };
    },
    async dispose() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function postgresKeyBackend(): KeyTestBackend {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async createDatabase() {
      const schema = testSchemaName();
      schemas.push(schema);
      return {
        url: TEST_POSTGRES_URL,
        options: { schema },
        open: () => openKeyStore(TEST_POSTGRES_URL, { schema, applicationName: `keys-test-${schema}` }),
        sql: (text) => postgresQuery(text, schema),
      };
    },
    async dispose() {
      await dropSchemas(schemas);
    },
  };
}
