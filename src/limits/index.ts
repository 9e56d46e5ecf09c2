/** Counters behind governance: rate limits, spend budgets, task budgets; in-process or Redis. */
export { openLimits, type LimitsStores, type OpenLimitsOptions } from './open-limits.js';
export { BUDGET_PERIODS, type BudgetPeriod, periodWindow, type PeriodWindow } from './period.js';
export { isValidTimeZone } from './local-time.js';
export {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_RATE_WINDOW_MS,
  type RateLimitAdmitted,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitHandle,
  type RateLimitHeaders,
  type RateLimitRefused,
  type RateLimitScope,
  type RateLimitState,
} from './rate-limiter.js';
export { formatResetDuration, rateLimitHeaderValues } from './rate-limit-headers.js';
export { MemoryRateLimiter } from './memory-rate-limiter.js';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.js';
export {
  type Budget,
  type BudgetDecision,
  type BudgetExceeded,
  type BudgetLedger,
  type BudgetLedgerOptions,
  type BudgetReservation,
  type BudgetScope,
  type BudgetSettlement,
  type BudgetStatus,
  DEFAULT_RESERVATION_TTL_MS,
  DEFAULT_WINDOW_RETENTION_MS,
  type ThresholdCrossing,
} from './budget-ledger.js';
export { thresholdMicros } from './budget-plan.js';
export { MemoryBudgetLedger } from './memory-budget-ledger.js';
export { RedisBudgetLedger, type RedisBudgetLedgerOptions } from './redis-budget-ledger.js';
export type { TaskAmount, TaskBudget, TaskBudgetOptions, TaskDecision, TaskLimits, TaskReservation, TaskUsage } from './task-budget.js';
export { MemoryTaskBudget } from './memory-task-budget.js';
export { RedisTaskBudget, type RedisTaskBudgetOptions } from './redis-task-budget.js';
export { createLimitsRedis, type LimitsRedisOptions, waitForRedis } from './redis-client.js';
export { CounterStoreUnavailableError, isUnavailability, type UnavailablePolicy } from './store-unavailable.js';
