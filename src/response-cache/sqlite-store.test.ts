import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteResponseCacheStore } from './sqlite-store.js';
import { sampleEntry, T0 } from './testing/fixtures.js';
import { describeStoreContract } from './testing/store-contract.js';

/** better-sqlite3 is a native addon: without its compiled binding there is nothing to test. */
function sqliteSkipReason(): string | undefined {
  try {
    new Database(':memory:').close();
    return undefined;
  } catch (error) {
    return `better-sqlite3 cannot load: ${(error as Error).message.split('\n')[0]}`;
  }
}
const skip = sqliteSkipReason() ?? false;

const folder = mkdtempSync(join(tmpdir(), 'response-cache-test-'));
let count = 0;
const freshPath = (): string => join(folder, `db-${(count += 1)}`, 'cache.db');

describeStoreContract({
  name: 'sqlite',
  boundsTotals: true,
  open: async (limits = {}) => openSqliteResponseCacheStore(freshPath(), { ...limits, busyTimeoutMs: 1000 }),
  dispose: async () => rmSync(folder, { recursive: true, force: true }),
}, { skip });

describe('sqlite store', { skip }, () => {
  const extra = mkdtempSync(join(tmpdir(), 'response-cache-sqlite-'));
  after(() => rmSync(extra, { recursive: true, force: true }));
  let files = 0;
  const path = (): string => join(extra, `cache-${(files += 1)}.db`);
  const rowCount = (file: string): number => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM response_cache').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('keeps entries across a reopen of the file', async () => {
    const file = path();
    const first = openSqliteResponseCacheStore(file);
    await first.set('k', sampleEntry(), T0);
    await first.close();
    const second = openSqliteResponseCacheStore(file);
    try {
      assert.deepEqual(await second.get('k', T0), sampleEntry());
    } finally {
      await second.close();
    }
  });

  it('sweeps expired rows on the next write', async () => {
    const file = path();
    const store = openSqliteResponseCacheStore(file);
    try {
      await store.set('short-1', sampleEntry(1_000), T0);
      await store.set('short-2', sampleEntry(1_000), T0);
      await store.set('long', sampleEntry(60_000), T0);
      assert.equal(rowCount(file), 3);
      await store.set('later', sampleEntry(60_000, T0 + 2_000), T0 + 2_000);
      assert.equal(rowCount(file), 2);
    } finally {
      await store.close();
    }
  });

  it('reads a row that is not an entry as a miss', async () => {
    const file = path();
    const store = openSqliteResponseCacheStore(file);
    try {
      const db = new Database(file);
      db.prepare('INSERT INTO response_cache (key, entry, bytes, expires_at) VALUES (?, ?, ?, ?)').run('bad', '{"v":99}', 8, T0 + 60_000);
      db.close();
      assert.equal(await store.get('bad', T0), undefined);
    } finally {
      await store.close();
    }
  });
});
