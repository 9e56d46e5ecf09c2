/**
 * A gateway replica in miniature, for the multi-process tests. Connects to Redis, prints `ready`,
 * waits for a line on stdin, then:
 *
 * - `hammer <scope> <rpm> <windowMs> <durationMs> <concurrency>`: checks the one scope from
 *   <concurrency> loops with the real clock until <durationMs> has passed, then prints one JSON
 *   line `{ "admitted": [times counted at], "refused": n }` and exits.
 * - `reserve <scope> <estimateMicros> <now>`: reserves against a $1 daily budget at store time
 *   <now>, prints `reserved`, and waits to be killed.
 *
 * Usage: node limits-child.js <redis url> <key prefix> <command> [args…]
 */
import { createInterface } from 'node:readline';
import { RedisBudgetLedger } from '../redis-budget-ledger.js';
import { createLimitsRedis, waitForRedis } from '../redis-client.js';
import { RedisRateLimiter } from '../redis-rate-limiter.js';

const [url, keyPrefix, command, ...args] = process.argv.slice(2);
if (url === undefined || keyPrefix === undefined) throw new Error('usage: limits-child <redis url> <key prefix> <command> [args…]');
const redis = createLimitsRedis(url, { commandTimeoutMs: 5000 });
await waitForRedis(redis, 10_000);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

if (command === 'hammer') {
  const [scopeId = '', rpm, windowMs, durationMs, concurrency] = args.map((arg, index) => (index === 0 ? arg : Number(arg))) as [string, number, number, number, number];
  const limiter = new RedisRateLimiter(redis, { keyPrefix, windowMs, onUnavailable: 'fail-closed' });
  const admitted: number[] = [];
  let refused = 0;
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const decision = await limiter.check([{ id: scopeId, rpm }], 0, Date.now());
        if (decision.admitted) admitted.push(decision.at);
        else refused += 1;
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ admitted, refused })}\n`);
  redis.disconnect();
} else if (command === 'reserve') {
  const [scopeId = '', estimate, now] = [args[0], Number(args[1]), Number(args[2])];
  const ledger = new RedisBudgetLedger(redis, { keyPrefix, reservationTtlMs: 60_000 });
  const decision = await ledger.reserve([{ id: scopeId, budgets: [{ period: 'day', limitMicros: 1_000_000, timezone: 'UTC' }] }], estimate, now);
  process.stdout.write(decision.admitted ? 'reserved\n' : 'refused\n');
  setInterval(() => undefined, 60_000);
} else {
  throw new Error(`unknown command ${command}`);
}
