/**
 * What a counter store does when its shared backend (Redis) cannot answer. Admission calls either
 * refuse (fail-closed: throw CounterStoreUnavailableError, which the gateway answers with 503) or
 * let the request through uncounted (fail-open). Recording calls (settle, release) can only
 * succeed or lose the update; fail-open resolves quietly, fail-closed rejects so it gets logged.
 */

export type UnavailablePolicy = 'fail-closed' | 'fail-open';

/** The one error the limits stores raise when Redis is unreachable, slow or not ready. */
export class CounterStoreUnavailableError extends Error {
  readonly code = 'counter_store_unavailable';

  constructor(operation: string, cause: unknown) {
    super(`counter store unavailable during ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CounterStoreUnavailableError';
  }
}

/**
 * Server replies that mean "not now" rather than "wrong request": loading after a restart, a
 * replica promoted mid-failover, a script blocking the server, a cluster without quorum.
 */
const TRANSIENT_REPLIES = /^(LOADING|READONLY|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/**
 * True when `error` says the store could not be reached or did not answer in time. Any other reply
 * error (a script bug, a wrong key type) is a defect and must surface as itself.
 */
export function isUnavailability(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ReplyError') return TRANSIENT_REPLIES.test(error.message);
  // Everything else ioredis raises is about the connection: refused, closed, offline with the
  // queue disabled, command timed out, retries per request exhausted.
  return true;
}

export interface AvailabilityOptions {
  onUnavailable: UnavailablePolicy;
  /** Told about every call the store could not serve (for logs and metrics); must not throw. */
  onUnavailableError?: ((error: CounterStoreUnavailableError) => void) | undefined;
}

/**
 * Runs one store call under the availability policy: `failOpen` gives the answer to use when the
 * store is down and the policy is fail-open; without it the call always rejects (reads).
 */
export async function underPolicy<T>(options: AvailabilityOptions, operation: string, call: () => Promise<T>, failOpen?: () => T): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isUnavailability(error)) throw error;
    const unavailable = new CounterStoreUnavailableError(operation, error);
    options.onUnavailableError?.(unavailable);
    if (options.onUnavailable === 'fail-open' && failOpen !== undefined) return failOpen();
    throw unavailable;
  }
}
