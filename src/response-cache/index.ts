/**
 * The exact-match response cache: keys, policy, stores, rendering hits in any protocol, and collecting
 * streamed misses. See README.md for the decisions and where the gateway calls each piece.
 */
export { cacheKeyFor, cacheKeyMaterial, normalizeBody, VOLATILE_FIELDS, type CacheScope } from './cache-key.js';
export { cacheRefusal, isCacheableResponse, type CachePolicy } from './cacheability.js';
export { cacheDirective, type CacheDirective } from './directive.js';
export { createEntry, parseEntry, serializeEntry, type CacheEntry } from './entry.js';
export { DEFAULT_MAX_ENTRY_BYTES, type EntryLimit, type ResponseCacheStore } from './store.js';
export { createMemoryResponseCacheStore, type MemoryStoreOptions } from './memory-store.js';
export { openSqliteResponseCacheStore, type SqliteStoreOptions } from './sqlite-store.js';
export { openRedisResponseCacheStore, type RedisStoreOptions } from './redis-store.js';
export { cachedStreamParts } from './cached-stream-parts.js';
export { renderHit, type RenderedHit, type RenderHitOptions } from './render-hit.js';
export { ResponseCollector } from './collector.js';
export { ResponseCache, type ResponseCacheOptions, type SaveOptions } from './response-cache.js';
export { openResponseCacheStore, type ResponseCacheStoreConfig } from './open-store.js';
