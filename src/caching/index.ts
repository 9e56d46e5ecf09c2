/**
 * Automatic provider prompt caching, applied to the provider-bound wire body just before it is sent
 * (translated bodies and same-protocol passthrough bodies alike), plus the prefix hashes the router
 * uses to stay where a prefix is cached. Pure: the input body is never changed. See README.md.
 */
import type { ProtocolName } from '../canonical/types.js';
import { placeAnthropicBreakpoints } from './anthropic-breakpoints.js';
import type { CacheTtl } from './anthropic-layout.js';
import type { JsonObject } from './json.js';
import { setPromptCacheKey, type OpenAiRetention } from './openai-cache-key.js';
import type { PromptCachingResult } from './types.js';

export { LOOKBACK_BLOCKS, MAXIMUM_BREAKPOINTS, placeAnthropicBreakpoints, type AnthropicCachingOptions, type BreakpointReason } from './anthropic-breakpoints.js';
export { DEFAULT_MINIMUM_CACHE_TOKENS, minimumCacheTokens } from './anthropic-minimums.js';
export { setPromptCacheKey, type OpenAiCachingOptions, type OpenAiRetention } from './openai-cache-key.js';
export { preferDeployment, PrefixAffinity, type PrefixAffinityOptions } from './prefix-affinity.js';
export { prefixHash, prefixHashes, type PrefixHashes } from './prefix-hash.js';
export type { CacheTtl } from './anthropic-layout.js';
export type { PromptCachingResult } from './types.js';

export interface PromptCachingOptions {
  /**
   * Anthropic bodies that already carry `cache_control`: 'respect' (default) leaves them as sent;
   * 'fill' adds ours in the slots left (of 4).
   */
  callerMarks?: 'respect' | 'fill';
  /** Lifetime of the Anthropic breakpoints we add; absent = the provider's default, 5 minutes. */
  anthropicTtl?: CacheTtl;
  /** Overrides the minimum cacheable prefix the model name implies (Anthropic). */
  minimumTokens?: number;
  /**
   * Whether the target accepts OpenAI's `prompt_cache_key` (OpenAI and Azure OpenAI do; servers
   * that merely speak the protocol may reject unknown fields). Default false.
   */
  promptCacheKey?: boolean;
  /** `conversation` (default): key per conversation; `shared`: per tools + instructions. */
  promptCacheKeyScope?: 'conversation' | 'shared';
  /** Sets `prompt_cache_retention` when the caller did not. */
  promptCacheRetention?: OpenAiRetention;
}

/** Adds the egress protocol's prompt-cache hints to a provider-bound body. */
export function applyPromptCaching(protocol: ProtocolName, body: JsonObject, options: PromptCachingOptions = {}): PromptCachingResult {
  switch (protocol) {
    case 'anthropic-messages':
      return placeAnthropicBreakpoints(body, {
        ...(options.callerMarks !== undefined && { callerMarks: options.callerMarks }),
        ...(options.anthropicTtl !== undefined && { ttl: options.anthropicTtl }),
        ...(options.minimumTokens !== undefined && { minimumTokens: options.minimumTokens }),
      });
    case 'openai-chat':
    case 'openai-responses':
      if (options.promptCacheKey !== true) return { body, changed: false, description: 'the target does not take prompt_cache_key' };
      return setPromptCacheKey(protocol, body, {
        ...(options.promptCacheKeyScope !== undefined && { scope: options.promptCacheKeyScope }),
        ...(options.promptCacheRetention !== undefined && { retention: options.promptCacheRetention }),
      });
    case 'gemini':
      // Gemini 2.5+ caches repeated prefixes implicitly; explicit `cachedContent` needs a cache
      // created ahead through the API, which is the caller's to manage.
      return { body, changed: false, description: 'gemini caches implicitly; nothing to add' };
  }
}
