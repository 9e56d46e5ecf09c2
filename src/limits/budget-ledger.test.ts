import { describe } from 'node:test';
import type { BudgetLedger, BudgetLedgerOptions } from './budget-ledger.js';
import { MemoryBudgetLedger } from './memory-budget-ledger.js';
import { RedisBudgetLedger } from './redis-budget-ledger.js';
import { memoryBackend, redisBackend } from './testing/backends.js';
import { budgetLedgerContract } from './testing/budget-ledger-contract.js';
import { redisSkipReason } from './testing/redis.js';

const skip = await redisSkipReason();

describe('in-process budget ledger', () => {
  budgetLedgerContract(memoryBackend<BudgetLedger, BudgetLedgerOptions>((options) => new MemoryBudgetLedger(options)));
});

describe('Redis budget ledger', { skip }, () => {
  budgetLedgerContract(redisBackend<BudgetLedger, BudgetLedgerOptions>((redis, keyPrefix, options) => new RedisBudgetLedger(redis, { ...options, keyPrefix })));
});
