import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openLedgerStore, parseLedgerLocation } from './open-store.js';
import { sqliteTestBackend } from './testing/backends.js';
import { numberedRecords } from './testing/records.js';
import { ledgerStoreContract } from './testing/store-contract.js';

describe('SQLite ledger store', () => {
  ledgerStoreContract(sqliteTestBackend());
});

describe('SQLite ledger files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-files-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('creates the file and its folders on first start, in WAL mode', async () => {
    const path = join(folder, 'deep', 'er', 'ledger.db');
    const store = await openLedgerStore(`sqlite:${path}`);
    await store.insertBatch(numberedRecords(2));
    await store.close();
    assert.ok(existsSync(path));
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM ledger_attempts').get(), { n: 2 });
    db.close();
  });

  it('keeps a :memory: ledger for the life of the store', async () => {
    const store = await openLedgerStore(':memory:');
    await store.insertBatch(numberedRecords(4));
    assert.equal((await store.query({}))[0]?.attempts, 4);
    await store.close();
  });
});

describe('parseLedgerLocation', () => {
  it('reads SQLite paths, sqlite: URLs and PostgreSQL URLs', () => {
    assert.deepEqual(parseLedgerLocation('./data/ledger.db'), { backend: 'sqlite', path: './data/ledger.db' });
    assert.deepEqual(parseLedgerLocation('sqlite:./data/ledger.db'), { backend: 'sqlite', path: './data/ledger.db' });
    assert.deepEqual(parseLedgerLocation('sqlite:///var/lib/ledger.db'), { backend: 'sqlite', path: '/var/lib/ledger.db' });
    assert.deepEqual(parseLedgerLocation('sqlite::memory:'), { backend: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseLedgerLocation(':memory:'), { backend: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseLedgerLocation('postgresql://u@db:5432/x'), { backend: 'postgres', url: 'postgresql://u@db:5432/x' });
  });

  it('refuses other schemes and empty locations', () => {
    assert.throws(() => parseLedgerLocation('mysql://db/x'), /unsupported URL scheme "mysql:"/);
    assert.throws(() => parseLedgerLocation('sqlite:'), /needs a path/);
    assert.throws(() => parseLedgerLocation(''), /empty/);
  });
});
