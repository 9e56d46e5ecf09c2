import type Database from 'better-sqlite3';
import type { ConstraintViolation, SqlDatabase, SqlSession, SqlValue } from './sql.js';

/**
 * The key store's view of a SQLite connection. better-sqlite3 is synchronous, but the store's code
 * is shared with PostgreSQL and awaits between statements; the calls are queued one after another
 * so a statement issued by one operation can never land inside another operation's transaction.
 */
export function sqliteSqlDatabase(db: Database.Database): SqlDatabase {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const direct: SqlSession = {
    all: async (sql, params = []) => prepare(sql).all(...params) as Record<string, unknown>[],
    run: async (sql, params = []) => prepare(sql).run(...params).changes,
  };

  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <Result>(work: () => Promise<Result>): Promise<Result> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };

  let closed = false;
  return {
    kind: 'sqlite',
    forUpdate: '',
    all: (sql, params?: readonly SqlValue[]) => exclusive(() => direct.all(sql, params)),
    run: (sql, params?: readonly SqlValue[]) => exclusive(() => direct.run(sql, params)),
    transaction: (work) =>
      exclusive(async () => {
        // IMMEDIATE takes the write lock at once: no other connection changes what we read.
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    violation(error): ConstraintViolation | undefined {
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
      return undefined;
    },
    close: () =>
      exclusive(async () => {
        if (closed) return;
        closed = true;
        db.close();
      }),
  };
}
