import { emptyUsage, type CanonicalUsage } from '../../canonical/types.js';
import { FieldReader } from '../shared/field-reader.js';
import type { ResponsesUsage } from './wire-types.js';

/**
 * Responses usage already has the canonical meaning (PROTOCOLS.md usage table, trap 5): `input_tokens`
 * includes the cached tokens and `output_tokens` includes the reasoning tokens, so the details are
 * subsets and nothing is added up.
 */
export function decodeResponsesUsage(value: unknown, path: string): CanonicalUsage {
  const usage = emptyUsage();
  if (value === undefined || value === null) return usage;
  const reader = FieldReader.of(value, path, 'upstream_bad_response');
  usage.inputTokens = reader.optionalInteger('input_tokens', 0) ?? 0;
  usage.outputTokens = reader.optionalInteger('output_tokens', 0) ?? 0;
  const inputDetails = reader.optionalObject('input_tokens_details');
  usage.cachedInputTokens = inputDetails?.optionalInteger('cached_tokens', 0) ?? 0;
  usage.cacheWriteTokens = inputDetails?.optionalInteger('cache_write_tokens', 0) ?? 0;
  usage.reasoningTokens = reader.optionalObject('output_tokens_details')?.optionalInteger('reasoning_tokens', 0) ?? 0;
  return usage;
}

/**
 * Canonical usage as Responses usage. `cache_write_tokens` appears only when non-zero (recorded
 * OpenAI traffic omits it); the 1-hour cache-write split has no Responses field and is dropped.
 */
export function encodeResponsesUsage(partial: Partial<CanonicalUsage> | undefined): ResponsesUsage {
  const usage = { ...emptyUsage(), ...partial };
  const inputDetails: ResponsesUsage['input_tokens_details'] = { cached_tokens: usage.cachedInputTokens };
  if (usage.cacheWriteTokens > 0) inputDetails.cache_write_tokens = usage.cacheWriteTokens;
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: inputDetails,
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
