import { strict as assert } from 'node:assert';
import { after, it } from 'node:test';
import { LedgerSchemaError, loadLedgerMigrations } from '../migrations.js';
import type { LedgerRecord } from '../record.js';
import type { LedgerSink, LedgerStore } from '../store.js';
import { LedgerWriter } from '../writer.js';
import type { TestBackend, TestDatabase } from './backends.js';
import { queryScenario } from './query-scenario.js';
import { makeRecord, numberedRecords } from './records.js';
import { waitFor } from './wait.js';

async function rowCount(database: TestDatabase): Promise<number> {
  const rows = await database.sql('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM ledger_attempts');
  assert.equal(Number(rows[0]?.n), Number(rows[0]?.ids), 'no record stored twice');
  return Number(rows[0]?.n);
}

async function storedRequestIds(database: TestDatabase): Promise<string[]> {
  return (await database.sql('SELECT request_id FROM ledger_attempts ORDER BY request_id')).map((row) => String(row.request_id));
}

/** The real store, noting which records each successful insert carried, in order. */
function noteWrites(store: LedgerStore): { sink: LedgerSink; written: string[]; batches: number } {
  const noted = {
    written: [] as string[],
    batches: 0,
    sink: {
      insertBatch: async (records: readonly LedgerRecord[]) => {
        await store.insertBatch(records);
        noted.batches += 1;
        noted.written.push(...records.map((record) => record.request_id));
      },
    },
  };
  return noted;
}

const BREAK_TABLE = 'ALTER TABLE ledger_attempts RENAME TO ledger_attempts_away';
const RESTORE_TABLE = 'ALTER TABLE ledger_attempts_away RENAME TO ledger_attempts';

/**
 * What every ledger store must do, registered as tests in the caller's describe block. Each test
 * gets an empty database of its own.
 */
export function ledgerStoreContract(backend: TestBackend): void {
  const stores: LedgerStore[] = [];
  const open = async (database: TestDatabase): Promise<LedgerStore> => {
    const store = await database.open();
    stores.push(store);
    return store;
  };
  after(async () => {
    for (const store of stores) await store.close();
    await backend.dispose();
  });

  it('applies its migrations once and keeps the data when reopened', async () => {
    const database = await backend.createDatabase();
    const first = await open(database);
    await first.insertBatch(numberedRecords(3));
    await first.close();
    const second = await open(database);
    assert.equal((await second.query({}))[0]?.attempts, 3);
    const versions = await database.sql('SELECT version, name FROM schema_migrations ORDER BY version');
    const expected = loadLedgerMigrations(backend.name).map((migration) => ({ version: migration.version, name: migration.name }));
    assert.deepEqual(versions.map((row) => ({ version: Number(row.version), name: row.name })), expected);
    assert.deepEqual(expected[0], { version: 1, name: 'init' });
  });

  it('refuses a database migrated by a newer build', async () => {
    const database = await backend.createDatabase();
    await (await open(database)).close();
    const known = loadLedgerMigrations(backend.name).length;
    await database.sql(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${known + 1}, 'future', 0)`);
    await assert.rejects(database.open(), (error: unknown) => {
      assert.ok(error instanceof LedgerSchemaError);
      assert.match(error.message, new RegExp(`schema version ${known + 1}, but this build knows versions up to ${known};`));
      return true;
    });
  });

  it('stores a batch inserted twice once (retries are idempotent)', async () => {
    const database = await backend.createDatabase();
    const store = await open(database);
    const records = numberedRecords(250);
    await store.insertBatch(records);
    await store.insertBatch(records);
    assert.equal(await rowCount(database), 250);
  });

  it('answers usage, task, session and efficiency queries with the documented numbers', async () => {
    const store = await open(await backend.createDatabase());
    await queryScenario(store);
  });

  it('writes every record of 1,000 concurrent appends, in batches', async (t) => {
    const database = await backend.createDatabase();
    const store = await open(database);
    const noted = noteWrites(store);
    const writer = new LedgerWriter(noted.sink);
    const records = numberedRecords(1000);
    await Promise.all(
      records.map(async (record, index) => {
        await new Promise((resolve) => setTimeout(resolve, index % 20));
        assert.equal(writer.append(record), true);
      }),
    );
    // Written by the window timer, before any close().
    await waitFor('the writer to drain', () => writer.stats().written === 1000);
    assert.equal(await rowCount(database), 1000);
    assert.ok(noted.batches < 1000, `batched: ${noted.batches} inserts`);
    t.diagnostic(`${backend.name}: 1,000 concurrent appends → ${await rowCount(database)} rows in ${noted.batches} batches`);
    const stats = await writer.close();
    assert.deepEqual({ ...stats, lagMs: 0 }, { queued: 0, lagMs: 0, written: 1000, dropped: 0, rejected: 0, failedFlushes: 0, lastError: null });
  });

  it('close() writes everything still queued', async () => {
    const database = await backend.createDatabase();
    const store = await open(database);
    const writer = new LedgerWriter(store, { windowMs: 200, maxBatch: 2000 });
    const records = numberedRecords(5000);
    for (const record of records) writer.append(record);
    assert.ok(writer.stats().queued > 0);
    const stats = await writer.close();
    assert.equal(stats.queued, 0);
    assert.equal(stats.written, 5000);
    assert.equal(await rowCount(database), 5000);
    assert.equal(writer.append(makeRecord()), false, 'a closed writer refuses records');
    assert.equal(writer.stats().dropped, 1);
  });

  it('keeps records through a failing store and writes them in order once it recovers', async () => {
    const database = await backend.createDatabase();
    const store = await open(database);
    const noted = noteWrites(store);
    const writer = new LedgerWriter(noted.sink, { windowMs: 20, maxBatch: 100, retryInitialMs: 20, retryMaxMs: 100 });
    const records = numberedRecords(300);
    writer.append(records[0] as LedgerRecord);
    await waitFor('the first record', () => writer.stats().written === 1);
    await database.sql(BREAK_TABLE);
    for (const record of records.slice(1, 150)) writer.append(record);
    await waitFor('failed flushes', () => writer.stats().failedFlushes >= 3);
    for (const record of records.slice(150)) writer.append(record);
    const broken = writer.stats();
    assert.equal(broken.written, 1);
    assert.equal(broken.queued, 299);
    assert.notEqual(broken.lastError, null);
    await database.sql(RESTORE_TABLE);
    await waitFor('the queue to drain', () => writer.stats().queued === 0);
    assert.deepEqual(noted.written, records.map((record) => record.request_id));
    assert.equal(await rowCount(database), 300);
    assert.equal((await writer.close()).lastError, null);
  });

  it('drops and counts new records when the queue is full, keeping the older ones', async () => {
    const database = await backend.createDatabase();
    const store = await open(database);
    const writer = new LedgerWriter(store, { maxQueue: 100, windowMs: 10, retryInitialMs: 20, retryMaxMs: 50 });
    await database.sql(BREAK_TABLE);
    const records = numberedRecords(150);
    const accepted = records.map((record) => writer.append(record));
    assert.deepEqual(accepted, [...Array<boolean>(100).fill(true), ...Array<boolean>(50).fill(false)]);
    assert.equal(writer.stats().dropped, 50);
    await waitFor('a failed flush', () => writer.stats().failedFlushes >= 1);
    await database.sql(RESTORE_TABLE);
    const stats = await writer.close();
    assert.equal(stats.written, 100);
    assert.deepEqual(await storedRequestIds(database), records.slice(0, 100).map((record) => record.request_id));
  });
}
