import { createMemoryResponseCacheStore, type MemoryStoreOptions } from './memory-store.js';
import { openRedisResponseCacheStore, type RedisStoreOptions } from './redis-store.js';
import { openSqliteResponseCacheStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { ResponseCacheStore } from './store.js';

/** The store a config names; the one place that picks a backend. */
export type ResponseCacheStoreConfig =
  | ({ kind: 'memory' } & MemoryStoreOptions)
  | ({ kind: 'sqlite'; path: string } & SqliteStoreOptions)
  | ({ kind: 'redis' } & RedisStoreOptions);

export function openResponseCacheStore(config: ResponseCacheStoreConfig): ResponseCacheStore {
  switch (config.kind) {
    case 'memory':
      return createMemoryResponseCacheStore(config);
    case 'sqlite':
      return openSqliteResponseCacheStore(config.path, config);
    case 'redis':
      return openRedisResponseCacheStore(config);
  }
}
