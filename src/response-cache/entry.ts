import type { CanonicalResponse } from '../canonical/types.js';

/**
 * One cached answer. It holds the canonical response — what every codec decodes a provider's answer
 * into — so a hit can be served in any caller protocol, streamed or not, whichever protocol the
 * original caller and provider spoke.
 */
export interface CacheEntry {
  /** Content, finish reason, the provider's id and created time (s), and the usage the answer cost. */
  response: CanonicalResponse;
  /** The deployment that produced it (`provider/model`), for `x-switchyard-model` on a hit. */
  servedBy: string;
  /** Epoch ms when it was stored: `max-age` and the `Age` header count from here. */
  storedAt: number;
  /** Epoch ms from which it is never served. */
  expiresAt: number;
}

/** Bumped when the stored shape changes; entries of another version read as misses. */
const ENTRY_VERSION = 1;

/** An entry for an answer served now by `servedBy`, living `ttlMs`. */
export function createEntry(response: CanonicalResponse, servedBy: string, ttlMs: number, now: number): CacheEntry {
  // Gemini answers carry no creation time; the moment it was stored is the closest truth.
  const created = response.created > 0 ? response.created : Math.floor(now / 1000);
  return { response: { ...response, created }, servedBy, storedAt: now, expiresAt: now + ttlMs };
}

export function serializeEntry(entry: CacheEntry): string {
  return JSON.stringify({ v: ENTRY_VERSION, ...entry });
}

/**
 * An entry read back, or undefined when the text is not one (another version, a truncated value, a
 * key some other program wrote): a bad entry is a miss, never an error on the request path.
 */
export function parseEntry(text: string): CacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const response = record.response as Record<string, unknown> | null | undefined;
  if (
    record.v !== ENTRY_VERSION ||
    typeof record.servedBy !== 'string' ||
    typeof record.storedAt !== 'number' ||
    typeof record.expiresAt !== 'number' ||
    response === null ||
    typeof response !== 'object' ||
    !Array.isArray(response.content) ||
    typeof response.finishReason !== 'string' ||
    response.usage === null ||
    typeof response.usage !== 'object'
  ) {
    return undefined;
  }
  return { response: response as unknown as CanonicalResponse, servedBy: record.servedBy, storedAt: record.storedAt, expiresAt: record.expiresAt };
}
