import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLimitsRedis } from '../redis-client.js';

/** Tests use this server; set LIMITS_TEST_REDIS_URL to point elsewhere. */
export const TEST_REDIS_URL = process.env.LIMITS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Undefined when the test server answers, else why Redis tests are skipped. When the URL was
 * given explicitly, an unreachable server is a failure rather than a skip.
 */
export async function redisSkipReason(): Promise<string | undefined> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    if (process.env.LIMITS_TEST_REDIS_URL !== undefined) throw error;
    return `Redis not reachable at the default test URL (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    redis.disconnect();
  }
}

/** `sy_test_<pid>_<random>:`: unique per run, recognisable if one is ever left behind. */
export function testKeyPrefix(): string {
  return `sy_test_${process.pid}_${randomBytes(4).toString('hex')}:`;
}

/** A connection to the test server with the gateway's options (waits until it is ready). */
export async function testRedis(): Promise<Redis> {
  const redis = createLimitsRedis(TEST_REDIS_URL, { commandTimeoutMs: 5000 });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('end', () => reject(new Error('test Redis connection ended before it was ready')));
  });
  return redis;
}

/** Deletes every key under `prefix` and returns how many there were. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
