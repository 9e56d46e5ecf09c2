import type { Redis } from 'ioredis';
import { loadIoredis } from '../limits/redis-client.js';
import { parseEntry, serializeEntry, type CacheEntry } from './entry.js';
import { DEFAULT_MAX_ENTRY_BYTES, type EntryLimit, type ResponseCacheStore } from './store.js';

export interface RedisStoreOptions extends EntryLimit {
  /** A connection the gateway already holds (shared, not closed by the store); or `url`. */
  client?: Redis;
  /** `redis://…` to open a connection the store owns and closes. */
  url?: string;
  /** Prepended to every key, so one Redis can hold several gateways' caches; default `switchyard:response-cache:`. */
  keyPrefix?: string;
  /** For an owned connection: a command slower than this fails (and the request goes on as a miss); default 250 ms. */
  commandTimeoutMs?: number;
}

/**
 * Entries in Redis, shared by every gateway replica: one string per entry, `SET … PX` so Redis
 * itself drops it at expiry. The entry also holds its own expiry, checked against the caller's `now`
 * on read, so replicas agree with each other's clocks to the millisecond they choose and tests need
 * no waiting.
 *
 * Redis bounds the total with its own eviction (`maxmemory` with `volatile-lru` or `allkeys-lru`);
 * the store bounds each entry.
 */
export function openRedisResponseCacheStore(options: RedisStoreOptions): ResponseCacheStore {
  const owned = options.client === undefined;
  const client = options.client ?? connect(options);
  const prefix = options.keyPrefix ?? 'switchyard:response-cache:';
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  let closed = false;

  return {
    kind: 'redis',
    async get(key, now = Date.now()) {
      const text = await client.get(prefix + key);
      if (text === null) return undefined;
      const entry = parseEntry(text);
      return entry === undefined || entry.expiresAt <= now ? undefined : entry;
    },
    async set(key, entry: CacheEntry, now = Date.now()) {
      const text = serializeEntry(entry);
      const ttlMs = Math.ceil(entry.expiresAt - now);
      if (Buffer.byteLength(text) > maxEntryBytes || ttlMs <= 0) {
        await client.del(prefix + key);
        return false;
      }
      await client.set(prefix + key, text, 'PX', ttlMs);
      return true;
    },
    async delete(key) {
      await client.del(prefix + key);
    },
    async close() {
      if (closed || !owned) return;
      closed = true;
      await client.quit();
    },
  };
}

function connect(options: RedisStoreOptions): Redis {
  if (options.url === undefined) throw new Error('the Redis response cache needs a client or a url');
  // One retry, then fail: a cache that cannot answer quickly is a miss, not a stalled request.
  const { Redis: RedisClient } = loadIoredis();
  return new RedisClient(options.url, { maxRetriesPerRequest: 1, commandTimeout: options.commandTimeoutMs ?? 250 });
}
