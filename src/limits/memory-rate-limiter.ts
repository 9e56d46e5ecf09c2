/** The in-process rate limiter: one gateway process, no Redis. Same sliding log as the Redis store. */
import { randomUUID } from 'node:crypto';
import { type ScopeUsage, type StoreOutcome, toDecision, validateScopes } from './rate-limit-decision.js';
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

interface Entry {
  id: string;
  at: number;
  tokens: number;
}

/** One scope's entries in time order, oldest at `head`. */
class ScopeLog {
  private entries: Entry[] = [];
  private head = 0;
  private readonly byId = new Map<string, Entry>();
  tokens = 0;
  /** The latest time this scope has been checked at. */
  latest = Number.NEGATIVE_INFINITY;

  get requests(): number {
    return this.entries.length - this.head;
  }

  /** The `index`-th oldest entry in the window. */
  entry(index: number): Entry | undefined {
    return this.entries[this.head + index];
  }

  expire(cutoff: number): void {
    for (let entry = this.entry(0); entry !== undefined && entry.at <= cutoff; entry = this.entry(0)) {
      this.tokens -= entry.tokens;
      this.byId.delete(entry.id);
      this.head += 1;
    }
    // Drop the consumed prefix once it outweighs the live part: amortised O(1) per entry.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  add(entry: Entry): void {
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || last.at <= entry.at) this.entries.push(entry);
    else this.entries.splice(this.insertionIndex(entry.at), 0, entry);
    this.byId.set(entry.id, entry);
    this.tokens += entry.tokens;
  }

  /**
   * Where an entry from a caller whose clock lags beyond the skew allowance goes, to keep the log
   * in time order (as Redis's sorted set is). Rare, so a splice is fine.
   */
  private insertionIndex(at: number): number {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle]?.at ?? Number.POSITIVE_INFINITY) <= at) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  settle(id: string, tokens: number): void {
    const entry = this.byId.get(id);
    if (entry === undefined) return;
    this.tokens += tokens - entry.tokens;
    entry.tokens = tokens;
  }

  usage(): ScopeUsage {
    return { requests: this.requests, tokens: this.tokens, oldestAt: this.entry(0)?.at ?? null };
  }
}

/** Sweep every idle scope this often (in checks), so scopes no longer used do not pile up. */
const FULL_SWEEP_EVERY = 1000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly logs = new Map<string, ScopeLog>();
  private readonly windowMs: number;
  private readonly maxClockSkewMs: number;
  private checksSinceSweep = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_RATE_WINDOW_MS;
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  }

  async check(scopes: readonly RateLimitScope[], estimatedTokens: number, now = Date.now()): Promise<RateLimitDecision> {
    validateScopes(scopes, estimatedTokens);
    this.maybeSweepAll(now);
    const logs = scopes.map((scope) => ({ scope, log: this.logFor(scope.id) }));
    let at = now;
    for (const { log } of logs) if (log.latest > at && log.latest - now <= this.maxClockSkewMs) at = log.latest;
    for (const { log } of logs) {
      log.latest = Math.max(log.latest, at);
      log.expire(at - this.windowMs);
    }
    let outcome: StoreOutcome = { refusedIndex: -1, refusedLimit: 'rpm', retryAfterMs: 0, requestTooLarge: false, at, usage: [] };
    for (const [index, { scope, log }] of logs.entries()) {
      const refusal = this.refusal(scope, log, estimatedTokens, at);
      if (refusal !== undefined) {
        outcome = { ...outcome, ...refusal, refusedIndex: index };
        break;
      }
    }
    const id = randomUUID();
    if (outcome.refusedIndex < 0) for (const { log } of logs) log.add({ id, at, tokens: estimatedTokens });
    outcome.usage = logs.map(({ log }) => log.usage());
    return toDecision(scopes, estimatedTokens, id, outcome, this.windowMs);
  }

  private refusal(scope: RateLimitScope, log: ScopeLog, estimatedTokens: number, at: number): Pick<StoreOutcome, 'refusedLimit' | 'retryAfterMs' | 'requestTooLarge'> | undefined {
    if (scope.rpm !== undefined && log.requests + 1 > scope.rpm) {
      // The request fits once all but rpm - 1 of the counted ones have left the window.
      const freeing = scope.rpm === 0 ? undefined : log.entry(log.requests - scope.rpm);
      return { refusedLimit: 'rpm', retryAfterMs: freeing === undefined ? this.windowMs : freeing.at + this.windowMs - at, requestTooLarge: false };
    }
    if (scope.tpm !== undefined && log.tokens + estimatedTokens > scope.tpm) {
      const requestTooLarge = estimatedTokens > scope.tpm;
      const retryAfterMs = requestTooLarge ? this.windowMs : this.tokenRetryAfter(log, log.tokens + estimatedTokens - scope.tpm, at);
      return { refusedLimit: 'tpm', retryAfterMs, requestTooLarge };
    }
    return undefined;
  }

  async settleTokens(handle: RateLimitHandle, actualTokens: number): Promise<void> {
    if (!handle.counted) return;
    const tokens = Math.max(0, Math.round(actualTokens));
    for (const scopeId of handle.scopeIds) this.logs.get(scopeId)?.settle(handle.id, tokens);
  }

  /** When enough of the oldest entries will have left for `excess` tokens to fit (walk bounded). */
  private tokenRetryAfter(log: ScopeLog, excess: number, at: number): number {
    let freed = 0;
    let last: Entry | undefined;
    for (let index = 0; index < Math.min(log.requests, RETRY_WALK_LIMIT); index += 1) {
      last = log.entry(index);
      if (last === undefined) break;
      freed += last.tokens;
      if (freed >= excess) break;
    }
    return last === undefined ? this.windowMs : last.at + this.windowMs - at;
  }

  private logFor(id: string): ScopeLog {
    let log = this.logs.get(id);
    if (log === undefined) {
      log = new ScopeLog();
      this.logs.set(id, log);
    }
    return log;
  }

  private maybeSweepAll(now: number): void {
    this.checksSinceSweep += 1;
    if (this.checksSinceSweep < FULL_SWEEP_EVERY) return;
    this.checksSinceSweep = 0;
    for (const [id, log] of this.logs) {
      log.expire(Math.max(log.latest, now) - this.windowMs);
      if (log.requests === 0) this.logs.delete(id);
    }
  }
}
