/**
 * The shared budget ledger. Per scope, Redis holds the reservations in flight (a sorted set of
 * ids by expiry and a hash of id -> micro-dollars with their total under '=') and one hash per
 * budget window (`spent`, plus a `crossed:<fraction>` flag per threshold already reported). Every
 * call is one Lua script: the check and the reserve, or the spend and the threshold flags, happen
 * atomically across replicas, and expired reservations are swept inside the same script.
 *
 * Durability: a window's spend is kept until `windowRetentionMs` after the window ends (`total`
 * never expires), so it survives as long as Redis keeps its data (configure AOF or RDB
 * persistence on that server); reservations are kept only while they can still matter.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  type Budget,
  type BudgetDecision,
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
import { crossing, exceeded, planBudget, type PlannedScope, planScopes, SingleUse, validateBudgets, validateBudgetScopes, validateMicros } from './budget-plan.js';
import { keyPart } from './keys.js';
import { LUA_SWEEP_HELD, LuaScript, replyArray, replyNumber } from './lua-script.js';
import { type AvailabilityOptions, underPolicy } from './store-unavailable.js';

/**
 * KEYS: per scope, held, amounts, then its budgets' window hashes. ARGV: now, id, expires at,
 * estimate, held ttl, scope count, then per scope its budget count and each budget's limit.
 * Reply: {0} when reserved, else {scope index, budget index (1-based), spent, reserved}. The rule is
 * budget-plan.ts `wouldExceed`.
 */
const RESERVE = new LuaScript(`${LUA_SWEEP_HELD}
local now, id, expires_at, estimate, held_ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local scopes = tonumber(ARGV[6])
local k, a = 1, 7
for s = 1, scopes do
  local reserved = sweep_held(KEYS[k], KEYS[k + 1], now)
  k = k + 2
  local budgets = tonumber(ARGV[a])
  a = a + 1
  for b = 1, budgets do
    local limit = tonumber(ARGV[a])
    local spent = tonumber(redis.call('HGET', KEYS[k], 'spent') or '0')
    if spent >= limit or spent + reserved + estimate > limit then return { s, b, spent, reserved } end
    k, a = k + 1, a + 1
  end
end
k, a = 1, 7
for s = 1, scopes do
  local held, amounts = KEYS[k], KEYS[k + 1]
  redis.call('ZADD', held, expires_at, id)
  redis.call('HSET', amounts, id, estimate)
  if estimate ~= 0 then redis.call('HINCRBY', amounts, '=', estimate) end
  redis.call('PEXPIRE', held, held_ttl)
  redis.call('PEXPIRE', amounts, held_ttl)
  local budgets = tonumber(ARGV[a])
  k, a = k + 2 + budgets, a + 1 + budgets
end
return { 0 }
`);

/**
 * KEYS as RESERVE. ARGV: id, actual, scope count, then per scope its budget count and per budget:
 * window ttl (-1 = keep forever), threshold count, then per threshold its micros and flag.
 * Reply: flat groups of {scope index, budget index, threshold index (1-based), spent after}.
 */
const SETTLE = new LuaScript(`${LUA_SWEEP_HELD}
local id, actual = ARGV[1], tonumber(ARGV[2])
local scopes = tonumber(ARGV[3])
local k, a = 1, 4
local crossed = {}
for s = 1, scopes do
  drop_held(KEYS[k], KEYS[k + 1], id)
  k = k + 2
  local budgets = tonumber(ARGV[a])
  a = a + 1
  for b = 1, budgets do
    local window = KEYS[k]
    local ttl, thresholds = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
    a = a + 2
    local spent = redis.call('HINCRBY', window, 'spent', actual)
    if ttl >= 0 then redis.call('PEXPIRE', window, ttl) end
    for t = 1, thresholds do
      local micros, flag = tonumber(ARGV[a]), ARGV[a + 1]
      a = a + 2
      if spent >= micros and redis.call('HSETNX', window, flag, 1) == 1 then
        table.insert(crossed, s)
        table.insert(crossed, b)
        table.insert(crossed, t)
        table.insert(crossed, spent)
      end
    end
    k = k + 1
  end
end
return crossed
`);

/** KEYS: held and amounts per scope. ARGV: id. */
const RELEASE = new LuaScript(`${LUA_SWEEP_HELD}
for s = 1, #KEYS / 2 do drop_held(KEYS[2 * s - 1], KEYS[2 * s], ARGV[1]) end
return 0
`);

/** KEYS: held, amounts, then window hashes. ARGV: now. Reply: {reserved, spent per window}. */
const STATUS = new LuaScript(`${LUA_SWEEP_HELD}
local reply = { sweep_held(KEYS[1], KEYS[2], tonumber(ARGV[1])) }
for w = 3, #KEYS do table.insert(reply, tonumber(redis.call('HGET', KEYS[w], 'spent') or '0')) end
return reply
`);

export interface RedisBudgetLedgerOptions extends BudgetLedgerOptions, Partial<AvailabilityOptions> {
  /** Prepended to every key (default `switchyard:`). */
  keyPrefix?: string;
}

export class RedisBudgetLedger implements BudgetLedger {
  private readonly keyPrefix: string;
  private readonly reservationTtlMs: number;
  private readonly windowRetentionMs: number;
  /** Fail-closed by default: a budget exists to stop spend, and an outage must not lift it. */
  private readonly availability: AvailabilityOptions;
  private readonly finished = new SingleUse();

  constructor(
    private readonly redis: Redis,
    options: RedisBudgetLedgerOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'switchyard:';
    this.reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    this.windowRetentionMs = options.windowRetentionMs ?? DEFAULT_WINDOW_RETENTION_MS;
    this.availability = { onUnavailable: options.onUnavailable ?? 'fail-closed', onUnavailableError: options.onUnavailableError };
  }

  async reserve(scopes: readonly BudgetScope[], estimateMicros: number, now = Date.now()): Promise<BudgetDecision> {
    validateBudgetScopes(scopes, estimateMicros);
    const planned = planScopes(scopes, now);
    const id = randomUUID();
    const expiresAt = now + this.reservationTtlMs;
    const args: (string | number)[] = [now, id, expiresAt, estimateMicros, this.reservationTtlMs + 60_000, planned.length];
    for (const scope of planned) args.push(scope.budgets.length, ...scope.budgets.map((budget) => budget.budget.limitMicros));
    const reservation = (held: boolean): BudgetReservation => ({ id, scopes, estimateMicros, expiresAt, held });
    return underPolicy(
      this.availability,
      'budget reserve',
      async () => {
        const reply = await RESERVE.run(this.redis, this.keysOf(planned), args);
        const scopeIndex = replyNumber(reply, 0);
        if (scopeIndex === 0) return { admitted: true, reservation: reservation(true) };
        const scope = planned[scopeIndex - 1];
        const budget = scope?.budgets[replyNumber(reply, 1) - 1];
        if (scope === undefined || budget === undefined) throw new TypeError('budget reserve script named a budget that was not asked about');
        return { admitted: false, exceeded: exceeded(scope.id, budget, replyNumber(reply, 2), replyNumber(reply, 3)) };
      },
      () => ({ admitted: true, reservation: reservation(false), degraded: true }),
    );
  }

  async settle(reservation: BudgetReservation, actualMicros: number, now = Date.now()): Promise<BudgetSettlement> {
    validateMicros(actualMicros, 'actual cost');
    if (!reservation.held || !this.finished.claim(reservation)) return { crossed: [] };
    const planned = planScopes(reservation.scopes, now);
    const args: (string | number)[] = [reservation.id, actualMicros, planned.length];
    for (const scope of planned) {
      args.push(scope.budgets.length);
      for (const budget of scope.budgets) {
        const ttl = budget.window.end === null ? -1 : budget.window.end - now + this.windowRetentionMs;
        args.push(ttl, budget.thresholds.length, ...budget.thresholds.flatMap((threshold) => [threshold.micros, threshold.flag]));
      }
    }
    return underPolicy(
      this.availability,
      'budget settle',
      async () => {
        const reply = replyArray(await SETTLE.run(this.redis, this.keysOf(planned), args));
        const crossed: ThresholdCrossing[] = [];
        for (let index = 0; index < reply.length; index += 4) {
          const scope = planned[replyNumber(reply, index) - 1];
          const budget = scope?.budgets[replyNumber(reply, index + 1) - 1];
          const threshold = budget?.thresholds[replyNumber(reply, index + 2) - 1];
          if (scope === undefined || budget === undefined || threshold === undefined) throw new TypeError('budget settle script named a threshold that was not asked about');
          crossed.push(crossing(scope.id, budget, threshold, replyNumber(reply, index + 3)));
        }
        return { crossed };
      },
      () => ({ crossed: [], degraded: true }),
    );
  }

  async release(reservation: BudgetReservation): Promise<void> {
    if (!reservation.held || !this.finished.claim(reservation)) return;
    const keys = reservation.scopes.flatMap((scope) => this.heldKeys(scope.id));
    await underPolicy(this.availability, 'budget release', async () => void (await RELEASE.run(this.redis, keys, [reservation.id])), () => undefined);
  }

  async status(scopeId: string, budgets: readonly Budget[], now = Date.now()): Promise<BudgetStatus[]> {
    validateBudgets(budgets);
    const planned = budgets.map((budget) => planBudget(budget, now));
    const keys = [...this.heldKeys(scopeId), ...planned.map((budget) => this.windowKey(scopeId, budget.windowId))];
    const reply = await underPolicy(this.availability, 'budget status', async () => STATUS.run(this.redis, keys, [now]));
    const reserved = replyNumber(reply, 0);
    return planned.map((budget, index) => ({
      period: budget.budget.period,
      timezone: budget.budget.timezone,
      limitMicros: budget.budget.limitMicros,
      spentMicros: replyNumber(reply, index + 1),
      reservedMicros: reserved,
      windowStart: budget.window.start,
      resetsAt: budget.window.end,
    }));
  }

  private keysOf(planned: readonly PlannedScope[]): string[] {
    return planned.flatMap((scope) => [...this.heldKeys(scope.id), ...scope.budgets.map((budget) => this.windowKey(scope.id, budget.windowId))]);
  }

  private heldKeys(scopeId: string): [string, string] {
    const base = `${this.keyPrefix}budget:${keyPart(scopeId)}`;
    return [`${base}:held`, `${base}:held-amounts`];
  }

  private windowKey(scopeId: string, windowId: string): string {
    return `${this.keyPrefix}budget:${keyPart(scopeId)}:window:${windowId}`;
  }
}
