import type { CacheEntry } from './entry.js';

/**
 * Where entries live. Three implementations share this contract and one test suite
 * (testing/store-contract.ts): in-process memory, a SQLite file, Redis.
 *
 * Every method takes `now` (epoch ms, default `Date.now()`) so that expiry is decided by the caller's
 * clock and tests control it. An entry is live while `now < entry.expiresAt`.
 */
export interface ResponseCacheStore {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  /** The live entry under `key`; undefined when absent, expired or unreadable. */
  get(key: string, now?: number): Promise<CacheEntry | undefined>;
  /**
   * Keeps `entry` under `key` until `entry.expiresAt`, replacing what was there. Resolves false when
   * it was not kept: larger than the store's entry limit, or already expired.
   */
  set(key: string, entry: CacheEntry, now?: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Limits every store enforces on what one entry may weigh. */
export interface EntryLimit {
  /** Largest serialized entry kept, bytes (UTF-8 JSON); default 1 MiB. Larger answers are not cached. */
  maxEntryBytes?: number;
}

export const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
