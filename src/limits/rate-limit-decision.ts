/**
 * The decision both rate limiter stores share: each store gathers the same per-scope facts
 * atomically (its own way), and this turns them into the answer, so the two cannot drift apart.
 */
import type { RateLimitDecision, RateLimitHandle, RateLimitHeaders, RateLimitScope, RateLimitState } from './rate-limiter.js';

/** One scope's usage after the call: counts include this request when it was admitted. */
export interface ScopeUsage {
  requests: number;
  tokens: number;
  /** Time of the oldest entry still in the window, or null when the log is empty. */
  oldestAt: number | null;
}

export interface StoreOutcome {
  /** Index of the refusing scope, or -1 when admitted. */
  refusedIndex: number;
  refusedLimit: 'rpm' | 'tpm';
  retryAfterMs: number;
  requestTooLarge: boolean;
  /** The time the store counted the call at. */
  at: number;
  usage: ScopeUsage[];
}

function state(limit: number, used: number, usage: ScopeUsage, at: number, windowMs: number): RateLimitState {
  return { limit, remaining: Math.max(0, limit - used), resetMs: usage.oldestAt === null ? 0 : Math.max(0, usage.oldestAt + windowMs - at) };
}

/** For each dimension, the scope with the fewest remaining; the first such scope on a tie. */
export function bindingHeaders(scopes: readonly RateLimitScope[], usage: readonly ScopeUsage[], at: number, windowMs: number): RateLimitHeaders {
  const headers: RateLimitHeaders = {};
  scopes.forEach((scope, index) => {
    const scopeUsage = usage[index];
    if (scopeUsage === undefined) return;
    if (scope.rpm !== undefined) {
      const candidate = state(scope.rpm, scopeUsage.requests, scopeUsage, at, windowMs);
      if (headers.requests === undefined || candidate.remaining < headers.requests.remaining) headers.requests = candidate;
    }
    if (scope.tpm !== undefined) {
      const candidate = state(scope.tpm, scopeUsage.tokens, scopeUsage, at, windowMs);
      if (headers.tokens === undefined || candidate.remaining < headers.tokens.remaining) headers.tokens = candidate;
    }
  });
  return headers;
}

export function toDecision(scopes: readonly RateLimitScope[], estimatedTokens: number, id: string, outcome: StoreOutcome, windowMs: number): RateLimitDecision {
  const headers = bindingHeaders(scopes, outcome.usage, outcome.at, windowMs);
  if (outcome.refusedIndex < 0) {
    const handle: RateLimitHandle = { id, scopeIds: scopes.map((scope) => scope.id), estimatedTokens, counted: true };
    return { admitted: true, handle, headers, at: outcome.at };
  }
  return {
    admitted: false,
    scopeId: scopes[outcome.refusedIndex]?.id ?? '',
    limit: outcome.refusedLimit,
    retryAfterMs: outcome.retryAfterMs,
    requestTooLarge: outcome.requestTooLarge,
    headers,
  };
}

/** What fail-open answers when the store is down: let the request through, counted nowhere. */
export function uncountedAdmission(scopes: readonly RateLimitScope[], estimatedTokens: number, id: string, now: number): RateLimitDecision {
  return { admitted: true, handle: { id, scopeIds: scopes.map((scope) => scope.id), estimatedTokens, counted: false }, headers: {}, at: now, degraded: true };
}

export function validateScopes(scopes: readonly RateLimitScope[], estimatedTokens: number): void {
  if (!Number.isSafeInteger(estimatedTokens) || estimatedTokens < 0) throw new RangeError(`estimated tokens must be a non-negative integer, got ${estimatedTokens}`);
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (seen.has(scope.id)) throw new RangeError(`rate limit scope ${scope.id} appears twice in one check`);
    seen.add(scope.id);
    for (const limit of [scope.rpm, scope.tpm]) {
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new RangeError(`rate limit of ${scope.id} must be a non-negative integer, got ${limit}`);
    }
  }
}
