import pg from 'pg';
import { LedgerSchemaError, pendingLedgerMigrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';
import { ledgerQueries, insertSql } from './queries.js';
import { LEDGER_COLUMNS, ledgerRowValues, type LedgerRecord } from './record.js';
import type { SqlParam, SqlRunner } from './sql.js';
import type { LedgerStore } from './store.js';

export interface PostgresLedgerOptions {
  /** A schema of its own (created if missing) and the search path of every connection. */
  schema?: string;
  /** Default 4: one writer plus a few concurrent usage queries. */
  poolSize?: number;
  /** Shown in pg_stat_activity; default `switchyard-ledger`. */
  applicationName?: string;
  /** Default 5,000 ms. */
  connectTimeoutMs?: number;
  /** Server-side statement timeout; default 30,000 ms, so a stuck write fails and is retried. */
  statementTimeoutMs?: number;
}

/** The database cannot be reached; the message names host:port and database, never the password. */
export class LedgerConnectionError extends Error {
  override readonly name = 'LedgerConnectionError';
}

/** Rows per INSERT: 31 columns × 1,000 rows stays under PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;
const COLUMN_NAMES = LEDGER_COLUMNS.map((column) => column.name);
/** Serializes migrations across gateway replicas starting together. */
const MIGRATION_LOCK_KEY = 0x53594c47;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function describeTarget(url: string): string {
  if (!URL.canParse(url)) return 'an unparseable URL';
  const parsed = new URL(url);
  const host = parsed.searchParams.get('host') ?? (parsed.hostname || 'localhost');
  const port = parsed.searchParams.get('port') ?? (parsed.port || '5432');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
  return `${host}:${port} (database ${database})`;
}

function connectionError(url: string, error: unknown): LedgerConnectionError {
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
  let reason = error instanceof Error ? error.message : String(error);
  if (password !== '') reason = reason.split(password).join('***');
  return new LedgerConnectionError(`ledger: cannot use PostgreSQL at ${describeTarget(url)}: ${reason}`);
}

/**
 * A checked-out client, released afterwards (discarded when anything failed). A connection that
 * drops while checked out emits 'error' on the client, which would crash the process unheard.
 */
async function withClient<Result>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<Result>): Promise<Result> {
  const client = await pool.connect();
  let dropped: Error | undefined;
  const onError = (error: Error): void => {
    dropped = error;
  };
  client.on('error', onError);
  try {
    const result = await work(client);
    client.removeListener('error', onError);
    client.release(dropped);
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.removeListener('error', onError);
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  await withClient(pool, async (client) => {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(SCHEMA_MIGRATIONS_DDL.postgres);
    const result = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    for (const migration of pendingLedgerMigrations('postgres', result.rows[0]?.version ?? 0)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
    }
    await client.query('COMMIT');
  });
}

function toPostgresPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** The shared ledger: a pg Pool; the same tables and queries as the SQLite store. */
export async function openPostgresLedgerStore(url: string, options: PostgresLedgerOptions = {}): Promise<LedgerStore> {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new RangeError(`ledger: schema must be a plain identifier, got ${JSON.stringify(schema)}`);
  const settings = [`-c statement_timeout=${Math.floor(options.statementTimeoutMs ?? 30_000)}`];
  if (schema !== undefined) settings.push(`-c search_path=${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    application_name: options.applicationName ?? 'switchyard-ledger',
    options: settings.join(' '),
  });
  // An idle connection the server drops (restart, pg_terminate_backend) emits here; the pool
  // discards it and the next write opens a new one. Without a listener it would crash the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof LedgerSchemaError) throw error;
    throw connectionError(url, error);
  }

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
        await client.query(insertText(chunk.length), chunk.flatMap((record) => ledgerRowValues(record, false)));
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
