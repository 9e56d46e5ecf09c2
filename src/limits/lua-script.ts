import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA1 (EVALSHA), falling back to sending its source once when the server
 * does not have it cached yet (after a restart or SCRIPT FLUSH). Each script runs atomically, which
 * is what makes check-then-count safe across gateway replicas.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Lua replies arrive as nested arrays of integers and strings; read them without `any`. */
export function replyArray(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new TypeError(`expected an array reply from a limits script, got ${typeof reply}`);
  return reply;
}

export function replyNumber(reply: unknown, index: number): number {
  const value = replyArray(reply)[index];
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw new TypeError(`expected a number at ${index} of a limits script reply`);
  return number;
}

/**
 * Reservation sets in Lua: `held` is a sorted set of reservation ids scored by expiry; each hash in
 * `amounts` maps id -> amount (one hash per dimension: micro-dollars, tokens) and keeps the live
 * total under '='. Expired entries go in batches of 500 so `unpack` stays far below Lua's stack
 * limit however many reservations a dead replica left behind.
 */
export const LUA_SWEEP_HELD = `
local function sweep_held_all(held, amounts, now)
  while true do
    local expired = redis.call('ZRANGEBYSCORE', held, '-inf', now, 'LIMIT', 0, 500)
    if #expired == 0 then break end
    redis.call('ZREM', held, unpack(expired))
    for _, hash in ipairs(amounts) do
      local values = redis.call('HMGET', hash, unpack(expired))
      local freed = 0
      for i = 1, #expired do freed = freed + (tonumber(values[i]) or 0) end
      redis.call('HDEL', hash, unpack(expired))
      -- 0 - x, not -x: Lua prints -0 as "-0", which HINCRBY rejects.
      if freed ~= 0 then redis.call('HINCRBY', hash, '=', 0 - freed) end
    end
  end
  local totals = {}
  for i, hash in ipairs(amounts) do totals[i] = tonumber(redis.call('HGET', hash, '=') or '0') end
  return totals
end

local function sweep_held(held, amounts, now)
  return sweep_held_all(held, { amounts }, now)[1]
end

local function drop_held_all(held, amounts, id)
  if redis.call('ZREM', held, id) == 1 then
    for _, hash in ipairs(amounts) do
      local amount = tonumber(redis.call('HGET', hash, id) or '0')
      redis.call('HDEL', hash, id)
      if amount ~= 0 then redis.call('HINCRBY', hash, '=', 0 - amount) end
    end
  end
end

local function drop_held(held, amounts, id)
  drop_held_all(held, { amounts }, id)
end
`;
