/**
 * The shortest prefix Anthropic will cache, per Claude model family. A breakpoint on a shorter
 * prefix is not an error, it is silently not cached (both cache counters stay 0), so placing one
 * only wastes one of the four breakpoint slots. The numbers and where they come from:
 *
 * - Opus 4.5 / 4.6 and Haiku 4.5: 4,096; Sonnet 4.5, Opus 4.1, Opus 4, Sonnet 4, Sonnet 3.7: 1,024;
 *   Haiku 3.5 / 3: 2,048 - the prompt-caching docs as quoted in anthropics/anthropic-sdk-python #1194
 *   (2026-02) and the table in docs.orq.ai/docs/proxy/prompt-caching.
 * - Sonnet 4.6: 2,048. The docs quoted in #1194 said 1,024, but that issue reports caching only from
 *   2,048, BerriAI/litellm-docs PR #49 measured it (2,038 tokens not cached, 2,067 cached) and later
 *   tables (orq.ai; the docs as quoted in pleasedodisturb/awesome-llm-token-optimization PR #23) say 2,048.
 * - Opus 4.7: 2,048 and Opus 4.8: 1,024 - one 2026 source each (dev.to "Claude's prompt cache fails
 *   silently below 1,024 tokens"; PR #23 above for Opus 4.8).
 * - Anything else named claude: 1,024, the most common floor.
 *
 * Our token estimate is calibrated on OpenAI's o200k tokenizer, which cuts the same text into fewer
 * tokens than Claude's, so comparing the estimate with these floors errs towards not placing.
 */

/** Checked in order: specific versions before the family name they start with. */
const FLOORS: ReadonlyArray<[pattern: RegExp, minimumTokens: number]> = [
  [/claude-opus-4-1(?![0-9])/, 1024],
  [/claude-opus-4-5(?![0-9])/, 4096],
  [/claude-opus-4-6(?![0-9])/, 4096],
  [/claude-opus-4-7(?![0-9])/, 2048],
  [/claude-opus-4-8(?![0-9])/, 1024],
  [/claude-opus-4/, 1024],
  [/claude-sonnet-4-5(?![0-9])/, 1024],
  [/claude-sonnet-4-6(?![0-9])/, 2048],
  [/claude-sonnet-4/, 1024],
  [/claude-haiku-4-5(?![0-9])/, 4096],
  [/claude-3-5-haiku|claude-3-haiku/, 2048],
  [/claude-3-7-sonnet|claude-3-5-sonnet|claude-3-opus/, 1024],
];

export const DEFAULT_MINIMUM_CACHE_TOKENS = 1024;

/**
 * The floor for a model as the provider names it; matches inside longer names too (Bedrock
 * `anthropic.claude-sonnet-4-5-20250929-v1:0`, Vertex `claude-sonnet-4-5@20250929`).
 */
export function minimumCacheTokens(model: string): number {
  const name = model.toLowerCase();
  return FLOORS.find(([pattern]) => pattern.test(name))?.[1] ?? DEFAULT_MINIMUM_CACHE_TOKENS;
}
