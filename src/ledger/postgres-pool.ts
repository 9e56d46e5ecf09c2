import { createRequire } from 'node:module';
import type pg from 'pg';

/** pg is loaded the first time a PostgreSQL pool opens: the embedded SQLite default never pays its memory. */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}
import { LedgerSchemaError, pendingLedgerMigrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';

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

/** Serializes migrations across gateway replicas (and the ledger and key stores) starting together. */
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

function connectionError(url: string, error: unknown, purpose: string): LedgerConnectionError {
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
  let reason = error instanceof Error ? error.message : String(error);
  if (password !== '') reason = reason.split(password).join('***');
  return new LedgerConnectionError(`${purpose}: cannot use PostgreSQL at ${describeTarget(url)}: ${reason}`);
}

/**
 * A checked-out client, released afterwards (discarded when anything failed). A connection that
 * drops while checked out emits 'error' on the client, which would crash the process unheard.
 */
export async function withClient<Result>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<Result>): Promise<Result> {
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

/** The shared SQL text uses `?`; PostgreSQL numbers its parameters. */
export function toPostgresPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/**
 * A pool on the database at `url`, migrated to this build's schema. The ledger and the key store
 * share one database and one migration sequence, so whichever opens first brings it up to date.
 * `purpose` starts error messages (`ledger`, `keys`).
 */
export async function openMigratedPostgresPool(url: string, options: PostgresLedgerOptions = {}, purpose = 'ledger'): Promise<pg.Pool> {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new RangeError(`${purpose}: schema must be a plain identifier, got ${JSON.stringify(schema)}`);
  const settings = [`-c statement_timeout=${Math.floor(options.statementTimeoutMs ?? 30_000)}`];
  if (schema !== undefined) settings.push(`-c search_path=${schema}`);
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    application_name: options.applicationName ?? `switchyard-${purpose}`,
    options: settings.join(' '),
  });
  // An idle connection the server drops (restart, pg_terminate_backend) emits here; the pool
  // discards it and the next query opens a new one. Without a listener it would crash the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof LedgerSchemaError) throw error;
    throw connectionError(url, error, purpose);
  }
  return pool;
}
