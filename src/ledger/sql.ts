/** The one thing the query code needs from a backend: run SQL with `?` placeholders, get rows. */
export type SqlParam = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlRunner {
  all(sql: string, params: readonly SqlParam[]): Promise<SqlRow[]>;
}

/**
 * PostgreSQL returns COUNT and SUM of BIGINT as strings (int8, numeric); SQLite returns numbers.
 * Aggregates here are integers far below 2^53, so both become plain numbers.
 */
export function toInteger(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) throw new TypeError(`ledger: expected an integer from the database, got ${String(value)}`);
  return number;
}

export function toNullableInteger(value: unknown): number | null {
  return value === null || value === undefined ? null : toInteger(value);
}

export function toNullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Computed in TS from integer sums so both backends give the same float. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Byte order, as SQLite's BINARY and PostgreSQL's "C" collation compare; nulls last. */
export function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
