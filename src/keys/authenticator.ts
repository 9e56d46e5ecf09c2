import { createHash } from 'node:crypto';
import { parseKey } from './key-format.js';
import type { AuthResult, KeyStore } from './types.js';

export interface KeyAuthenticatorOptions {
  /**
   * How long a successful lookup is reused; default 500 ms. This is the revocation bound: a key
   * revoked (or changed) on any replica is refused (or seen changed) by every replica at most this
   * long after the change commits, because no replica trusts its cached answer for longer.
   */
  positiveTtlMs?: number;
  /**
   * How long a refusal (unknown, revoked, expired) is reused; default 2,000 ms. A flood of
   * requests with the same bad key costs one lookup per interval instead of one per request. It
   * delays nothing legitimate: a new key cannot have been presented before it existed, and a
   * revoked key never comes back. (Only an expiry moved later waits up to this long.)
   */
  negativeTtlMs?: number;
  /** Entries kept per kind (accepted, refused); the oldest goes first. Default 10,000 each. */
  maxEntries?: number;
  /** Wall clock, ms since the epoch; tests pass their own. */
  now?: () => number;
}

export interface KeyAuthenticatorStats {
  hits: number;
  misses: number;
  /** Lookups that joined one already under way for the same key. */
  joined: number;
  cached: number;
}

interface Entry {
  result: AuthResult;
  storedAt: number;
}

/**
 * `authenticate(rawKey)` for the request path: answers from memory for known keys and recent
 * refusals, goes to the store otherwise, and shares one lookup among concurrent requests with the
 * same key. Malformed keys never reach the store. Store errors are not cached: the caller sees them
 * (and the gateway refuses the request) rather than a stale answer outliving the bound.
 *
 * Entries are keyed by the key's SHA-256, so the long-lived map holds no secrets. Floods of
 * distinct well-formed keys still cost one lookup each; limiting those is the rate limiter's job.
 */
export class KeyAuthenticator {
  private readonly accepted = new Map<string, Entry>();
  private readonly refused = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<AuthResult>>();
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private counts = { hits: 0, misses: 0, joined: 0 };

  constructor(
    private readonly store: Pick<KeyStore, 'authenticate'>,
    options: KeyAuthenticatorOptions = {},
  ) {
    this.positiveTtlMs = options.positiveTtlMs ?? 500;
    this.negativeTtlMs = options.negativeTtlMs ?? 2000;
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  async authenticate(rawKey: string): Promise<AuthResult> {
    if (parseKey(rawKey) === undefined) return { ok: false, reason: 'malformed' };
    const id = createHash('sha256').update(rawKey, 'utf8').digest('base64');
    const now = this.now();
    const cached = this.fresh(this.accepted, id, now, this.positiveTtlMs) ?? this.fresh(this.refused, id, now, this.negativeTtlMs);
    if (cached !== undefined) {
      this.counts.hits += 1;
      // Expiry is checked on every use, so a cached key stops working at its expiry, not after.
      if (cached.ok && cached.key.expires_at !== null && cached.key.expires_at <= now) return { ok: false, reason: 'expired' };
      return cached;
    }
    const pending = this.inflight.get(id);
    if (pending !== undefined) {
      this.counts.joined += 1;
      return pending;
    }
    this.counts.misses += 1;
    const lookup = this.lookup(id, rawKey, now);
    this.inflight.set(id, lookup);
    return lookup;
  }

  /** Forgets every cached answer (after a change made in this process, to see it at once). */
  clear(): void {
    this.accepted.clear();
    this.refused.clear();
  }

  stats(): KeyAuthenticatorStats {
    return { ...this.counts, cached: this.accepted.size + this.refused.size };
  }

  private async lookup(id: string, rawKey: string, startedAt: number): Promise<AuthResult> {
    try {
      const result = await this.store.authenticate(rawKey, this.now());
      // Aged from the start of the lookup: the answer is at least that fresh, never fresher.
      this.remember(id, { result, storedAt: startedAt });
      return result;
    } finally {
      this.inflight.delete(id);
    }
  }

  /** An entry younger than `ttl`. A clock that went backwards makes every entry stale, not eternal. */
  private fresh(map: Map<string, Entry>, id: string, now: number, ttl: number): AuthResult | undefined {
    const entry = map.get(id);
    if (entry === undefined) return undefined;
    if (now >= entry.storedAt && now - entry.storedAt < ttl) return entry.result;
    map.delete(id);
    return undefined;
  }

  /** Accepted and refused keys are kept apart, so a flood of bad keys cannot evict the good ones. */
  private remember(id: string, entry: Entry): void {
    this.accepted.delete(id);
    this.refused.delete(id);
    const map = entry.result.ok ? this.accepted : this.refused;
    if (map.size >= this.maxEntries) {
      const oldest = map.keys().next();
      if (oldest.done !== true) map.delete(oldest.value);
    }
    map.set(id, entry);
  }
}
