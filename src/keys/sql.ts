/**
 * What the key store needs from a backend: SQL text with `?` placeholders (one text for both
 * databases, as in the ledger), rows back, a count of changed rows, and transactions.
 */
export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlSession {
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** The constraint a failed write broke, when it was one the store handles. */
export type ConstraintViolation = 'unique' | 'foreign_key';

export interface SqlDatabase extends SqlSession {
  readonly kind: 'sqlite' | 'postgres';
  /** Locks the selected rows until the transaction ends where the backend can (PostgreSQL). */
  readonly forUpdate: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<Result>(work: (session: SqlSession) => Promise<Result>): Promise<Result>;
  violation(error: unknown): ConstraintViolation | undefined;
  close(): Promise<void>;
}
