/**
 * Anthropic prompt caching (https://docs.claude.com/en/docs/build-with-claude/prompt-caching):
 * nothing is cached unless a `cache_control` breakpoint asks for it, in prompt order tools →
 * system → messages. A breakpoint caches the whole prefix up to and including its block, for 5
 * minutes (default) or 1 hour since last use, and only when that prefix reaches the model's minimum
 * (shorter ones are silently not cached). A later request reads the longest cached prefix that ends
 * at one of its breakpoints or at one of the 20 block boundaries before each (Anthropic's lookback,
 * which is what lets a breakpoint that moves forward with the conversation hit the previous turn's
 * entry). Tokens past the hit up to the last breakpoint are written and reported as
 * `cache_creation_input_tokens`, split by the TTL of the breakpoint that closes them.
 */
import type { CatalogModel } from '../../catalog.js';
import { countTokens } from '../../tokens.js';
import { toolDefinitionsText, type PromptTokenLayout } from '../../generate/prompt-tokens.js';
import type { PrefixCache } from '../../prefix-cache.js';
import type { EmulatorPrompt } from '../../types.js';
import type { DecodedRequest, PromptCacheUsage } from '../protocol.js';
import { claudeFamily } from './models.js';
import type { AnthropicRenderOptions, CacheBreakpoint, CacheTtl } from './request.js';

const LOOKBACK_BLOCKS = 20;
const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
const NOTHING: PromptCacheUsage = { cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };

export function anthropicPromptCache(
  decoded: DecodedRequest<AnthropicRenderOptions>, model: CatalogModel, layout: PromptTokenLayout, cache: PrefixCache, now: number = Date.now(),
): PromptCacheUsage {
  const minimum = claudeFamily(model.name).minimumCacheTokens;
  const marks = decoded.options.breakpoints
    .map((breakpoint) => ({ length: breakpointLength(breakpoint, decoded.prompt, layout), ttl: breakpoint.ttl }))
    .filter((mark) => mark.length >= minimum)
    .sort((first, second) => first.length - second.length);
  if (marks.length === 0) return NOTHING;

  // Separate from the automatic prefix cache other protocols use for the same model name.
  const namespace = `anthropic:${model.name}`;
  const boundaries = blockBoundaries(layout);
  const candidates = new Set<number>();
  for (const mark of marks) {
    candidates.add(mark.length);
    for (const boundary of boundaries.filter((length) => length <= mark.length && length >= minimum).slice(-LOOKBACK_BLOCKS)) candidates.add(boundary);
  }
  const read = cache.longestCachedPrefix(namespace, layout.tokens, [...candidates], now);

  let covered = read;
  let written = 0;
  let writtenForAnHour = 0;
  for (const mark of marks) {
    if (mark.length <= covered) continue;
    written += mark.length - covered;
    if (mark.ttl === '1h') writtenForAnHour += mark.length - covered;
    covered = mark.length;
  }
  cache.storePrefixes(namespace, layout.tokens, marks.map((mark) => ({ length: mark.length, ttlMs: TTL_MS[mark.ttl] })), now);
  return { cachedInputTokens: read, cacheWriteTokens: written, cacheWrite1hTokens: writtenForAnHour };
}

/** How many prompt tokens the prefix ending at a breakpoint's block holds. */
export function breakpointLength(breakpoint: CacheBreakpoint, prompt: EmulatorPrompt, layout: PromptTokenLayout): number {
  if (breakpoint.at === 'tools') {
    if (breakpoint.toolIndex < 0) return 0;
    if (breakpoint.toolIndex >= prompt.tools.length - 1) return layout.toolsEnd;
    // Tools are rendered as one text; a breakpoint on an earlier tool ends inside it.
    return 1 + countTokens(toolDefinitionsText(prompt.tools.slice(0, breakpoint.toolIndex + 1)));
  }
  if (breakpoint.parts === 0) return layout.messageStarts[breakpoint.message] ?? 0;
  return layout.partEnds[breakpoint.message]?.[breakpoint.parts - 1] ?? 0;
}

function blockBoundaries(layout: PromptTokenLayout): number[] {
  const boundaries = layout.toolsEnd > 0 ? [layout.toolsEnd] : [];
  for (const ends of layout.partEnds) boundaries.push(...ends);
  return [...new Set(boundaries)].sort((first, second) => first - second);
}
