import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { parseEntry, serializeEntry, type CacheEntry } from './entry.js';
import { DEFAULT_MAX_ENTRY_BYTES, type EntryLimit, type ResponseCacheStore } from './store.js';

export interface SqliteStoreOptions extends EntryLimit {
  /** Most rows kept; default 10,000. */
  maxEntries?: number;
  /** Most bytes kept (sum of serialized entries); default 256 MiB. */
  maxBytes?: number;
  /** How long a write waits for another connection's lock; default 5,000 ms. */
  busyTimeoutMs?: number;
}

/** Its own table, so the cache can share a file with the ledger or live alone. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS response_cache (
  key TEXT PRIMARY KEY,
  entry TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS response_cache_expires_at ON response_cache (expires_at);
`;

/**
 * Entries in a SQLite file, surviving restarts. Every write first sweeps the rows that have expired,
 * then, while a bound is passed, evicts the rows closest to expiring (oldest first among equal TTLs,
 * by rowid). Reads never write: a hit costs one indexed lookup and no lock, which is why eviction
 * follows expiry rather than last use.
 *
 * better-sqlite3 is synchronous; WAL with synchronous=NORMAL keeps a write to a page-cache append.
 * The gateway writes after the answer has been sent, so no caller waits for it.
 */
export function openSqliteResponseCacheStore(path: string, options: SqliteStoreOptions = {}): ResponseCacheStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const maxEntryBytes = Math.min(options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES, maxBytes);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.exec(SCHEMA);
  } catch (error) {
    db.close();
    throw error;
  }

  const select = db.prepare<[string], { entry: string; expires_at: number }>('SELECT entry, expires_at FROM response_cache WHERE key = ?');
  const upsert = db.prepare('INSERT OR REPLACE INTO response_cache (key, entry, bytes, expires_at) VALUES (?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM response_cache WHERE key = ?');
  const sweep = db.prepare('DELETE FROM response_cache WHERE expires_at <= ?');
  const totals = db.prepare<[], { entries: number; bytes: number }>('SELECT count(*) AS entries, total(bytes) AS bytes FROM response_cache');
  const byExpiry = db.prepare<[], { key: string; bytes: number }>('SELECT key, bytes FROM response_cache ORDER BY expires_at, rowid');

  const write = db.transaction((key: string, text: string, bytes: number, expiresAt: number, now: number) => {
    upsert.run(key, text, bytes, expiresAt);
    sweep.run(now);
    let { entries, bytes: held } = totals.get()!;
    if (entries <= maxEntries && held <= maxBytes) return;
    // Collected first: the connection runs no other statement while a query is being iterated.
    const victims: string[] = [];
    for (const row of byExpiry.iterate()) {
      if (entries <= maxEntries && held <= maxBytes) break;
      victims.push(row.key);
      entries -= 1;
      held -= row.bytes;
    }
    for (const victim of victims) remove.run(victim);
  });

  let closed = false;
  return {
    kind: 'sqlite',
    async get(key, now = Date.now()) {
      const row = select.get(key);
      if (row === undefined || row.expires_at <= now) return undefined;
      return parseEntry(row.entry);
    },
    async set(key, entry: CacheEntry, now = Date.now()) {
      const text = serializeEntry(entry);
      const bytes = Buffer.byteLength(text);
      if (bytes > maxEntryBytes || entry.expiresAt <= now) {
        remove.run(key);
        return false;
      }
      write(key, text, bytes, entry.expiresAt, now);
      return true;
    },
    async delete(key) {
      remove.run(key);
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
