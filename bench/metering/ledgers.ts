/**
 * The ledgers metering writes to during the benchmark, and the check that every record reached
 * them: a SQLite file in the run's temp folder, and (when the server answers) a PostgreSQL schema
 * of its own, created before the run and dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { openLedgerStore } from '../../src/ledger/index.js';
import type { GatewayCounts } from '../subjects/servers/gateway-counts.js';

export interface LedgerBackend {
  /** `sqlite` or `postgres`: the variant id. */
  id: 'sqlite' | 'postgres';
  label: string;
  /** What the gateway child opens (`--ledger`). */
  location: string;
  /** PostgreSQL only: the run's own schema. */
  schema?: string;
}

export function sqliteBackend(tempDir: string): LedgerBackend {
  return { id: 'sqlite', label: 'SQLite (temp file, WAL)', location: join(tempDir, 'ledger.db') };
}

/**
 * A PostgreSQL backend in a fresh schema `switchyard_bench_<pid>_<hex>`, migrated here so the
 * gateway's start is not timed with it; or the reason PostgreSQL is not used.
 */
export async function postgresBackend(url: string): Promise<LedgerBackend | { skipped: string }> {
  const schema = `${SCHEMA_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    const store = await openLedgerStore(url, { schema, connectTimeoutMs: 3_000 });
    await store.close();
    await dropStaleBenchSchemas(url);
  } catch (error) {
    // The schema may exist if the failure came after creating it.
    await dropPostgresSchema(url, schema).catch(() => undefined);
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  return { id: 'postgres', label: `PostgreSQL (${new URL(url).host}, schema of its own)`, location: url, schema };
}

const SCHEMA_PREFIX = 'switchyard_bench_';

/**
 * Drops the schemas of earlier runs whose process is gone (a run stopped with Ctrl-C exits before
 * its own cleanup): `switchyard_bench_<pid>_<hex>` with no live <pid>. Returns the names dropped.
 */
export async function dropStaleBenchSchemas(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT schema_name AS name FROM information_schema.schemata WHERE starts_with(schema_name, $1)`, [SCHEMA_PREFIX]);
    const stale = rows.map((row) => row.name).filter((name) => !processAlive(Number(/^switchyard_bench_(\d+)_/.exec(name)?.[1])));
    for (const name of stale) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    return stale;
  } finally {
    await client.end();
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but not ours.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface LedgerVerification {
  backend: LedgerBackend['id'];
  /** POSTs the gateway received over its whole life (check, warm-up, rounds). */
  modelCalls: number;
  /** Records the gateway handed to the writer. */
  appended: number;
  /** After close(): the writer's counts. */
  written: number;
  dropped: number;
  rejected: number;
  /** Records still queued when close() gave up (0 when everything was written). */
  unwritten: number;
  failedFlushes: number;
  /** Counted in the database afterwards by the orchestrator. */
  rowsInLedger: number;
  /** Distinct request ids among those rows. */
  requestsInLedger: number;
  ok: boolean;
  problems: string[];
}

/** Counts the rows in the ledger and compares them with what the gateway said it appended and wrote. */
export async function verifyLedger(backend: LedgerBackend, counts: GatewayCounts | null): Promise<LedgerVerification> {
  const store = await openLedgerStore(backend.location, backend.schema === undefined ? {} : { schema: backend.schema });
  let rowsInLedger = Number.NaN;
  let requestsInLedger = Number.NaN;
  try {
    const [all] = await store.query({}, 'none');
    rowsInLedger = all?.attempts ?? 0;
    requestsInLedger = all?.requests ?? 0;
  } finally {
    await store.close();
  }
  const stats = counts?.ledger ?? null;
  const problems: string[] = [];
  if (counts === null || stats === null) problems.push('the gateway did not report its final counts (it did not stop in time)');
  else {
    if (stats.dropped > 0) problems.push(`${stats.dropped} records dropped (queue full or writer closed)`);
    if (stats.rejected > 0) problems.push(`${stats.rejected} records rejected as invalid`);
    if (stats.queued > 0) problems.push(`${stats.queued} records still queued when the writer closed`);
    if (stats.written !== counts.appended) problems.push(`written ${stats.written} ≠ appended ${counts.appended}`);
    if (rowsInLedger !== counts.appended) problems.push(`${rowsInLedger} rows in the ledger ≠ ${counts.appended} appended`);
    if (requestsInLedger !== counts.modelCalls) problems.push(`${requestsInLedger} distinct requests in the ledger ≠ ${counts.modelCalls} model calls received`);
  }
  return {
    backend: backend.id,
    modelCalls: counts?.modelCalls ?? Number.NaN,
    appended: counts?.appended ?? Number.NaN,
    written: stats?.written ?? Number.NaN,
    dropped: stats?.dropped ?? Number.NaN,
    rejected: stats?.rejected ?? Number.NaN,
    unwritten: stats?.queued ?? Number.NaN,
    failedFlushes: stats?.failedFlushes ?? Number.NaN,
    rowsInLedger,
    requestsInLedger,
    ok: problems.length === 0,
    problems,
  };
}
