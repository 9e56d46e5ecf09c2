/**
 * Picks the counter stores for a gateway: in-process when it runs alone, Redis when replicas must
 * act as one. The gateway wires what this returns into governance; nothing else here knows which.
 */
import type { Redis } from 'ioredis';
import type { BudgetLedger, BudgetLedgerOptions } from './budget-ledger.js';
import { MemoryBudgetLedger } from './memory-budget-ledger.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { MemoryTaskBudget } from './memory-task-budget.js';
import type { RateLimiter, RateLimiterOptions } from './rate-limiter.js';
import { RedisBudgetLedger } from './redis-budget-ledger.js';
import { createLimitsRedis, type LimitsRedisOptions } from './redis-client.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisTaskBudget } from './redis-task-budget.js';
import type { CounterStoreUnavailableError, UnavailablePolicy } from './store-unavailable.js';
import type { TaskBudget, TaskBudgetOptions } from './task-budget.js';

export interface LimitsStores {
  rateLimiter: RateLimiter;
  budgets: BudgetLedger;
  tasks: TaskBudget;
  /** The Redis connection when counters are shared (for health checks), else undefined. */
  redis: Redis | undefined;
  close(): Promise<void>;
}

export interface OpenLimitsOptions {
  /** `redis://…` or `rediss://…` to share counters between replicas; absent for in-process counters. */
  redisUrl?: string;
  /** Prepended to every Redis key (default `switchyard:`); for Redis Cluster use a hash tag, `{switchyard}:`. */
  keyPrefix?: string;
  /** Redis default: fail-open. */
  rateLimits?: RateLimiterOptions & { onUnavailable?: UnavailablePolicy };
  /** Redis default: fail-closed. */
  budgets?: BudgetLedgerOptions & { onUnavailable?: UnavailablePolicy };
  /** Redis default: fail-closed. */
  tasks?: TaskBudgetOptions & { onUnavailable?: UnavailablePolicy };
  redis?: LimitsRedisOptions;
  /** Every call Redis could not serve, for logs and metrics. */
  onUnavailableError?: (error: CounterStoreUnavailableError) => void;
}

export function openLimits(options: OpenLimitsOptions = {}): LimitsStores {
  if (options.redisUrl === undefined) {
    return {
      rateLimiter: new MemoryRateLimiter(options.rateLimits),
      budgets: new MemoryBudgetLedger(options.budgets),
      tasks: new MemoryTaskBudget(options.tasks),
      redis: undefined,
      close: async () => undefined,
    };
  }
  const redis = createLimitsRedis(options.redisUrl, options.redis);
  const shared = { keyPrefix: options.keyPrefix, onUnavailableError: options.onUnavailableError };
  return {
    rateLimiter: new RedisRateLimiter(redis, { ...options.rateLimits, ...shared }),
    budgets: new RedisBudgetLedger(redis, { ...options.budgets, ...shared }),
    tasks: new RedisTaskBudget(redis, { ...options.tasks, ...shared }),
    redis,
    async close() {
      // QUIT lets replies in flight arrive; when the connection is already down it rejects at once.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
