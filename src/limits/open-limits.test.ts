import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { openLimits } from './open-limits.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix } from './testing/redis.js';
import { waitFor } from './testing/tcp-proxy.js';

const skip = await redisSkipReason();

describe('openLimits', () => {
  it('uses in-process counters without a Redis URL', async () => {
    const limits = openLimits();
    assert.ok(limits.rateLimiter instanceof MemoryRateLimiter);
    assert.equal(limits.redis, undefined);
    await limits.close();
  });

  it('shares counters through Redis with a URL', { skip }, async () => {
    const keyPrefix = testKeyPrefix();
    const replicas = [openLimits({ redisUrl: TEST_REDIS_URL, keyPrefix }), openLimits({ redisUrl: TEST_REDIS_URL, keyPrefix })];
    try {
      for (const replica of replicas) await waitFor('Redis', () => replica.redis?.status === 'ready');
      assert.ok(replicas[0]?.rateLimiter instanceof RedisRateLimiter);
      const now = Date.UTC(2025, 0, 1);
      const budgets = [{ period: 'total' as const, limitMicros: 100, timezone: 'UTC' }];
      const first = await replicas[0]?.budgets.reserve([{ id: 'key:a', budgets }], 60, now);
      assert.equal(first?.admitted, true);
      const second = await replicas[1]?.budgets.reserve([{ id: 'key:a', budgets }], 60, now);
      assert.equal(second?.admitted, false, 'the other replica sees the reservation');
    } finally {
      const redis = replicas[0]?.redis;
      if (redis !== undefined) await deleteKeys(redis, keyPrefix);
      for (const replica of replicas) await replica.close();
    }
  });
});
