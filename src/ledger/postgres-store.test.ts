import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openLedgerStore } from './open-store.js';
import { LedgerConnectionError, openPostgresLedgerStore } from './postgres-store.js';
import { postgresTestBackend } from './testing/backends.js';
import { dropSchemas, postgresQuery, postgresSkipReason, TEST_POSTGRES_URL, testSchemaName } from './testing/postgres.js';
import { numberedRecords } from './testing/records.js';
import { ledgerStoreContract } from './testing/store-contract.js';
import { waitFor } from './testing/wait.js';
import { LedgerWriter } from './writer.js';

const skip = await postgresSkipReason();

describe('PostgreSQL ledger store', { skip }, () => {
  ledgerStoreContract(postgresTestBackend());
});

describe('PostgreSQL ledger connections', { skip }, () => {
  const schemas: string[] = [];
  after(() => dropSchemas(schemas));

  it('retries a write whose connection was terminated mid-transaction, losing nothing', async () => {
    const schema = testSchemaName();
    schemas.push(schema);
    const applicationName = `ledger-test-${schema}`;
    const store = await openPostgresLedgerStore(TEST_POSTGRES_URL, { schema, applicationName });
    const writer = new LedgerWriter(store, { windowMs: 10, retryInitialMs: 20, retryMaxMs: 100 });
    const locker = new pg.Client({ connectionString: TEST_POSTGRES_URL, options: `-c search_path=${schema}` });
    await locker.connect();
    try {
      // Hold the table so the writer's insert waits inside its transaction, then kill its backend.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE ledger_attempts IN ACCESS EXCLUSIVE MODE');
      const records = numberedRecords(50);
      for (const record of records) writer.append(record);
      let waiting: Record<string, unknown>[] = [];
      await waitFor('the insert to wait for the lock', async () => {
        waiting = await postgresQuery("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", undefined, [applicationName]);
        return waiting.length > 0;
      });
      for (const row of waiting) await postgresQuery('SELECT pg_terminate_backend($1)', undefined, [row.pid]);
      await waitFor('the failed flush', () => writer.stats().failedFlushes >= 1);
      await locker.query('COMMIT');
      await waitFor('the retry to write everything', () => writer.stats().queued === 0);

      // Idle connections killed between writes are replaced as well.
      await postgresQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', undefined, [applicationName]);
      for (const record of numberedRecords(50, 50)) writer.append(record);
      const stats = await writer.close();
      assert.equal(stats.written, 100);
      assert.equal(stats.queued, 0);
      const rows = await postgresQuery('SELECT COUNT(DISTINCT id) AS n FROM ledger_attempts', schema);
      assert.equal(Number(rows[0]?.n), 100);
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('names the server and database, never the password, when the database is missing', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.password = 'pa55-word';
    url.pathname = '/ledger_no_such_database';
    await assert.rejects(openLedgerStore(url.toString()), (error: unknown) => {
      assert.ok(error instanceof LedgerConnectionError);
      assert.match(error.message, new RegExp(`at ${url.hostname}:${url.port || 5432} \\(database ledger_no_such_database\\)`));
      assert.doesNotMatch(error.message, /pa55-word/);
      return true;
    });
  });
});

describe('PostgreSQL unreachable', () => {
  it('fails to open with an error naming host:port and hiding the password', async () => {
    await assert.rejects(openLedgerStore('postgres://ledger:s3cret-pw@127.0.0.1:1/usage', { connectTimeoutMs: 2000 }), (error: unknown) => {
      assert.ok(error instanceof LedgerConnectionError);
      assert.match(error.message, /PostgreSQL at 127\.0\.0\.1:1 \(database usage\): .*ECONNREFUSED/);
      assert.doesNotMatch(error.message, /s3cret-pw/);
      return true;
    });
  });
});
