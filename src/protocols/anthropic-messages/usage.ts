import type { CanonicalUsage } from '../../canonical/types.js';
import { isRecord } from '../shared/field-reader.js';
import type { AnthropicUsage } from './wire-types.js';

/**
 * Anthropic usage ⇄ canonical usage.
 *
 * Anthropic's cache counts are ADDITIVE: `input_tokens` is only the uncached remainder, so the total
 * input is `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`
 * [conformance anthropic/messages-cache-read-write: 3 + 418 + 1111]. Canonical counts are totals with
 * subsets (PROTOCOLS.md trap 5), so decoding folds them in and encoding splits them out again.
 */

/** The usage fields as Anthropic sent them; absent (or null) fields stay undefined. */
export interface AnthropicUsageFields {
  inputTokens?: number;
  cacheCreationInputTokens?: number;
  cacheReadInputTokens?: number;
  /** `cache_creation.ephemeral_1h_input_tokens`, when the TTL breakdown was sent. */
  cacheCreation1hTokens?: number;
  outputTokens?: number;
  /** `output_tokens_details.thinking_tokens` (newer API versions). */
  thinkingTokens?: number;
}

function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Lenient: a provider's usage object with odd or missing fields never fails a response. */
export function readAnthropicUsage(value: unknown): AnthropicUsageFields {
  if (!isRecord(value)) return {};
  const fields: AnthropicUsageFields = {};
  const input = readCount(value.input_tokens);
  if (input !== undefined) fields.inputTokens = input;
  const creation = readCount(value.cache_creation_input_tokens);
  if (creation !== undefined) fields.cacheCreationInputTokens = creation;
  const read = readCount(value.cache_read_input_tokens);
  if (read !== undefined) fields.cacheReadInputTokens = read;
  if (isRecord(value.cache_creation)) {
    const oneHour = readCount(value.cache_creation.ephemeral_1h_input_tokens);
    if (oneHour !== undefined) fields.cacheCreation1hTokens = oneHour;
  }
  const output = readCount(value.output_tokens);
  if (output !== undefined) fields.outputTokens = output;
  if (isRecord(value.output_tokens_details)) {
    const thinking = readCount(value.output_tokens_details.thinking_tokens);
    if (thinking !== undefined) fields.thinkingTokens = thinking;
  }
  return fields;
}

/**
 * Streams split usage: `message_start` has the input counts, `message_delta` the CUMULATIVE output
 * (and newer traffic restates the input counts). The later snapshot replaces field by field; nothing is
 * added up (PROTOCOLS.md trap 4, tensorzero #5481).
 */
export function mergeAnthropicUsage(earlier: AnthropicUsageFields, later: AnthropicUsageFields): AnthropicUsageFields {
  const merged: AnthropicUsageFields = { ...earlier };
  for (const key of Object.keys(later) as Array<keyof AnthropicUsageFields>) {
    const value = later[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

export function toCanonicalUsage(fields: AnthropicUsageFields): CanonicalUsage {
  const cacheWrite = fields.cacheCreationInputTokens ?? 0;
  const cacheRead = fields.cacheReadInputTokens ?? 0;
  const usage: CanonicalUsage = {
    inputTokens: (fields.inputTokens ?? 0) + cacheWrite + cacheRead,
    outputTokens: fields.outputTokens ?? 0,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: fields.thinkingTokens ?? 0,
  };
  if (fields.cacheCreation1hTokens !== undefined) usage.cacheWrite1hTokens = fields.cacheCreation1hTokens;
  return usage;
}

export function decodeAnthropicUsage(value: unknown): CanonicalUsage {
  return toCanonicalUsage(readAnthropicUsage(value));
}

/**
 * Canonical usage as Anthropic's additive fields. Missing counts are 0. The TTL breakdown is written
 * only when the canonical usage carries the 1-hour part, so a decode → encode → decode keeps its shape.
 */
export function encodeAnthropicUsage(usage: Partial<CanonicalUsage>): AnthropicUsage {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const encoded: AnthropicUsage = {
    input_tokens: Math.max(0, (usage.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage.outputTokens ?? 0,
  };
  if (usage.cacheWrite1hTokens !== undefined) {
    const oneHour = Math.min(usage.cacheWrite1hTokens, cacheWrite);
    encoded.cache_creation = { ephemeral_5m_input_tokens: cacheWrite - oneHour, ephemeral_1h_input_tokens: oneHour };
  }
  if (usage.reasoningTokens !== undefined && usage.reasoningTokens > 0) {
    encoded.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  }
  return encoded;
}
