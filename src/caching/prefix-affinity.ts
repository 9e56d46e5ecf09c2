/**
 * Sticky routing by prompt prefix: which deployment last served a prefix, so the next request with
 * that prefix goes where the provider still holds it in its prompt cache (a cache lives with one
 * deployment: another account, region or provider starts cold). An entry lives `ttlMs` since its
 * last use, like the caches it tracks (Anthropic 5 minutes by default, OpenAI 5-10 minutes in
 * memory); the map is bounded, least recently used first out.
 *
 * In-process on purpose: a miss costs one cold prefix, not a wrong answer, so replicas need not
 * share it.
 */

export interface PrefixAffinityOptions {
  /** Default 10,000 prefixes. */
  maxEntries?: number;
  /** Default 5 minutes; match the longest cache TTL in use (1 hour with `ttl: 1h` breakpoints). */
  ttlMs?: number;
}

interface Entry {
  deployment: string;
  expiresAt: number;
}

export class PrefixAffinity {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(options: PrefixAffinityOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  /**
   * The deployment that last served one of these prefixes, trying them in order (most specific
   * first, e.g. conversation then shared), or undefined. A hit counts as use: it refreshes the entry.
   */
  preferred(hashes: ReadonlyArray<string | undefined>, now: number = Date.now()): string | undefined {
    for (const hash of hashes) {
      if (hash === undefined) continue;
      const entry = this.entries.get(hash);
      if (entry === undefined) continue;
      this.entries.delete(hash);
      if (entry.expiresAt <= now) continue;
      entry.expiresAt = now + this.ttlMs;
      this.entries.set(hash, entry); // re-inserted: Map order is least recently used first
      return entry.deployment;
    }
    return undefined;
  }

  /** The deployment served these prefixes: it now holds them in its cache. */
  record(hashes: ReadonlyArray<string | undefined>, deployment: string, now: number = Date.now()): void {
    for (const hash of hashes) {
      if (hash === undefined) continue;
      this.entries.delete(hash);
      this.entries.set(hash, { deployment, expiresAt: now + this.ttlMs });
    }
    for (const [hash, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expiresAt > now) break;
      this.entries.delete(hash);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The candidates with the sticky one moved to the front (the rest keep their order); unchanged when
 * there is none or it is not among them. Meant for strategies that spread load over equivalent
 * deployments (weighted, least-busy, least-latency), not for an explicit priority or cost order.
 */
export function preferDeployment<T>(ordered: readonly T[], deployment: string | undefined, idOf: (candidate: T) => string): T[] {
  if (deployment === undefined) return [...ordered];
  const index = ordered.findIndex((candidate) => idOf(candidate) === deployment);
  if (index <= 0) return [...ordered];
  return [ordered[index]!, ...ordered.slice(0, index), ...ordered.slice(index + 1)];
}
