import type pg from 'pg';
import { toPostgresPlaceholders, withClient } from '../ledger/postgres-pool.js';
import type { ConstraintViolation, SqlDatabase, SqlSession } from './sql.js';

/** The key store's view of a PostgreSQL pool: `?` placeholders become `$n`. */
export function postgresSqlDatabase(pool: pg.Pool): SqlDatabase {
  const texts = new Map<string, string>();
  const text = (sql: string): string => {
    let converted = texts.get(sql);
    if (converted === undefined) {
      converted = toPostgresPlaceholders(sql);
      texts.set(sql, converted);
    }
    return converted;
  };
  const on = (client: pg.Pool | pg.PoolClient): SqlSession => ({
    all: async (sql, params = []) => (await client.query(text(sql), [...params])).rows as Record<string, unknown>[],
    run: async (sql, params = []) => (await client.query(text(sql), [...params])).rowCount ?? 0,
  });

  let closed = false;
  return {
    kind: 'postgres',
    forUpdate: ' FOR UPDATE',
    ...on(pool),
    transaction: (work) =>
      withClient(pool, async (client) => {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      }),
    violation(error): ConstraintViolation | undefined {
      const code = (error as { code?: unknown }).code;
      if (code === '23505') return 'unique';
      if (code === '23503') return 'foreign_key';
      return undefined;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
