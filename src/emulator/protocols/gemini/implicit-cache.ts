/**
 * Gemini's implicit caching: automatic, like OpenAI's, but only for prompts of at least the model's
 * minimum (4,096 tokens for Gemini 3.x, 2,048 for 2.5; https://ai.google.dev/gemini-api/docs/caching),
 * reported as `cachedContentTokenCount` (a part of `promptTokenCount`). Prefixes are remembered at
 * 128-token steps from the minimum up, for 5 minutes since last use, in the emulator's shared
 * prefix store under a namespace per API (AI Studio and Vertex are separate services with separate
 * caches, and neither shares OpenAI's).
 */
import type { CatalogModel } from '../../catalog.js';
import type { PromptTokenLayout } from '../../generate/prompt-tokens.js';
import type { PrefixCache } from '../../prefix-cache.js';
import type { PromptCacheUsage } from '../protocol.js';
import type { GeminiFlavor } from './wire-schema.js';

const STEP = 128;
const TTL_MS = 5 * 60_000;

export function implicitCacheMinimum(model: string): number {
  if (/^gemini-2\.5/i.test(model)) return 2_048;
  if (/^gemini-(1|2\.0)/i.test(model)) return 1_024;
  return 4_096;
}

export function geminiImplicitCache(flavor: GeminiFlavor, model: CatalogModel, layout: PromptTokenLayout, cache: PrefixCache, now: number = Date.now()): PromptCacheUsage {
  const minimum = implicitCacheMinimum(model.name);
  const namespace = `${flavor}:${model.name}`;
  const lengths: number[] = [];
  for (let length = minimum; length <= layout.tokens.length; length += STEP) lengths.push(length);
  if (lengths.length === 0) return { cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
  const cachedInputTokens = cache.longestCachedPrefix(namespace, layout.tokens, lengths, now);
  cache.storePrefixes(namespace, layout.tokens, lengths.map((length) => ({ length, ttlMs: TTL_MS })), now);
  // Implicit caching is free to write: nothing is reported as written.
  return { cachedInputTokens, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
}
