import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { RedisBudgetLedger } from './redis-budget-ledger.js';
import { createLimitsRedis } from './redis-client.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisTaskBudget } from './redis-task-budget.js';
import { CounterStoreUnavailableError, isUnavailability, type UnavailablePolicy } from './store-unavailable.js';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix, testRedis } from './testing/redis.js';
import { closedPort, TcpProxy, waitFor } from './testing/tcp-proxy.js';

const T0 = Date.UTC(2025, 5, 4, 12);
const budgets = [{ period: 'day' as const, limitMicros: 1_000_000, timezone: 'UTC' }];
/** Hang bound for each test: a store that queued commands instead of failing would hit it. */
const HANG_BOUND = { timeout: 10_000 };

function stores(redis: Redis, onUnavailable: UnavailablePolicy, keyPrefix = testKeyPrefix()) {
  const errors: CounterStoreUnavailableError[] = [];
  const options = { keyPrefix, onUnavailable, onUnavailableError: (error: CounterStoreUnavailableError) => void errors.push(error) };
  return { errors, limiter: new RedisRateLimiter(redis, options), ledger: new RedisBudgetLedger(redis, options), tasks: new RedisTaskBudget(redis, options) };
}

function isUnavailableError(error: unknown): boolean {
  assert.ok(error instanceof CounterStoreUnavailableError, `expected CounterStoreUnavailableError, got ${String(error)}`);
  assert.equal(error.code, 'counter_store_unavailable');
  return true;
}

describe('Redis that does not answer (closed port)', () => {
  let redis: Redis;
  before(async () => {
    redis = createLimitsRedis(`redis://127.0.0.1:${await closedPort()}`, { connectTimeoutMs: 200 });
  });
  after(() => redis.disconnect());

  it('fail-closed: every call rejects with CounterStoreUnavailableError instead of queueing', HANG_BOUND, async () => {
    const { limiter, ledger, tasks, errors } = stores(redis, 'fail-closed');
    await assert.rejects(limiter.check([{ id: 'key:a', rpm: 10 }], 5, T0), isUnavailableError);
    await assert.rejects(ledger.reserve([{ id: 'key:a', budgets }], 5, T0), isUnavailableError);
    await assert.rejects(ledger.status('key:a', budgets, T0), isUnavailableError);
    await assert.rejects(tasks.reserveTask('trace:a', { tokens: 1, micros: 1 }, {}, 60_000, T0), isUnavailableError);
    await assert.rejects(tasks.addTaskUsage('trace:a', 1, 1, 60_000, T0), isUnavailableError);
    await assert.rejects(tasks.taskUsage('trace:a', T0), isUnavailableError);
    assert.equal(errors.length, 6, 'each failure is reported to the hook');
    assert.match(errors[0]?.message ?? '', /rate limit check/);
  });

  it('fail-open: admissions go through uncounted and flagged; settles resolve; reads still reject', HANG_BOUND, async () => {
    const { limiter, ledger, tasks, errors } = stores(redis, 'fail-open');
    const decision = await limiter.check([{ id: 'key:a', rpm: 10 }], 5, T0);
    assert.equal(decision.admitted, true);
    assert.ok(decision.admitted);
    assert.equal(decision.degraded, true);
    assert.equal(decision.handle.counted, false);
    await limiter.settleTokens(decision.handle, 10);

    const reserved = await ledger.reserve([{ id: 'key:a', budgets }], 5, T0);
    assert.ok(reserved.admitted);
    assert.equal(reserved.degraded, true);
    assert.equal(reserved.reservation.held, false);
    assert.deepEqual(await ledger.settle(reserved.reservation, 5, T0), { crossed: [] });

    const turn = await tasks.reserveTask('trace:a', { tokens: 1, micros: 1 }, { maxTokens: 10 }, 60_000, T0);
    assert.ok(turn.admitted);
    assert.equal(turn.degraded, true);
    await tasks.settleTask(turn.reservation, { tokens: 1, micros: 1 }, T0);
    await tasks.addTaskUsage('trace:a', 1, 1, 60_000, T0);
    await assert.rejects(ledger.status('key:a', budgets, T0), isUnavailableError);
    await assert.rejects(tasks.taskUsage('trace:a', T0), isUnavailableError);
    assert.equal(errors.length, 6, 'settles of uncounted admissions never reach the store, so only six calls failed');
  });

  it('defaults: rate limits fail open, budgets and task budgets fail closed', HANG_BOUND, async () => {
    const keyPrefix = testKeyPrefix();
    assert.equal((await new RedisRateLimiter(redis, { keyPrefix }).check([{ id: 'key:a', rpm: 1 }], 0, T0)).admitted, true);
    await assert.rejects(new RedisBudgetLedger(redis, { keyPrefix }).reserve([{ id: 'key:a', budgets }], 0, T0), isUnavailableError);
    await assert.rejects(new RedisTaskBudget(redis, { keyPrefix }).reserveTask('trace:a', { tokens: 0, micros: 0 }, {}, 1000, T0), isUnavailableError);
  });
});

describe('Redis going away and coming back', { skip: await redisSkipReason() }, () => {
  const target = new URL(TEST_REDIS_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
  const keyPrefix = testKeyPrefix();
  let redis: Redis;
  let direct: Redis;
  before(async () => {
    await proxy.start();
    direct = await testRedis();
    redis = createLimitsRedis(`redis://127.0.0.1:${proxy.port}`, { commandTimeoutMs: 200, connectTimeoutMs: 500, maxReconnectDelayMs: 100 });
    await waitFor('the proxied connection', () => redis.status === 'ready');
  });
  after(async () => {
    redis.disconnect();
    await proxy.stop();
    await deleteKeys(direct, keyPrefix);
    direct.disconnect();
  });

  it('fails fast while Redis is down and recovers on its own when it returns', HANG_BOUND, async () => {
    const { limiter } = stores(redis, 'fail-closed', keyPrefix);
    const scope = [{ id: 'key:recovery', rpm: 3 }];
    assert.equal((await limiter.check(scope, 0, T0)).admitted, true);
    await proxy.stop();
    await waitFor('the client to notice', () => redis.status !== 'ready');
    await assert.rejects(limiter.check(scope, 0, T0 + 1), isUnavailableError);
    await proxy.start();
    await waitFor('the client to reconnect', () => redis.status === 'ready');
    // The count from before the outage is still there: Redis kept it, nothing was lost.
    assert.equal((await limiter.check(scope, 0, T0 + 2)).admitted, true);
    const third = await limiter.check(scope, 0, T0 + 3);
    assert.ok(third.admitted);
    assert.equal(third.headers.requests?.remaining, 0);
  });

  it('times out against a hung server, then works again once it answers', HANG_BOUND, async () => {
    const { ledger } = stores(redis, 'fail-closed', keyPrefix);
    proxy.stall();
    await assert.rejects(ledger.reserve([{ id: 'key:hung', budgets }], 100, T0), isUnavailableError);
    proxy.resume();
    // The timed-out reserve reached Redis late; it holds its estimate until its TTL, never longer.
    const [status] = await ledger.status('key:hung', budgets, T0);
    assert.equal(status?.reservedMicros, 100);
    const [later] = await ledger.status('key:hung', budgets, T0 + 10 * 60_000);
    assert.equal(later?.reservedMicros, 0);
  });

  it('surfaces server errors that are not about availability, even when failing open', HANG_BOUND, async () => {
    const { limiter } = stores(redis, 'fail-open', keyPrefix);
    await direct.set(`${keyPrefix}rate:key%3Aclash:log`, 'not a sorted set');
    await assert.rejects(limiter.check([{ id: 'key:clash', rpm: 3 }], 0, T0), (error: unknown) => {
      assert.ok(!(error instanceof CounterStoreUnavailableError));
      assert.match(String(error), /WRONGTYPE/);
      return true;
    });
  });
});

describe('what counts as unavailable', () => {
  it('connection errors and transient server replies do; other server replies do not', () => {
    const reply = (message: string): Error => Object.assign(new Error(message), { name: 'ReplyError' });
    assert.equal(isUnavailability(new Error('Connection is closed.')), true);
    assert.equal(isUnavailability(new Error('Command timed out')), true);
    assert.equal(isUnavailability(reply('LOADING Redis is loading the dataset in memory')), true);
    assert.equal(isUnavailability(reply('READONLY You cannot write against a read only replica.')), true);
    assert.equal(isUnavailability(reply('WRONGTYPE Operation against a key holding the wrong kind of value')), false);
    assert.equal(isUnavailability(reply('ERR user_script:3: bad argument')), false);
    assert.equal(isUnavailability('not an error'), false);
  });
});
