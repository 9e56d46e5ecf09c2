import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Tests use this server; set LEDGER_TEST_POSTGRES_URL to point elsewhere. */
export const TEST_POSTGRES_URL = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Undefined when the test server answers, else why PostgreSQL tests are skipped. When the URL was
 * given explicitly, an unreachable server is a failure rather than a skip.
 */
export async function postgresSkipReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    if (process.env.LEDGER_TEST_POSTGRES_URL !== undefined) throw error;
    return `PostgreSQL not reachable at the default test URL (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `ledger_test_<pid>_<random>`: unique per run, recognisable if one is ever left behind. */
export function testSchemaName(): string {
  return `ledger_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Runs SQL on a fresh connection (outside any store's pool), in `schema` when given. */
export async function postgresQuery(sql: string, schema?: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  for (const schema of schemas) await postgresQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
