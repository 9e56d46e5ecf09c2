/**
 * The shared rate limiter: the sliding log of rate-limiter.ts kept in Redis, one sorted set of
 * request ids by time plus one hash of id -> tokens per scope, checked and counted by one Lua
 * script so replicas never interleave between the check and the count.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keyPart } from './keys.js';
import { LUA_SWEEP_HELD, LuaScript, replyNumber } from './lua-script.js';
import { type ScopeUsage, type StoreOutcome, toDecision, uncountedAdmission, validateScopes } from './rate-limit-decision.js';
import {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_RATE_WINDOW_MS,
  RETRY_WALK_LIMIT,
  type RateLimitDecision,
  type RateLimitHandle,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitScope,
} from './rate-limiter.js';
import { type AvailabilityOptions, underPolicy } from './store-unavailable.js';

/**
 * KEYS: per scope, its log (zset id -> time) and amounts (hash id -> tokens, '=' -> total,
 * '^' -> latest time seen). ARGV: now, window, max skew, id, estimate, key ttl, walk limit, then
 * rpm and tpm per scope (-1 = none). Reply: refused scope index (-1 = admitted), limit (1 rpm,
 * 2 tpm), retry after, too large (0/1), counted-at time, then requests, tokens and oldest time
 * (-1 = none) per scope. Mirrors MemoryRateLimiter.check line for line.
 */
const CHECK = new LuaScript(`${LUA_SWEEP_HELD}
local now, window, skew = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local id, estimate, keep, walk = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local scopes = #KEYS / 2

local at = now
local latest = {}
for i = 1, scopes do
  latest[i] = tonumber(redis.call('HGET', KEYS[2 * i], '^') or '-1')
  if latest[i] > at and latest[i] - now <= skew then at = latest[i] end
end

local refused, limit, retry, too_large = -1, 0, 0, 0
for i = 1, scopes do
  local log, amounts = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('HSET', amounts, '^', math.max(latest[i], at))
  sweep_held(log, amounts, at - window)
  if refused < 0 then
    local rpm, tpm = tonumber(ARGV[6 + 2 * i]), tonumber(ARGV[7 + 2 * i])
    local requests = redis.call('ZCARD', log)
    local tokens = tonumber(redis.call('HGET', amounts, '=') or '0')
    if rpm >= 0 and requests + 1 > rpm then
      refused, limit, retry = i - 1, 1, window
      if rpm > 0 then
        local freeing = redis.call('ZRANGE', log, requests - rpm, requests - rpm, 'WITHSCORES')
        retry = tonumber(freeing[2]) + window - at
      end
    elseif tpm >= 0 and tokens + estimate > tpm then
      refused, limit, retry = i - 1, 2, window
      if estimate > tpm then
        too_large = 1
      else
        local excess = tokens + estimate - tpm
        local oldest = redis.call('ZRANGE', log, 0, walk - 1, 'WITHSCORES')
        local freed = 0
        for j = 1, #oldest, 2 do
          freed = freed + (tonumber(redis.call('HGET', amounts, oldest[j])) or 0)
          retry = tonumber(oldest[j + 1]) + window - at
          if freed >= excess then break end
        end
      end
    end
  end
end

local reply = { refused, limit, retry, too_large, at }
for i = 1, scopes do
  local log, amounts = KEYS[2 * i - 1], KEYS[2 * i]
  if refused < 0 then
    redis.call('ZADD', log, at, id)
    redis.call('HSET', amounts, id, estimate)
    redis.call('HINCRBY', amounts, '=', estimate)
  end
  redis.call('PEXPIRE', log, keep)
  redis.call('PEXPIRE', amounts, keep)
  local first = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
  table.insert(reply, redis.call('ZCARD', log))
  table.insert(reply, tonumber(redis.call('HGET', amounts, '=') or '0'))
  table.insert(reply, tonumber(first[2] or '-1'))
end
return reply
`);

/** KEYS: log and amounts per scope. ARGV: id, actual tokens. */
const SETTLE = new LuaScript(`
for i = 1, #KEYS / 2 do
  local amounts = KEYS[2 * i]
  local old = redis.call('HGET', amounts, ARGV[1])
  if old then
    redis.call('HSET', amounts, ARGV[1], ARGV[2])
    redis.call('HINCRBY', amounts, '=', tonumber(ARGV[2]) - tonumber(old))
  end
end
return 0
`);

export interface RedisRateLimiterOptions extends RateLimiterOptions, Partial<AvailabilityOptions> {
  /** Prepended to every key (default `switchyard:`); lets replicas of one deployment share counters. */
  keyPrefix?: string;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly windowMs: number;
  private readonly maxClockSkewMs: number;
  private readonly keyPrefix: string;
  /**
   * Fail-open by default: rate limits protect capacity, and a short Redis outage should not take
   * every request down with it. Budgets, which protect money, default to fail-closed.
   */
  private readonly availability: AvailabilityOptions;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterOptions = {},
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_RATE_WINDOW_MS;
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    this.keyPrefix = options.keyPrefix ?? 'switchyard:';
    this.availability = { onUnavailable: options.onUnavailable ?? 'fail-open', onUnavailableError: options.onUnavailableError };
  }

  async check(scopes: readonly RateLimitScope[], estimatedTokens: number, now = Date.now()): Promise<RateLimitDecision> {
    validateScopes(scopes, estimatedTokens);
    const id = randomUUID();
    const args: (string | number)[] = [now, this.windowMs, this.maxClockSkewMs, id, estimatedTokens, this.keyTtlMs(), RETRY_WALK_LIMIT];
    for (const scope of scopes) args.push(scope.rpm ?? -1, scope.tpm ?? -1);
    return underPolicy(
      this.availability,
      'rate limit check',
      async () => toDecision(scopes, estimatedTokens, id, parseOutcome(await CHECK.run(this.redis, this.keysOf(scopes.map((scope) => scope.id)), args), scopes.length), this.windowMs),
      () => uncountedAdmission(scopes, estimatedTokens, id, now),
    );
  }

  async settleTokens(handle: RateLimitHandle, actualTokens: number): Promise<void> {
    if (!handle.counted) return;
    const tokens = Math.max(0, Math.round(actualTokens));
    await underPolicy(this.availability, 'rate limit settle', async () => void (await SETTLE.run(this.redis, this.keysOf(handle.scopeIds), [handle.id, tokens])), () => undefined);
  }

  private keysOf(scopeIds: readonly string[]): string[] {
    return scopeIds.flatMap((id) => [`${this.keyPrefix}rate:${keyPart(id)}:log`, `${this.keyPrefix}rate:${keyPart(id)}:amounts`]);
  }

  /** Idle scopes vanish a minute after their last request has left the window. */
  private keyTtlMs(): number {
    return this.windowMs + this.maxClockSkewMs + 60_000;
  }
}

function parseOutcome(reply: unknown, scopeCount: number): StoreOutcome {
  const usage: ScopeUsage[] = [];
  for (let index = 0; index < scopeCount; index += 1) {
    const base = 5 + index * 3;
    const oldest = replyNumber(reply, base + 2);
    usage.push({ requests: replyNumber(reply, base), tokens: replyNumber(reply, base + 1), oldestAt: oldest < 0 ? null : oldest });
  }
  return {
    refusedIndex: replyNumber(reply, 0),
    refusedLimit: replyNumber(reply, 1) === 2 ? 'tpm' : 'rpm',
    retryAfterMs: replyNumber(reply, 2),
    requestTooLarge: replyNumber(reply, 3) === 1,
    at: replyNumber(reply, 4),
    usage,
  };
}
