/**
 * Gemini `usageMetadata` ↔ canonical usage.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 *
 * - `promptTokenCount` already includes `cachedContentTokenCount` (subset semantics, like OpenAI)
 *   [conformance gemini/generate-cached-content.response.json: 17379 cached of 17713].
 * - `candidatesTokenCount` EXCLUDES `thoughtsTokenCount` (PROTOCOLS.md trap 5):
 *   canonical output = candidates + thoughts, reasoning = thoughts.
 * - `toolUsePromptTokenCount` (results of Google's built-in tools) is input the model read: folded
 *   into input tokens, as `totalTokenCount` = prompt + candidates + thoughts + toolUsePrompt.
 * - Gemini has no cache-write concept; canonical `cacheWriteTokens` is 0 on decode and, on encode,
 *   stays inside `promptTokenCount` (it is already part of canonical input).
 */
import type { CanonicalUsage } from '../../canonical/types.js';
import { isObject } from './fields.js';
import type { GeminiUsageMetadata } from './wire-types.js';

function count(object: Record<string, unknown>, camel: string, snake: string): number | undefined {
  const value = object[camel] ?? object[snake];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Whether a `usageMetadata` carries any token count (Vertex partial-args chunks carry only `trafficType`). */
export function hasGeminiTokenCounts(usageMetadata: unknown): boolean {
  if (!isObject(usageMetadata)) return false;
  return (
    count(usageMetadata, 'promptTokenCount', 'prompt_token_count') !== undefined ||
    count(usageMetadata, 'candidatesTokenCount', 'candidates_token_count') !== undefined ||
    count(usageMetadata, 'totalTokenCount', 'total_token_count') !== undefined
  );
}

export function decodeGeminiUsage(usageMetadata: unknown): CanonicalUsage {
  const usage = isObject(usageMetadata) ? usageMetadata : {};
  const prompt = count(usage, 'promptTokenCount', 'prompt_token_count') ?? 0;
  const toolUsePrompt = count(usage, 'toolUsePromptTokenCount', 'tool_use_prompt_token_count') ?? 0;
  const candidates = count(usage, 'candidatesTokenCount', 'candidates_token_count') ?? 0;
  const thoughts = count(usage, 'thoughtsTokenCount', 'thoughts_token_count') ?? 0;
  const cached = count(usage, 'cachedContentTokenCount', 'cached_content_token_count') ?? 0;
  return {
    inputTokens: prompt + toolUsePrompt,
    outputTokens: candidates + thoughts,
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

export function encodeGeminiUsage(usage: Partial<CanonicalUsage>): GeminiUsageMetadata {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  const reasoning = Math.min(usage.reasoningTokens ?? 0, output);
  const cached = usage.cachedInputTokens ?? 0;
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: input,
    candidatesTokenCount: output - reasoning,
    totalTokenCount: input + output,
  };
  if (cached > 0) metadata.cachedContentTokenCount = cached;
  if (reasoning > 0) metadata.thoughtsTokenCount = reasoning;
  return metadata;
}
