import { parseEntry, serializeEntry, type CacheEntry } from './entry.js';
import { DEFAULT_MAX_ENTRY_BYTES, type EntryLimit, type ResponseCacheStore } from './store.js';

export interface MemoryStoreOptions extends EntryLimit {
  /** Most entries held; default 10,000. */
  maxEntries?: number;
  /** Most bytes held (sum of serialized entries); default 64 MiB. */
  maxBytes?: number;
}

interface Slot {
  text: string;
  bytes: number;
  expiresAt: number;
}

/**
 * Entries in this process, least recently used evicted first when a bound is passed. A Map iterates
 * in insertion order, so re-inserting on every hit keeps the least recently used entry first.
 *
 * Entries are held serialized: each hit gets its own copy (a caller mutating it cannot change the
 * cache), and the byte bound counts exactly what is held. Expired entries are dropped when read or
 * when eviction reaches them.
 */
export function createMemoryResponseCacheStore(options: MemoryStoreOptions = {}): ResponseCacheStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxEntryBytes = Math.min(options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES, maxBytes);
  const slots = new Map<string, Slot>();
  let heldBytes = 0;

  const remove = (key: string): void => {
    const slot = slots.get(key);
    if (slot === undefined) return;
    slots.delete(key);
    heldBytes -= slot.bytes;
  };

  return {
    kind: 'memory',
    async get(key, now = Date.now()) {
      const slot = slots.get(key);
      if (slot === undefined) return undefined;
      remove(key);
      if (slot.expiresAt <= now) return undefined;
      slots.set(key, slot);
      heldBytes += slot.bytes;
      return parseEntry(slot.text);
    },
    async set(key, entry: CacheEntry, now = Date.now()) {
      remove(key);
      const text = serializeEntry(entry);
      const bytes = Buffer.byteLength(text);
      if (bytes > maxEntryBytes || entry.expiresAt <= now) return false;
      slots.set(key, { text, bytes, expiresAt: entry.expiresAt });
      heldBytes += bytes;
      for (const oldest of slots.keys()) {
        if (slots.size <= maxEntries && heldBytes <= maxBytes) break;
        remove(oldest);
      }
      return true;
    },
    async delete(key) {
      remove(key);
    },
    async close() {
      slots.clear();
      heldBytes = 0;
    },
  };
}
