import type { CanonicalRequest, CanonicalResponse, FinishReason, ProtocolName } from '../canonical/types.js';

/**
 * Which requests and answers may be cached. Entries hold the canonical response, so a request is
 * cacheable only when everything its answer carries fits the canonical response; anything else would
 * come back poorer on a hit than on a miss.
 */

export interface CachePolicy {
  /**
   * Cache only requests that pin `temperature` to 0. Off by default: a route opts in to caching as a
   * whole, and a caller that wants a fresh sample sends `Cache-Control: no-cache`. With it on, a
   * request that sets no temperature is not cached (every provider then samples at about 1).
   */
  onlyDeterministic?: boolean;
}

/** Finish reasons of complete, successful answers: worth serving again. */
const CACHEABLE_FINISH: ReadonlySet<FinishReason> = new Set<FinishReason>(['stop', 'stop-sequence', 'length', 'tool-calls']);

/**
 * Why a request must not be cached, or undefined when it may. `canonical` is the request as the
 * caller's codec decodes it, or undefined when it could not be decoded (it holds something the
 * canonical model cannot, so its answer could not be stored faithfully either).
 */
export function cacheRefusal(protocol: ProtocolName, body: Readonly<Record<string, unknown>>, canonical: CanonicalRequest | undefined, policy: CachePolicy = {}): string | undefined {
  if (canonical === undefined) return 'the request uses features a cached answer cannot hold';
  // Anthropic citations annotate text blocks; the canonical text part does not carry them.
  if (protocol === 'anthropic-messages' && enablesCitations(body.messages)) return 'citations requested';
  if (policy.onlyDeterministic === true && canonical.temperature !== 0) return 'sampling is not deterministic (temperature is not 0)';
  return undefined;
}

/**
 * Whether an answer is complete and successful, and holds everything its request asked for: only
 * these are stored. Several choices and log probabilities are checked against the request because
 * not every decoder carries them yet; an answer that lost them on the way in must not be served as
 * if it had them.
 */
export function isCacheableResponse(response: CanonicalResponse, request?: Pick<CanonicalRequest, 'n' | 'logprobs'>): boolean {
  const choices = [response, ...(response.additionalChoices ?? [])];
  if (!choices.every((choice) => CACHEABLE_FINISH.has(choice.finishReason))) return false;
  if (request?.n !== undefined && choices.length < request.n) return false;
  if (request?.logprobs !== undefined && !choices.every((choice) => choice.logprobs !== undefined)) return false;
  return true;
}

function enablesCitations(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(enablesCitations);
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  const citations = record.citations as { enabled?: unknown } | undefined;
  if (citations?.enabled === true) return true;
  return Object.values(record).some(enablesCitations);
}
