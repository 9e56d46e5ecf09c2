import { describe } from 'node:test';
import { MemoryTaskBudget } from './memory-task-budget.js';
import { RedisTaskBudget } from './redis-task-budget.js';
import type { TaskBudget, TaskBudgetOptions } from './task-budget.js';
import { memoryBackend, redisBackend } from './testing/backends.js';
import { redisSkipReason } from './testing/redis.js';
import { taskBudgetContract } from './testing/task-budget-contract.js';

const skip = await redisSkipReason();

describe('in-process task budgets', () => {
  taskBudgetContract(memoryBackend<TaskBudget, TaskBudgetOptions>((options) => new MemoryTaskBudget(options)));
});

describe('Redis task budgets', { skip }, () => {
  taskBudgetContract(redisBackend<TaskBudget, TaskBudgetOptions>((redis, keyPrefix, options) => new RedisTaskBudget(redis, { ...options, keyPrefix })));
});
