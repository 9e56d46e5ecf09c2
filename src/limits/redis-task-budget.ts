/**
 * Shared task budgets. Per trace, Redis holds a hash (`tokens`, `micros`, `expires`: the task's
 * idle deadline in store time), the turns in flight as a sorted set by expiry, and their reserved
 * tokens and micro-dollars as two hashes. Each call is one Lua script.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SingleUse } from './budget-plan.js';
import { DEFAULT_RESERVATION_TTL_MS } from './budget-ledger.js';
import { keyPart } from './keys.js';
import { LUA_SWEEP_HELD, LuaScript, replyNumber } from './lua-script.js';
import { type AvailabilityOptions, underPolicy } from './store-unavailable.js';
import {
  type TaskAmount,
  type TaskBudget,
  type TaskBudgetOptions,
  type TaskDecision,
  type TaskLimits,
  type TaskReservation,
  type TaskUsage,
  taskCapExceeded,
  validateTaskAmount,
  validateTaskCall,
} from './task-budget.js';

/**
 * Shared prelude. KEYS: task hash, held set, held tokens, held micros. A task idle past its
 * deadline is forgotten, reservations and all, before anything else happens.
 */
const PRELUDE = `${LUA_SWEEP_HELD}
local now = tonumber(ARGV[1])
local task, held = KEYS[1], KEYS[2]
local amounts = { KEYS[3], KEYS[4] }
local deadline = tonumber(redis.call('HGET', task, 'expires') or '-1')
if deadline >= 0 and deadline <= now then redis.call('DEL', task, held, KEYS[3], KEYS[4]) end

local function usage()
  local reserved = sweep_held_all(held, amounts, now)
  return { tonumber(redis.call('HGET', task, 'tokens') or '0'), tonumber(redis.call('HGET', task, 'micros') or '0'), reserved[1], reserved[2] }
end

local function touch(ttl, key_ttl)
  redis.call('HSET', task, 'expires', now + ttl)
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, key_ttl) end
end
`;

/** ARGV: now, ttl, key ttl. Reply: the four usage figures. */
const USAGE = new LuaScript(`${PRELUDE}
return usage()
`);

/**
 * ARGV: now, ttl, key ttl, id, reservation expiry, tokens, micros, max tokens, max micros (-1 =
 * none). Reply: {0} when reserved, else {1 tokens | 2 micros, then the four usage figures}. The rule
 * is task-budget.ts `taskCapExceeded`.
 */
const RESERVE = new LuaScript(`${PRELUDE}
local id, expires_at = ARGV[4], tonumber(ARGV[5])
local tokens, micros, max_tokens, max_micros = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local u = usage()
local refused = 0
if max_tokens >= 0 and (u[1] >= max_tokens or u[1] + u[3] + tokens > max_tokens) then refused = 1
elseif max_micros >= 0 and (u[2] >= max_micros or u[2] + u[4] + micros > max_micros) then refused = 2 end
if refused == 0 then
  redis.call('ZADD', held, expires_at, id)
  redis.call('HSET', KEYS[3], id, tokens)
  redis.call('HSET', KEYS[4], id, micros)
  redis.call('HINCRBY', KEYS[3], '=', tokens)
  redis.call('HINCRBY', KEYS[4], '=', micros)
end
-- A refused turn is activity too: the task stays alive either way.
touch(tonumber(ARGV[2]), tonumber(ARGV[3]))
if refused ~= 0 then return { refused, u[1], u[2], u[3], u[4] } end
return { 0 }
`);

/** ARGV: now, ttl, key ttl, id ('' for none), tokens, micros. Frees the reservation and adds usage. */
const ADD = new LuaScript(`${PRELUDE}
if ARGV[4] ~= '' then drop_held_all(held, amounts, ARGV[4]) end
redis.call('HINCRBY', task, 'tokens', ARGV[5])
redis.call('HINCRBY', task, 'micros', ARGV[6])
touch(tonumber(ARGV[2]), tonumber(ARGV[3]))
return 0
`);

/** ARGV: now, id. */
const RELEASE = new LuaScript(`${PRELUDE}
drop_held_all(held, amounts, ARGV[2])
return 0
`);

export interface RedisTaskBudgetOptions extends TaskBudgetOptions, Partial<AvailabilityOptions> {
  /** Prepended to every key (default `switchyard:`). */
  keyPrefix?: string;
}

export class RedisTaskBudget implements TaskBudget {
  private readonly keyPrefix: string;
  private readonly reservationTtlMs: number;
  /** Fail-closed by default, like spend budgets: task caps exist to stop runaway spend. */
  private readonly availability: AvailabilityOptions;
  private readonly finished = new SingleUse();

  constructor(
    private readonly redis: Redis,
    options: RedisTaskBudgetOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'switchyard:';
    this.reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    this.availability = { onUnavailable: options.onUnavailable ?? 'fail-closed', onUnavailableError: options.onUnavailableError };
  }

  async reserveTask(traceId: string, estimate: TaskAmount, limits: TaskLimits, ttlMs: number, now = Date.now()): Promise<TaskDecision> {
    validateTaskAmount(estimate, 'estimate');
    validateTaskCall(limits, ttlMs);
    const id = randomUUID();
    const expiresAt = now + this.reservationTtlMs;
    const args = [now, ttlMs, this.keyTtl(ttlMs), id, expiresAt, estimate.tokens, estimate.micros, limits.maxTokens ?? -1, limits.maxMicros ?? -1];
    const reservation = (held: boolean): TaskReservation => ({ id, traceId, estimate, expiresAt, ttlMs, held });
    return underPolicy(
      this.availability,
      'task reserve',
      async () => {
        const reply = await RESERVE.run(this.redis, this.keysOf(traceId), args);
        if (replyNumber(reply, 0) === 0) return { admitted: true, reservation: reservation(true) };
        const usage = parseUsage(reply, 1);
        // The script applied the same rule; recompute only to name the cap and its limit.
        const over = taskCapExceeded(usage, estimate, limits) ?? { exceeded: replyNumber(reply, 0) === 1 ? 'tokens' : 'micros', limit: 0 };
        return { admitted: false, ...over, usage };
      },
      () => ({ admitted: true, reservation: reservation(false), degraded: true }),
    );
  }

  async settleTask(reservation: TaskReservation, actual: TaskAmount, now = Date.now()): Promise<void> {
    validateTaskAmount(actual, 'actual');
    if (!reservation.held || !this.finished.claim(reservation)) return;
    const args = [now, reservation.ttlMs, this.keyTtl(reservation.ttlMs), reservation.id, actual.tokens, actual.micros];
    await underPolicy(this.availability, 'task settle', async () => void (await ADD.run(this.redis, this.keysOf(reservation.traceId), args)), () => undefined);
  }

  async releaseTask(reservation: TaskReservation, now = Date.now()): Promise<void> {
    if (!reservation.held || !this.finished.claim(reservation)) return;
    await underPolicy(this.availability, 'task release', async () => void (await RELEASE.run(this.redis, this.keysOf(reservation.traceId), [now, reservation.id])), () => undefined);
  }

  async addTaskUsage(traceId: string, tokens: number, micros: number, ttlMs: number, now = Date.now()): Promise<void> {
    validateTaskAmount({ tokens, micros }, 'usage');
    validateTaskCall({}, ttlMs);
    const args = [now, ttlMs, this.keyTtl(ttlMs), '', tokens, micros];
    await underPolicy(this.availability, 'task usage add', async () => void (await ADD.run(this.redis, this.keysOf(traceId), args)), () => undefined);
  }

  async taskUsage(traceId: string, now = Date.now()): Promise<TaskUsage> {
    return parseUsage(await underPolicy(this.availability, 'task usage read', async () => USAGE.run(this.redis, this.keysOf(traceId), [now])), 0);
  }

  private keysOf(traceId: string): string[] {
    const base = `${this.keyPrefix}task:${keyPart(traceId)}`;
    return [base, `${base}:held`, `${base}:held-tokens`, `${base}:held-micros`];
  }

  /** Keys outlive the task's idle deadline and any reservation in it, then vanish on their own. */
  private keyTtl(ttlMs: number): number {
    return Math.max(ttlMs, this.reservationTtlMs) + 60_000;
  }
}

function parseUsage(reply: unknown, offset: number): TaskUsage {
  return {
    tokens: replyNumber(reply, offset),
    micros: replyNumber(reply, offset + 1),
    reservedTokens: replyNumber(reply, offset + 2),
    reservedMicros: replyNumber(reply, offset + 3),
  };
}
