/**
 * `usageMetadata` as Gemini reports it [conformance gemini/generate-cached-content.response.json,
 * stream-text.stream.sse, generate-image-fileuri.response.json]:
 * - `promptTokenCount` includes cached tokens; `cachedContentTokenCount` (+ `cacheTokensDetails`)
 *   only when some were cached;
 * - `candidatesTokenCount` excludes `thoughtsTokenCount`; `totalTokenCount` is the sum of the three;
 *   zero counts are left out, as proto JSON leaves out defaults;
 * - `promptTokensDetails` by modality (images at the emulator's fixed per-image count);
 * - AI Studio adds `serviceTier`; Vertex adds `trafficType` and `candidatesTokensDetails`, and in
 *   streams sends only `{"trafficType"}` until the last chunk [stream-partial-args.stream.jsonl].
 */
import { IMAGE_TOKENS_DEFAULT } from '../../tokens.js';
import type { GenerationUsage } from '../../types.js';
import type { GeminiFlavor } from './wire-schema.js';

export interface UsageSoFar {
  candidateTokens: number;
  thoughtTokens: number;
}

export function usageMetadata(usage: GenerationUsage, imageCount: number, flavor: GeminiFlavor, soFar: UsageSoFar): Record<string, unknown> {
  const prompt = usage.inputTokens;
  const metadata: Record<string, unknown> = { promptTokenCount: prompt };
  if (soFar.candidateTokens > 0) metadata.candidatesTokenCount = soFar.candidateTokens;
  metadata.totalTokenCount = prompt + soFar.candidateTokens + soFar.thoughtTokens;
  if (usage.cachedInputTokens > 0) metadata.cachedContentTokenCount = usage.cachedInputTokens;
  if (flavor === 'vertex') metadata.trafficType = 'ON_DEMAND';
  const imageTokens = Math.min(prompt, imageCount * IMAGE_TOKENS_DEFAULT);
  metadata.promptTokensDetails = [
    { modality: 'TEXT', tokenCount: prompt - imageTokens },
    ...(imageTokens > 0 ? [{ modality: 'IMAGE', tokenCount: imageTokens }] : []),
  ];
  if (usage.cachedInputTokens > 0) metadata.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: usage.cachedInputTokens }];
  if (flavor === 'vertex' && soFar.candidateTokens > 0) metadata.candidatesTokensDetails = [{ modality: 'TEXT', tokenCount: soFar.candidateTokens }];
  if (soFar.thoughtTokens > 0) metadata.thoughtsTokenCount = soFar.thoughtTokens;
  if (flavor === 'gemini') metadata.serviceTier = 'standard';
  return metadata;
}

/** Vertex streams carry no counts before the last chunk. */
export function vertexInterimUsage(): Record<string, unknown> {
  return { trafficType: 'ON_DEMAND' };
}
