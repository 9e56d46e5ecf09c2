import { emptyUsage, type CanonicalUsage } from '../../canonical/types.js';
import { isRecord } from '../shared/field-reader.js';
import type { ChatUsage } from './wire-types.js';

/**
 * Chat usage ⇄ canonical usage. Chat already counts the way the canonical model does: `prompt_tokens`
 * includes cached tokens, `completion_tokens` includes reasoning tokens (PROTOCOLS.md trap 5), so
 * the counts map one to one. `prompt_tokens_details.cache_write_tokens` is new (2026 traffic,
 * [chat-cached-tokens]) and read when present.
 */
export function decodeChatUsage(value: unknown): CanonicalUsage {
  const usage = emptyUsage();
  if (!isRecord(value)) return usage;
  const prompt = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  const completion = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  usage.inputTokens = count(value.prompt_tokens);
  usage.outputTokens = count(value.completion_tokens);
  usage.cachedInputTokens = count(prompt.cached_tokens);
  usage.cacheWriteTokens = count(prompt.cache_write_tokens);
  usage.reasoningTokens = count(completion.reasoning_tokens);
  return usage;
}

/** Usage is metering, not meaning: a count a shim garbles reads as 0 rather than failing the response. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/**
 * Canonical usage as Chat usage. The canonical counts are already totals (an Anthropic decoder has
 * folded its additive cache counts in), so `prompt_tokens = inputTokens` and `cached_tokens =
 * cachedInputTokens`; `total_tokens` is computed. The zero audio/prediction counts mirror what OpenAI sends.
 */
export function encodeChatUsage(partial: Partial<CanonicalUsage>): ChatUsage {
  const usage = { ...emptyUsage(), ...definedOnly(partial) };
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens, audio_tokens: 0, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Merge a usage snapshot into the running one (later values win, absent values keep the old ones). */
export function mergeUsage(target: Partial<CanonicalUsage>, update: Partial<CanonicalUsage> | undefined): Partial<CanonicalUsage> {
  return update === undefined ? target : { ...target, ...definedOnly(update) };
}

function definedOnly(usage: Partial<CanonicalUsage>): Partial<CanonicalUsage> {
  const result: Partial<CanonicalUsage> = {};
  for (const [key, value] of Object.entries(usage) as Array<[keyof CanonicalUsage, number | undefined]>) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}
