/**
 * Sliding-window rate limits (requests and tokens per minute) for any number of scopes at once:
 * a request is counted in its key, its team and its deployment together, or in none of them.
 *
 * Algorithm: a sliding log. Every admitted request is one entry (time, tokens) in each scope's log;
 * a scope's usage is the sum over entries newer than `now - window`. This is exact: no bucket
 * approximation, so the error bound is zero in the store's time. Across replicas the only error
 * source is clock disagreement; each scope remembers the latest time it has seen and a caller whose
 * clock lags by up to `maxClockSkewMs` is moved forward to it, so the window never slides back and
 * the limit holds exactly. Memory is one entry per request in the window (rpm entries per scope).
 */

export interface RateLimitScope {
  /** Any stable string: `key:…`, `team:…`, `deployment:…`. */
  id: string;
  /** Requests per window; absent means unlimited, 0 blocks everything. */
  rpm?: number;
  /** Tokens per window; absent means unlimited. */
  tpm?: number;
}

/** The values behind one family of x-ratelimit-* headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Until the oldest request counted now leaves the window (0 when none is counted). */
  resetMs: number;
}

/** For each dimension, the scope with the least remaining (the one the client will hit first). */
export interface RateLimitHeaders {
  requests?: RateLimitState;
  tokens?: RateLimitState;
}

/** Returned on admission; pass it to `settleTokens` once the real token count is known. */
export interface RateLimitHandle {
  readonly id: string;
  readonly scopeIds: readonly string[];
  readonly estimatedTokens: number;
  /** False when admitted without counting (store unavailable, fail-open): settling does nothing. */
  readonly counted: boolean;
}

export interface RateLimitAdmitted {
  admitted: true;
  handle: RateLimitHandle;
  headers: RateLimitHeaders;
  /** The store time the request was counted at (equals `now` unless a replica's clock ran ahead). */
  at: number;
  /** Set when the store was unavailable and the fail-open policy let the request through. */
  degraded?: true;
}

export interface RateLimitRefused {
  admitted: false;
  /** The first scope, in the order given, whose limit the request would exceed. */
  scopeId: string;
  limit: 'rpm' | 'tpm';
  /** When retrying can first succeed, if nothing else is admitted meanwhile. */
  retryAfterMs: number;
  /** The estimate alone exceeds the scope's tpm: no wait will help. */
  requestTooLarge: boolean;
  headers: RateLimitHeaders;
}

export type RateLimitDecision = RateLimitAdmitted | RateLimitRefused;

export interface RateLimiter {
  /** Counts the request and reserves `estimatedTokens` in every scope, or refuses without counting. */
  check(scopes: readonly RateLimitScope[], estimatedTokens: number, now?: number): Promise<RateLimitDecision>;
  /** Replaces the reserved estimate with the actual count, in every scope still holding the request. */
  settleTokens(handle: RateLimitHandle, actualTokens: number): Promise<void>;
}

export const DEFAULT_RATE_WINDOW_MS = 60_000;
export const DEFAULT_MAX_CLOCK_SKEW_MS = 1_000;
/** A refused tpm check walks at most this many entries to compute its retry time. */
export const RETRY_WALK_LIMIT = 1000;

export interface RateLimiterOptions {
  /** Length of the sliding window; rpm and tpm are "per window" (default 60 s). */
  windowMs?: number;
  /** How far a lagging caller's clock is moved forward to the latest time a scope has seen. */
  maxClockSkewMs?: number;
}
