import { strict as assert } from 'node:assert';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { Budget } from './budget-ledger.js';
import { RedisBudgetLedger } from './redis-budget-ledger.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisTaskBudget } from './redis-task-budget.js';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix, testRedis } from './testing/redis.js';

const T0 = Date.UTC(2025, 5, 4, 12);
const CLIENTS = 8;

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** The child script beside this file: compiled .js, or .ts through tsx when run from source. */
function childCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const extension = here.endsWith('.ts') ? '.ts' : '.js';
  const script = fileURLToPath(new URL(`./testing/limits-child${extension}`, import.meta.url));
  return extension === '.ts' ? ['--import', 'tsx', script] : [script];
}

interface Child {
  process: ChildProcessByStdio<Writable, Readable, null>;
  lines: string[];
  /** Resolves when the child has printed `count` lines. */
  waitForLines(count: number): Promise<void>;
}

function startChild(keyPrefix: string, args: string[]): Child {
  const child = spawn(process.execPath, [...childCommand(), TEST_REDIS_URL, keyPrefix, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const waiter of waiters.filter((candidate) => lines.length >= candidate.count)) waiter.resolve();
  });
  return {
    process: child,
    lines,
    waitForLines: (count) =>
      new Promise<void>((resolve, reject) => {
        if (lines.length >= count) return resolve();
        waiters.push({ count, resolve });
        child.once('exit', (code) => (lines.length >= count ? resolve() : reject(new Error(`child exited (${code}) after ${lines.length} lines: ${lines.join(' | ')}`))));
      }),
  };
}

describe('counters under concurrency (real Redis, separate connections)', { skip: await redisSkipReason() }, () => {
  const keyPrefix = testKeyPrefix();
  const clients: Redis[] = [];
  before(async () => {
    for (let index = 0; index < CLIENTS; index += 1) clients.push(await testRedis());
  });
  after(async () => {
    const [first] = clients;
    if (first !== undefined) await deleteKeys(first, keyPrefix);
    for (const client of clients) client.disconnect();
  });

  it(`admits exactly the rpm limit when ${CLIENTS} clients hammer one scope in one window`, async () => {
    const limit = 250;
    const limiters = clients.map((redis) => new RedisRateLimiter(redis, { keyPrefix, onUnavailable: 'fail-closed' }));
    const scope = [{ id: 'key:hammered', rpm: limit }];
    // 8 clients × 25 in flight × 4 rounds = 800 attempts spread over 40 s of one window.
    const outcomes = await Promise.all(
      limiters.flatMap((limiter, client) =>
        Array.from({ length: 25 }, async (_, lane) => {
          let admitted = 0;
          for (let round = 0; round < 4; round += 1) {
            if ((await limiter.check(scope, 0, T0 + (round * 25 + lane) * 100 + client)).admitted) admitted += 1;
          }
          return admitted;
        }),
      ),
    );
    assert.equal(outcomes.reduce((sum, count) => sum + count, 0), limit);
  });

  it('admits exactly as many token reservations as fit the tpm', async () => {
    const limiters = clients.map((redis) => new RedisRateLimiter(redis, { keyPrefix, onUnavailable: 'fail-closed' }));
    const scope = [{ id: 'key:tokens', tpm: 10_000 }];
    const decisions = await Promise.all(Array.from({ length: 400 }, (_, index) => limiters[index % CLIENTS]?.check(scope, 70, T0 + index)));
    const admitted = decisions.filter((decision) => decision?.admitted).length;
    assert.equal(admitted, Math.floor(10_000 / 70));
  });

  for (const [name, overshoot] of [['actual equals estimate', false], ['actual up to twice the estimate', true]] as const) {
    it(`never lets spend pass the limit by more than actual costs exceeded estimates (${name})`, async () => {
      const limit = 5_000_000;
      const budgets: Budget[] = [{ period: 'day', limitMicros: limit, timezone: 'UTC' }];
      const scopeId = `team:hammered:${name}`;
      const ledgers = clients.map((redis) => new RedisBudgetLedger(redis, { keyPrefix }));
      let excess = 0;
      let maxEstimate = 0;
      await Promise.all(
        ledgers.flatMap((ledger, client) =>
          Array.from({ length: 10 }, async (_, lane) => {
            const next = random(client * 100 + lane + 1);
            // Each lane keeps spending until the ledger refuses it.
            for (let step = 0; ; step += 1) {
              const estimate = 10_000 + Math.floor(next() * 90_000);
              maxEstimate = Math.max(maxEstimate, estimate);
              const decision = await ledger.reserve([{ id: scopeId, budgets }], estimate, T0 + step);
              if (!decision.admitted) {
                assert.ok(decision.exceeded.spentMicros + decision.exceeded.reservedMicros + estimate > limit, 'refused only when it would not fit');
                return;
              }
              const actual = overshoot ? Math.floor(next() * 2 * estimate) : estimate;
              excess += Math.max(0, actual - estimate);
              await ledger.settle(decision.reservation, actual, T0 + step);
            }
          }),
        ),
      );
      const [status] = await ledgers[0]!.status(scopeId, budgets, T0);
      assert.equal(status?.reservedMicros, 0, 'every reservation was settled');
      assert.ok((status?.spentMicros ?? 0) <= limit + excess, `spent ${status?.spentMicros} <= ${limit} + ${excess}`);
      if (!overshoot) assert.ok((status?.spentMicros ?? 0) > limit - maxEstimate, `spent ${status?.spentMicros} leaves less than one estimate unused`);
    });
  }

  it('never lets concurrent turns of one task jointly pass its token cap', async () => {
    const taskBudgets = clients.map((redis) => new RedisTaskBudget(redis, { keyPrefix }));
    const traceId = 'trace:hammered';
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const tasks = taskBudgets[index % CLIENTS]!;
        const decision = await tasks.reserveTask(traceId, { tokens: 300, micros: 30 }, { maxTokens: 20_000 }, 60_000, T0);
        if (!decision.admitted) return 0;
        await tasks.settleTask(decision.reservation, { tokens: 300, micros: 30 }, T0);
        return 1;
      }),
    );
    const usage = await taskBudgets[0]!.taskUsage(traceId, T0);
    assert.ok(usage.tokens <= 20_000);
    assert.equal(usage.tokens, outcomes.reduce((sum, count) => sum + count, 0 as number) * 300);
  });
});

describe('gateway replicas as separate processes (real Redis)', { skip: await redisSkipReason() }, () => {
  const keyPrefix = testKeyPrefix();
  let redis: Redis;
  before(async () => {
    redis = await testRedis();
  });
  after(async () => {
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  });

  it('3 processes sharing one limit never admit more than it in any window', { timeout: 60_000 }, async (t) => {
    const limit = 100;
    const windowMs = 500;
    const children = [0, 1, 2].map(() => startChild(keyPrefix, ['hammer', 'key:shared', String(limit), String(windowMs), '2000', '8']));
    try {
      await Promise.all(children.map((child) => child.waitForLines(1)));
      for (const child of children) child.process.stdin.write('go\n');
      await Promise.all(children.map((child) => child.waitForLines(2)));
    } finally {
      for (const child of children) child.process.kill();
    }
    const results = children.map((child) => JSON.parse(child.lines[1] ?? '{}') as { admitted: number[]; refused: number });
    const admitted = results.flatMap((result) => result.admitted).sort((a, b) => a - b);
    assert.ok(results.every((result) => result.admitted.length > 0 && result.refused > 0), 'every process was admitted and refused some');
    // Exact sliding-window check: for each admission, the admissions in the window ending there.
    let worst = 0;
    let start = 0;
    for (let end = 0; end < admitted.length; end += 1) {
      while ((admitted[start] ?? 0) <= (admitted[end] ?? 0) - windowMs) start += 1;
      worst = Math.max(worst, end - start + 1);
    }
    t.diagnostic(`${admitted.length} admitted, ${results.reduce((sum, result) => sum + result.refused, 0)} refused, busiest ${windowMs} ms window ${worst}/${limit}`);
    assert.equal(worst, limit, `the busiest window held ${worst} admissions for a limit of ${limit}`);
  });

  it('a replica killed with -9 mid-request frees its reservation once the reservation expires', { timeout: 30_000 }, async () => {
    const child = startChild(keyPrefix, ['reserve', 'key:killed', '400000', String(T0)]);
    await child.waitForLines(1);
    child.process.stdin.write('go\n');
    await child.waitForLines(2);
    assert.equal(child.lines[1], 'reserved');
    child.process.kill('SIGKILL');
    const ledger = new RedisBudgetLedger(redis, { keyPrefix, reservationTtlMs: 60_000 });
    const budgets: Budget[] = [{ period: 'day', limitMicros: 1_000_000, timezone: 'UTC' }];
    assert.equal((await ledger.status('key:killed', budgets, T0 + 59_999))[0]?.reservedMicros, 400_000, 'held until its TTL');
    assert.equal((await ledger.reserve([{ id: 'key:killed', budgets }], 700_000, T0 + 59_999)).admitted, false);
    assert.equal((await ledger.reserve([{ id: 'key:killed', budgets }], 700_000, T0 + 60_000)).admitted, true, 'freed at its TTL');
  });
});
