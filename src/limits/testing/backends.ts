import type { Redis } from 'ioredis';
import { deleteKeys, testKeyPrefix, testRedis } from './redis.js';

/** A way to build one kind of store for the shared contract suites, and to clean up after them. */
export interface TestBackend<Store, Options> {
  name: 'memory' | 'redis';
  /** Called once before the suite's tests. */
  connect?(): Promise<void>;
  create(options?: Options): Store;
  dispose(): Promise<void>;
}

/** Backend for in-process stores: nothing to clean up. */
export function memoryBackend<Store, Options>(create: (options?: Options) => Store): TestBackend<Store, Options> {
  return { name: 'memory', create, dispose: async () => undefined };
}

/**
 * Backend for Redis stores: one connection and one key prefix per run; every key under the prefix
 * is deleted at the end. `create` is called after `before` has connected.
 */
export function redisBackend<Store, Options>(create: (redis: Redis, keyPrefix: string, options?: Options) => Store): TestBackend<Store, Options> {
  const keyPrefix = testKeyPrefix();
  let redis: Redis | undefined;
  return {
    name: 'redis',
    async connect() {
      redis = await testRedis();
    },
    create(options) {
      if (redis === undefined) throw new Error('redis backend used before connect()');
      return create(redis, keyPrefix, options);
    },
    async dispose() {
      if (redis === undefined) return;
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
    },
  };
}
