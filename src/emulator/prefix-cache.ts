/**
 * Prompt-prefix cache, modelled on OpenAI's automatic prompt caching: prompts of 1024 tokens or
 * more are cached in 128-token steps; a later request to the same model whose prompt starts with a
 * cached prefix reports that prefix as `cached_tokens`. We store a hash of every 128-token boundary
 * from 1024 up, per model, each living `ttlMs` since last use (OpenAI keeps them 5–10 minutes).
 * The hash is a running hash over token ids, so one pass handles a prompt of any length.
 * Anthropic-style explicit breakpoints use `longestCachedPrefix` / `storePrefixes` instead: the
 * protocol decides which lengths count and for how long.
 */

export interface PrefixCacheOptions {
  ttlMs?: number;
  minimumTokens?: number;
  increment?: number;
  /** Per model; the oldest boundaries are evicted beyond this. */
  maximumEntries?: number;
}

export class PrefixCache {
  private readonly ttlMs: number;
  private readonly minimumTokens: number;
  private readonly increment: number;
  private readonly maximumEntries: number;
  private readonly models = new Map<string, Map<string, number>>();

  constructor(options: PrefixCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.minimumTokens = options.minimumTokens ?? 1024;
    this.increment = options.increment ?? 128;
    this.maximumEntries = options.maximumEntries ?? 100_000;
  }

  /** Cached tokens for this prompt (0 on a miss), then remember its prefixes for next time. */
  lookupAndStore(model: string, tokens: readonly number[], now: number = Date.now()): number {
    const boundaries = this.boundaryKeys(tokens);
    if (boundaries.length === 0) return 0;
    let entries = this.models.get(model);
    if (entries === undefined) {
      entries = new Map();
      this.models.set(model, entries);
    }
    let cached = 0;
    for (const { length, key } of boundaries) {
      const expiry = entries.get(key);
      if (expiry !== undefined && expiry > now) cached = length;
      else break; // prefixes nest: once one misses, no longer one can hit
    }
    for (const { key } of boundaries) {
      entries.delete(key); // re-insert so Map order stays least-recently-used first
      entries.set(key, now + this.ttlMs);
    }
    this.evict(entries, now);
    return cached;
  }

  /**
   * Explicit breakpoints (Anthropic's `cache_control`): of the prefixes ending at `lengths`, the
   * longest one stored and still alive (0 when none is). Looking up does not store anything.
   */
  longestCachedPrefix(model: string, tokens: readonly number[], lengths: readonly number[], now: number = Date.now()): number {
    const entries = this.models.get(model);
    if (entries === undefined) return 0;
    let longest = 0;
    for (const [length, key] of prefixKeys(tokens, lengths)) {
      const expiry = entries.get(key);
      if (expiry !== undefined && expiry > now && length > longest) longest = length;
    }
    return longest;
  }

  /** Store (or refresh) the prefixes ending at each length, each for its own lifetime; a longer lifetime already held is kept. */
  storePrefixes(model: string, tokens: readonly number[], prefixes: ReadonlyArray<{ length: number; ttlMs: number }>, now: number = Date.now()): void {
    if (prefixes.length === 0) return;
    let entries = this.models.get(model);
    if (entries === undefined) {
      entries = new Map();
      this.models.set(model, entries);
    }
    const keys = prefixKeys(tokens, prefixes.map((prefix) => prefix.length));
    for (const { length, ttlMs } of prefixes) {
      const key = keys.get(length);
      if (key === undefined) continue;
      const expiry = Math.max(now + ttlMs, entries.get(key) ?? 0);
      entries.delete(key);
      entries.set(key, expiry);
    }
    this.evict(entries, now);
  }

  private boundaryKeys(tokens: readonly number[]): Array<{ length: number; key: string }> {
    const keys: Array<{ length: number; key: string }> = [];
    if (tokens.length < this.minimumTokens) return keys;
    let first = 0x811c9dc5;
    let second = 0x9747b28c;
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index] ?? 0;
      first = Math.imul(first ^ token, 16777619) >>> 0;
      second = Math.imul(second ^ (token + index), 2246822519) >>> 0;
      const length = index + 1;
      if (length >= this.minimumTokens && (length - this.minimumTokens) % this.increment === 0) {
        keys.push({ length, key: `${length}:${first.toString(36)}:${second.toString(36)}` });
      }
    }
    return keys;
  }

  private evict(entries: Map<string, number>, now: number): void {
    for (const [key, expiry] of entries) {
      if (entries.size <= this.maximumEntries && expiry > now) break;
      entries.delete(key);
    }
  }
}

/** Keys for the prefixes of `tokens` ending at `lengths` (same hash as the automatic boundaries), in one pass. */
function prefixKeys(tokens: readonly number[], lengths: readonly number[]): Map<number, string> {
  const wanted = new Set(lengths.filter((length) => length > 0 && length <= tokens.length));
  const keys = new Map<number, string>();
  const last = Math.max(0, ...wanted);
  let first = 0x811c9dc5;
  let second = 0x9747b28c;
  for (let index = 0; index < last; index++) {
    const token = tokens[index] ?? 0;
    first = Math.imul(first ^ token, 16777619) >>> 0;
    second = Math.imul(second ^ (token + index), 2246822519) >>> 0;
    if (wanted.has(index + 1)) keys.set(index + 1, `${index + 1}:${first.toString(36)}:${second.toString(36)}`);
  }
  return keys;
}
