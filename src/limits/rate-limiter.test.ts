import { describe } from 'node:test';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import type { RateLimiter, RateLimiterOptions } from './rate-limiter.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { memoryBackend, redisBackend } from './testing/backends.js';
import { rateLimiterContract } from './testing/rate-limiter-contract.js';
import { redisSkipReason } from './testing/redis.js';

const skip = await redisSkipReason();

describe('in-process rate limiter', () => {
  rateLimiterContract(memoryBackend<RateLimiter, RateLimiterOptions>((options) => new MemoryRateLimiter(options)));
});

describe('Redis rate limiter', { skip }, () => {
  rateLimiterContract(redisBackend<RateLimiter, RateLimiterOptions>((redis, keyPrefix, options) => new RedisRateLimiter(redis, { ...options, keyPrefix, onUnavailable: 'fail-closed' })));
});
