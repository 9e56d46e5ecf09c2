import type { CanonicalRequest, CanonicalResponse } from '../canonical/types.js';
import { isCacheableResponse } from './cacheability.js';
import type { CacheDirective } from './directive.js';
import { createEntry, type CacheEntry } from './entry.js';
import type { ResponseCacheStore } from './store.js';

export interface ResponseCacheOptions {
  store: ResponseCacheStore;
  /** How long an entry lives unless `save` is given another TTL (a route's own). */
  ttlMs: number;
  /** A store failure (Redis down, a locked file); the request goes on as a miss. For the logger. */
  onError?(error: unknown, operation: 'get' | 'set'): void;
}

export interface SaveOptions {
  /** This route's TTL, when it has its own. */
  ttlMs?: number;
  now?: number;
  /** The caller's request: what it asked for that the answer must hold (`n`, `logprobs`). */
  request?: Pick<CanonicalRequest, 'n' | 'logprobs'>;
}

/**
 * The cache as the request path uses it: the caller's directive applied, and a failing store never
 * failing a request — the cache is an optimisation, so a store error is a miss on read and a skipped
 * write.
 */
export class ResponseCache {
  constructor(private readonly options: ResponseCacheOptions) {}

  /** The entry to serve, or undefined (miss, not allowed to read, older than the caller's max-age). */
  async lookup(key: string, directive: CacheDirective, now = Date.now()): Promise<CacheEntry | undefined> {
    if (!directive.read) return undefined;
    let entry: CacheEntry | undefined;
    try {
      entry = await this.options.store.get(key, now);
    } catch (error) {
      this.options.onError?.(error, 'get');
      return undefined;
    }
    if (entry !== undefined && directive.maxAgeMs !== undefined && now - entry.storedAt > directive.maxAgeMs) return undefined;
    return entry;
  }

  /**
   * Stores a provider's answer when it is complete and successful (holding every choice and the log
   * probabilities `request` asked for) and the caller allows it; resolves whether it was stored. The
   * gateway calls it after the answer went out, without awaiting it.
   */
  async save(key: string, response: CanonicalResponse, servedBy: string, directive: CacheDirective, options: SaveOptions = {}): Promise<boolean> {
    if (!directive.write || !isCacheableResponse(response, options.request)) return false;
    const now = options.now ?? Date.now();
    const entry = createEntry(response, servedBy, options.ttlMs ?? this.options.ttlMs, now);
    try {
      return await this.options.store.set(key, entry, now);
    } catch (error) {
      this.options.onError?.(error, 'set');
      return false;
    }
  }

  close(): Promise<void> {
    return this.options.store.close();
  }
}
